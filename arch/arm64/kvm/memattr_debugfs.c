// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/kvm/<pid>-<fd>/memattr: the device memory of each
 * memslot, how it was classified, the stage-2 memory type it got, the
 * largest mapping used and why.
 */
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/seq_file.h>

#include <asm/kvm_mmu.h>

#include "memattr.h"

static const char *size_name(unsigned int shift)
{
	switch (shift) {
	case 0:
		return "-";
	case PAGE_SHIFT:
		return "4K";
	case PMD_SHIFT:
		return "2M";
	case PUD_SHIFT:
		return "1G";
	default:
		return "?";
	}
}

static const char *range_class(const struct kvm_memattr_range *r)
{
	if (r->described)
		return kvm_memattr_class_name(r->desc.class);
	switch (r->decision.type) {
	case KVM_MEMTYPE_WB:
		return kvm_memattr_class_name(KVM_MEMATTR_CLASS_CACHEABLE);
	case KVM_MEMTYPE_WC:
		return kvm_memattr_class_name(KVM_MEMATTR_CLASS_NORMAL_NC);
	case KVM_MEMTYPE_DEVICE_nGnRnE:
		return kvm_memattr_class_name(KVM_MEMATTR_CLASS_DEVICE_EXACT);
	default:
		return kvm_memattr_class_name(KVM_MEMATTR_CLASS_DEVICE);
	}
}

/*
 * One line per device-memory range of each memslot:
 * gpa range, device and BAR, class(reason), type, largest mapping,
 * installed mappings, reason of the type.
 */
static int memattr_show(struct seq_file *m, void *unused)
{
	struct kvm *kvm = m->private;
	struct kvm_memory_slot *slot;
	int bkt, i;

	seq_puts(m, "# gpa device bar class(reason) type largest faults reason\n");
	mutex_lock(&kvm->slots_lock);
	kvm_for_each_memslot(slot, bkt, kvm_memslots(kvm)) {
		struct kvm_memattr_slot *ms = slot->arch.memattr;

		for (i = 0; ms && i < ms->nr; i++) {
			struct kvm_memattr_range *r = &ms->range[i];
			union kvm_memattr_decision_word w = {
				.word = atomic_read(&r->last),
			};
			phys_addr_t gpa = (slot->base_gfn << PAGE_SHIFT) +
					  (r->hva_start - slot->userspace_addr);
			struct kvm_memattr_decision d = w.word ? w.d : r->decision;

			seq_printf(m, "0x%016llx-0x%016llx %s ", gpa,
				   gpa + (r->hva_end - r->hva_start),
				   r->described ? r->desc.name : "-");
			if (r->described)
				seq_printf(m, "BAR%u %s(%s) ", r->desc.bar,
					   range_class(r),
					   kvm_memattr_reason_name(r->desc.reason));
			else
				seq_printf(m, "- %s(pfnmap) ", range_class(r));
			seq_printf(m, "%s %s %ld %s\n",
				   kvm_memtype_name(KVM_MEMATTR_ARM64_S2, d.type),
				   size_name(atomic_read(&r->max_shift)),
				   atomic_long_read(&r->faults),
				   kvm_memattr_reason_name(d.reason));
		}
	}
	mutex_unlock(&kvm->slots_lock);
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
