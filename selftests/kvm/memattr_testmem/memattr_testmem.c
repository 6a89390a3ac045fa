// SPDX-License-Identifier: GPL-2.0
/*
 * memattr_testmem - a PFNMAP provider for KVM memory-attribute tests.
 *
 * Exposes physical memory the kernel does not manage (left outside the
 * linear map with "mem=") through /dev/memattr_testmem, mapped VM_PFNMAP
 * with the page protection and VM_ALLOW_ANY_UNCACHED the caller picks:
 * what a driver such as nvgrace-gpu does for coherent device memory, on
 * any machine. The mmap offset selects the mapping:
 *
 *   bits [39:0]   offset into the region
 *   bits [41:40]  0: cacheable, 1: write-combining, 2: device (noncached)
 *   bit  42       set VM_ALLOW_ANY_UNCACHED
 *
 * Load with base= and size= (bytes, page aligned) naming that memory.
 */
#include <linux/fs.h>
#include <linux/memblock.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

static unsigned long base;
module_param(base, ulong, 0444);
MODULE_PARM_DESC(base, "physical address of the memory to expose");
static unsigned long size;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "size in bytes of the memory to expose");

#define TESTMEM_OFFSET_MASK	GENMASK_ULL(39, 0)
#define TESTMEM_TYPE_SHIFT	40
#define TESTMEM_TYPE_MASK	GENMASK_ULL(41, 40)
#define TESTMEM_NC_ALLOWED	BIT_ULL(42)

enum { TESTMEM_CACHEABLE, TESTMEM_WC, TESTMEM_DEVICE };

static int testmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 start = off & TESTMEM_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (start > size || len > size - start)
		return -EINVAL;

	switch ((off & TESTMEM_TYPE_MASK) >> TESTMEM_TYPE_SHIFT) {
	case TESTMEM_CACHEABLE:
		break;
	case TESTMEM_WC:
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		break;
	case TESTMEM_DEVICE:
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		break;
	default:
		return -EINVAL;
	}
	if (off & TESTMEM_NC_ALLOWED)
		vm_flags_set(vma, VM_ALLOW_ANY_UNCACHED);
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);

	return remap_pfn_range(vma, vma->vm_start, (base + start) >> PAGE_SHIFT,
			       len, vma->vm_page_prot);
}

static const struct file_operations testmem_fops = {
	.owner	= THIS_MODULE,
	.mmap	= testmem_mmap,
};

static struct miscdevice testmem_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "memattr_testmem",
	.fops	= &testmem_fops,
};

static int __init testmem_init(void)
{
	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size)) {
		pr_err("memattr_testmem: base=%#lx size=%#lx: need a page aligned, non-empty range\n",
		       base, size);
		return -EINVAL;
	}
	/* Memory the kernel owns must never be handed out this way. */
	if (pfn_is_map_memory(PHYS_PFN(base)) ||
	    pfn_is_map_memory(PHYS_PFN(base + size - 1))) {
		pr_err("memattr_testmem: %#lx-%#lx is kernel memory\n", base,
		       base + size - 1);
		return -EINVAL;
	}
	return misc_register(&testmem_dev);
}

static void __exit testmem_exit(void)
{
	misc_deregister(&testmem_dev);
}

module_init(testmem_init);
module_exit(testmem_exit);
MODULE_DESCRIPTION("PFNMAP provider of unmanaged memory for KVM memory-attribute tests");
MODULE_LICENSE("GPL");
