// SPDX-License-Identifier: GPL-2.0
/*
 * memattr_testmem - a PFNMAP provider for KVM memory-attribute tests.
 *
 * Exposes physical memory the kernel does not manage (left outside the
 * linear map with "mem=") through /dev/memattr_testmem, mapped VM_PFNMAP
 * with the page protection and VM_ALLOW_ANY_UNCACHED the caller picks:
 * what a driver such as nvgrace-gpu does for coherent device memory, on
 * any machine. It also maps kernel RAM the same way, cacheable, as DRM/TTM
 * and other drivers that remap_pfn_range() kernel pages do. The mmap
 * offset selects the mapping:
 *
 *   bits [39:0]   offset into the region
 *   bits [41:40]  0: cacheable, 1: write-combining, 2: device (noncached),
 *                 3: kernel RAM, cacheable (the first RAM_SIZE bytes only)
 *   bit  42       set VM_ALLOW_ANY_UNCACHED
 *   bit  43       set VM_EXACT_MEMTYPE
 *   bit  44       map each page on fault, write-combining whatever the VMA's
 *                 protection says, as TTM maps a buffer with the caching of
 *                 its placement (vmf_insert_pfn_prot())
 *
 * Load with base= and size= (bytes, page aligned) naming that memory.
 */
#include <linux/fs.h>
#include <linux/memblock.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>

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
#define TESTMEM_EXACT		BIT_ULL(43)
#define TESTMEM_FAULT_WC	BIT_ULL(44)

enum { TESTMEM_CACHEABLE, TESTMEM_WC, TESTMEM_DEVICE, TESTMEM_RAM };

/* Kernel pages for TESTMEM_RAM: one naturally aligned block of 4 MiB. */
#define RAM_SIZE	SZ_4M
#define RAM_ORDER	get_order(RAM_SIZE)
static struct page *ram;

static vm_fault_t testmem_fault_wc(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	u64 start = ((u64)vma->vm_pgoff << PAGE_SHIFT) & TESTMEM_OFFSET_MASK;
	unsigned long pfn = PHYS_PFN(base + start + vmf->address - vma->vm_start);

	return vmf_insert_pfn_prot(vma, vmf->address, pfn,
				   pgprot_writecombine(vma->vm_page_prot));
}

static const struct vm_operations_struct testmem_fault_wc_ops = {
	.fault = testmem_fault_wc,
};

static int testmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 start = off & TESTMEM_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start;
	u64 limit = size;
	bool kernel_ram = false;
	unsigned long pfn;

	if (!(vma->vm_flags & VM_SHARED))
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
	case TESTMEM_RAM:
		kernel_ram = true;
		limit = RAM_SIZE;
		break;
	default:
		return -EINVAL;
	}
	if (start > limit || len > limit - start)
		return -EINVAL;
	if (off & TESTMEM_NC_ALLOWED)
		vm_flags_set(vma, VM_ALLOW_ANY_UNCACHED);
	if (off & TESTMEM_EXACT)
		vm_flags_set(vma, VM_EXACT_MEMTYPE);
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);

	if (off & TESTMEM_FAULT_WC) {
		if (kernel_ram)
			return -EINVAL;
		vm_flags_set(vma, VM_PFNMAP);
		vma->vm_ops = &testmem_fault_wc_ops;
		return 0;
	}
	if (kernel_ram)
		pfn = page_to_pfn(ram) + (start >> PAGE_SHIFT);
	else
		pfn = (base + start) >> PAGE_SHIFT;
	return remap_pfn_range(vma, vma->vm_start, pfn, len, vma->vm_page_prot);
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
	unsigned long pfn;
	int ret;

	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size)) {
		pr_err("memattr_testmem: base=%#lx size=%#lx: need a page aligned, non-empty range\n",
		       base, size);
		return -EINVAL;
	}
	/* Memory the kernel owns must never be handed out this way. */
	for (pfn = PHYS_PFN(base); pfn < PHYS_PFN(base + size); pfn++) {
		if (pfn_is_map_memory(pfn)) {
			pr_err("memattr_testmem: %#lx-%#lx holds kernel memory at %#llx\n",
			       base, base + size - 1, PFN_PHYS(pfn));
			return -EINVAL;
		}
	}
	/* Compound, so that every page has a reference KVM can take. */
	ram = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_COMP, RAM_ORDER);
	if (!ram)
		return -ENOMEM;
	ret = misc_register(&testmem_dev);
	if (ret)
		__free_pages(ram, RAM_ORDER);
	return ret;
}

static void __exit testmem_exit(void)
{
	misc_deregister(&testmem_dev);
	__free_pages(ram, RAM_ORDER);
}

module_init(testmem_init);
module_exit(testmem_exit);
MODULE_DESCRIPTION("PFNMAP provider of unmanaged memory for KVM memory-attribute tests");
MODULE_LICENSE("GPL");
