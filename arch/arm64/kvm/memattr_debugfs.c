// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/kvm/<pid>-<fd>/memattr: the device memory of each
 * memslot, as KVM knows it from the VMAs, and the stage-2 memory type the
 * policy gives it.
 */
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>

#include <asm/kvm_mmu.h>

#include "memattr.h"

static const char *const host_names[] = {
	[KVM_MEMATTR_HOST_WB]		= "Normal-WB",
	[KVM_MEMATTR_HOST_NC]		= "Normal-NC",
	[KVM_MEMATTR_HOST_DEVICE]	= "Device-nGnRE",
	[KVM_MEMATTR_HOST_DEVICE_nGnRnE] = "Device-nGnRnE",
};

static void show_vma(struct seq_file *m, struct kvm *kvm,
		     struct kvm_memory_slot *slot, struct vm_area_struct *vma)
{
	unsigned long start = max(vma->vm_start, slot->userspace_addr);
	unsigned long end = min(vma->vm_end, slot->userspace_addr +
				(slot->npages << PAGE_SHIFT));
	gpa_t gpa = gfn_to_gpa(slot->base_gfn) + (start - slot->userspace_addr);
	union kvm_memattr_facts f = kvm_memattr_vma_facts(kvm, vma);
	struct kvm_memattr_decision d;
	const char *flags;

	f.backing = KVM_MEMATTR_MMIO;
	d = kvm_memattr_resolve_s2(f);
	if (f.nc_allowed)
		flags = f.exact ? "nc,exact" : "nc";
	else
		flags = f.exact ? "exact" : "-";
	seq_printf(m, "0x%016llx-0x%016llx %s %s ", gpa, gpa + (end - start),
		   f.host < ARRAY_SIZE(host_names) ? host_names[f.host] : "?",
		   flags);
	if (d.refuse)
		seq_puts(m, "refused ");
	else
		seq_printf(m, "%s ", kvm_memtype_name(KVM_MEMATTR_ARM64_S2, d.type));
	seq_printf(m, "%s\n", kvm_memattr_reason_name(d.reason));
}

/*
 * One line per VM_PFNMAP or VM_MIXEDMAP mapping inside a memslot, as KVM
 * sees it now, from the VMA alone: guest physical range, how the host maps
 * it, the VMA's memory-type flags, and the stage-2 type the policy gives
 * device memory there, with its reason. The stage-2 page tables themselves
 * are in stage2_page_tables.
 */
static int memattr_show(struct seq_file *m, void *unused)
{
	struct kvm *kvm = m->private;
	struct kvm_memory_slot *slot;
	struct vm_area_struct *vma;
	int bkt, idx;

	seq_puts(m, "# gpa host flags type reason\n");
	/*
	 * Holding the VM's mm keeps its stage-2 tables, whose FWB setting the
	 * facts read, from being torn down by the MMU notifier's release.
	 */
	if (!mmget_not_zero(kvm->mm))
		return 0;
	idx = srcu_read_lock(&kvm->srcu);
	mmap_read_lock(kvm->mm);
	kvm_for_each_memslot(slot, bkt, kvm_memslots(kvm)) {
		unsigned long start = slot->userspace_addr;
		unsigned long end = start + (slot->npages << PAGE_SHIFT);
		struct vma_iterator vmi;

		vma_iter_init(&vmi, kvm->mm, start);
		for_each_vma_range(vmi, vma, end)
			if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
				show_vma(m, kvm, slot, vma);
	}
	mmap_read_unlock(kvm->mm);
	srcu_read_unlock(&kvm->srcu, idx);
	mmput(kvm->mm);
	return 0;
}

static int memattr_open(struct inode *inode, struct file *file)
{
	struct kvm *kvm = inode->i_private;
	int ret;

	if (!kvm_get_kvm_safe(kvm))
		return -ENOENT;
	ret = single_open(file, memattr_show, kvm);
	if (ret)
		kvm_put_kvm(kvm);
	return ret;
}

static int memattr_release(struct inode *inode, struct file *file)
{
	kvm_put_kvm(inode->i_private);
	return single_release(inode, file);
}

static const struct file_operations memattr_fops = {
	.open		= memattr_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= memattr_release,
};

void kvm_memattr_create_debugfs(struct kvm *kvm)
{
	debugfs_create_file("memattr", 0400, kvm->debugfs_dentry, kvm,
			    &memattr_fops);
}
