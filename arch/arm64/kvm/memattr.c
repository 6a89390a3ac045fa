// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 stage-2 and the memory-attribute core: the facts of a stage-2
 * fault, the device-memory ranges of each memslot, the block size a vfio
 * BAR's layout allows, and the tracepoint of device mappings.
 *
 * mmu.c asks; the decision is kvm_memattr_resolve_s2()'s, the descriptor
 * bits stage2_set_prot_attr()'s.
 */
#include <linux/bitfield.h>
#include <linux/cpufeature.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/vfio_pci_core.h>

#include <asm/kvm_mmu.h>
#include <asm/memory.h>

#include "memattr.h"

#define CREATE_TRACE_POINTS
#include "trace_memattr.h"

static bool memattr_has_fwb(struct kvm *kvm)
{
	return kvm_pgtable_stage2_has_fwb(kvm->arch.mmu.pgt);
}

/* How the host maps the VMA: its MAIR index. */
static u8 vma_host_type(struct vm_area_struct *vma)
{
	switch (FIELD_GET(PTE_ATTRINDX_MASK, pgprot_val(vma->vm_page_prot))) {
	case MT_NORMAL:
	case MT_NORMAL_TAGGED:
		return KVM_MEMATTR_HOST_WB;
	case MT_NORMAL_NC:
		return KVM_MEMATTR_HOST_NC;
	case MT_DEVICE_nGnRnE:
		return KVM_MEMATTR_HOST_DEVICE_nGnRnE;
	default:
		return KVM_MEMATTR_HOST_DEVICE;
	}
}

/*
 * The host type only counts for VM_PFNMAP and VM_MIXEDMAP mappings, whose
 * driver chose it for the memory it maps. A device pfn behind any other
 * VMA (devdax, for instance) keeps what 6.12 gave it, Device.
 */
static union kvm_memattr_facts vma_facts(struct kvm *kvm,
					 struct vm_area_struct *vma)
{
	bool pfnmap = vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP);

	return (union kvm_memattr_facts) {
		.host = pfnmap ? vma_host_type(vma) : KVM_MEMATTR_HOST_DEVICE,
		.nc_allowed = !!(vma->vm_flags & VM_ALLOW_ANY_UNCACHED),
		.exact = !!(vma->vm_flags & VM_EXACT_MEMTYPE),
		.mte = kvm_has_mte(kvm),
		.fwb = memattr_has_fwb(kvm),
		.dic = cpus_have_final_cap(ARM64_HAS_CACHE_DIC),
	};
}

static unsigned long vma_pgoff_at(struct vm_area_struct *vma, unsigned long hva)
{
	return vma->vm_pgoff + ((hva - vma->vm_start) >> PAGE_SHIFT);
}

/* Ask vfio-pci about the VMA without making KVM depend on its module. */
static bool describe_vma(struct vm_area_struct *vma,
			 struct vfio_pci_memattr_desc *desc)
{
	int (*fn)(struct vm_area_struct *vma, struct vfio_pci_memattr_desc *desc);
	int ret;

	fn = symbol_get(vfio_pci_core_vma_memattr);
	if (!fn)
		return false;
	ret = fn(vma, desc);
	symbol_put(vfio_pci_core_vma_memattr);
	return !ret;
}

/*
 * Called with the mmap lock held, after mmu.c's own checks of the VMAs.
 * Nothing is refused here: whether the memory may be mapped depends on the
 * pfn (a PFNMAP of kernel RAM is Normal-WB like any RAM), so it is decided
 * by each fault.
 */
static void scan_slot(struct kvm *kvm, struct kvm_memory_slot *slot,
		      struct kvm_memattr_range *ranges, unsigned int *nr)
{
	unsigned long hva = slot->userspace_addr;
	unsigned long end = hva + (slot->npages << PAGE_SHIFT);

	*nr = 0;
	while (hva < end && *nr < KVM_MEMATTR_MAX_RANGES) {
		struct vm_area_struct *vma = find_vma_intersection(current->mm, hva, end);
		union kvm_memattr_facts f;
		struct kvm_memattr_range *r;

		if (!vma)
			break;
		hva = max(hva, vma->vm_start);
		if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) {
			f = vma_facts(kvm, vma);
			f.backing = KVM_MEMATTR_MMIO;
			r = &ranges[(*nr)++];
			*r = (struct kvm_memattr_range) {
				.hva_start = hva,
				.hva_end = min(end, vma->vm_end),
				.file = vma->vm_file,
				.pgoff = vma_pgoff_at(vma, hva),
				.decision = kvm_memattr_resolve_s2(f),
			};
			r->described = describe_vma(vma, &r->desc);
			if (r->described)
				r->desc.phys += (hva - vma->vm_start);
			r->linear = r->described;
			atomic_set(&r->max_shift, 0);
		}
		hva = vma->vm_end;
	}
}

/**
 * kvm_memattr_prepare_slot() - Record a new memslot's device memory.
 * @kvm: the VM.
 * @old: the memslot being changed, for KVM_MR_FLAGS_ONLY.
 * @new: the memslot being created or moved.
 * @change: the change.
 *
 * Context: the caller holds the mmap lock for read.
 * Return: 0 or -ENOMEM.
 */
int kvm_memattr_prepare_slot(struct kvm *kvm, const struct kvm_memory_slot *old,
			     struct kvm_memory_slot *new, enum kvm_mr_change change)
{
	struct kvm_memattr_range ranges[KVM_MEMATTR_MAX_RANGES];
	struct kvm_memattr_slot *ms;
	unsigned int nr;

	if (change == KVM_MR_FLAGS_ONLY) {
		new->arch.memattr = old->arch.memattr;
		return 0;
	}
	if (change != KVM_MR_CREATE && change != KVM_MR_MOVE)
		return 0;

	new->arch.memattr = NULL;
	scan_slot(kvm, new, ranges, &nr);
	if (!nr)
		return 0;

	ms = kzalloc(struct_size(ms, range, nr), GFP_KERNEL_ACCOUNT);
	if (!ms)
		return -ENOMEM;
	ms->nr = nr;
	memcpy(ms->range, ranges, nr * sizeof(ranges[0]));
	new->arch.memattr = ms;
	return 0;
}

void kvm_memattr_free_slot(struct kvm_memory_slot *slot)
{
	kfree(slot->arch.memattr);
	slot->arch.memattr = NULL;
}

/* The recorded range @hva is in, if @vma is still the VMA recorded there. */
static struct kvm_memattr_range *find_range(struct kvm_memory_slot *slot,
					    struct vm_area_struct *vma,
					    unsigned long hva)
{
	struct kvm_memattr_slot *ms = slot->arch.memattr;
	unsigned int i;

	for (i = 0; ms && i < ms->nr; i++) {
		struct kvm_memattr_range *r = &ms->range[i];

		if (hva < r->hva_start || hva >= r->hva_end)
			continue;
		if (vma->vm_file != r->file ||
		    vma_pgoff_at(vma, hva) != r->pgoff + ((hva - r->hva_start) >> PAGE_SHIFT))
			return NULL;
		return r;
	}
	return NULL;
}

/**
 * kvm_memattr_fault_begin() - Gather the facts of a fault from its VMA.
 * @kvm: the VM.
 * @slot: the memslot.
 * @vma: the VMA at @hva.
 * @hva: the faulting address.
 * @mf: filled in.
 *
 * For a vfio-pci BAR, also the largest block that stays inside the BAR
 * mapping and the VMA and keeps physical and virtual addresses congruent:
 * the BAR is mapped linearly, so such a block maps the BAR and nothing
 * else, whether or not the host has a huge mapping there. mmu.c still
 * checks the block against the memslot.
 *
 * Context: the caller holds the mmap lock.
 */
void kvm_memattr_fault_begin(struct kvm *kvm, struct kvm_memory_slot *slot,
			     struct vm_area_struct *vma, unsigned long hva,
			     struct kvm_memattr_fault *mf)
{
	static const unsigned int shifts[] = {
#ifndef __PAGETABLE_PMD_FOLDED
		PUD_SHIFT,
#endif
		PMD_SHIFT,
	};
	struct kvm_memattr_range *r;
	unsigned int i;

	*mf = (struct kvm_memattr_fault) {
		.facts = vma_facts(kvm, vma),
		.block_shift = PAGE_SHIFT,
	};
	if (!(vma->vm_flags & VM_PFNMAP))
		return;

	r = find_range(slot, vma, hva);
	mf->range = r;
	if (!r || !r->described || !READ_ONCE(r->linear))
		return;

	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		unsigned long size = 1UL << shifts[i];
		unsigned long start = ALIGN_DOWN(hva, size);

		if (start < max(r->hva_start, vma->vm_start) ||
		    start + size > min(r->hva_end, vma->vm_end))
			continue;
		if ((r->desc.phys - r->hva_start) & (size - 1))
			continue;
		mf->block_shift = shifts[i];
		return;
	}
}

/*
 * A block may only be mapped where the host mapping really is the linear
 * BAR mapping recorded: check the pfn at the start of the block mmu.c
 * settled on, which may be smaller than @mf's. If it says otherwise, stop
 * using blocks for the range.
 */
bool kvm_memattr_fault_linear(struct kvm_memattr_fault *mf, unsigned long hva,
			      unsigned long size, kvm_pfn_t pfn)
{
	struct kvm_memattr_range *r = mf->range;
	unsigned long start = ALIGN_DOWN(hva, size);

	if (size == PAGE_SIZE || !r)
		return true;
	if (pfn == PHYS_PFN(r->desc.phys + (start - r->hva_start)))
		return true;
	WRITE_ONCE(r->linear, false);
	return false;
}

/**
 * kvm_memattr_s2_prot() - The stage-2 attributes of a decision.
 * @d: the decision, not a refusal.
 * @f: the facts it was taken on (FWB or not).
 * @prot: gets the memory type, and loses execute permission where the
 *	decision forbids it.
 *
 * The stage-2 backend of the core encodes the decision; the MemAttr it
 * chose is translated into the kvm_pgtable_prot flags with which
 * stage2_set_prot_attr() writes back exactly that MemAttr.
 *
 * Return: 0, or -EINVAL for a decision the page-table code cannot express
 * (a policy bug).
 */
int kvm_memattr_s2_prot(struct kvm_memattr_decision d,
			union kvm_memattr_facts f, enum kvm_pgtable_prot *prot)
{
	struct kvm_memattr_enc enc;

	/* The encodings stage2_set_prot_attr() writes, FWB or not. */
	BUILD_BUG_ON(MT_S2_FWB_DEVICE_nGnRnE != MT_S2_DEVICE_nGnRnE);
	BUILD_BUG_ON(MT_S2_FWB_DEVICE_nGnRE != MT_S2_DEVICE_nGnRE);
	BUILD_BUG_ON(MT_S2_FWB_NORMAL_NC != MT_S2_NORMAL_NC);

	if (WARN_ON_ONCE(kvm_memattr_s2_ops.encode(d, f, &enc)))
		return -EINVAL;

	switch (enc.s2.memattr) {
	case MT_S2_DEVICE_nGnRnE:
		*prot |= KVM_PGTABLE_PROT_DEVICE_nGnRnE;
		break;
	case MT_S2_DEVICE_nGnRE:
		*prot |= KVM_PGTABLE_PROT_DEVICE;
		break;
	case MT_S2_NORMAL_NC:
		*prot |= KVM_PGTABLE_PROT_NORMAL_NC;
		break;
	default:
		if (WARN_ON_ONCE(enc.s2.memattr != (f.fwb ? MT_S2_FWB_NORMAL :
							     MT_S2_NORMAL)))
			return -EINVAL;
		break;
	}
	if (enc.s2.xn)
		*prot &= ~KVM_PGTABLE_PROT_X;
	return 0;
}

/**
 * kvm_memattr_refused() - Report a mapping the policy refused.
 * @slot: the memslot of the fault.
 * @hva: the host virtual address of the faulting page.
 * @d: the refusal.
 *
 * An instruction fetch from memory that may not execute is the guest's
 * own fault: the caller injects a prefetch abort. Anything else fails
 * KVM_RUN with EFAULT, and the administrator and tracing are told which
 * range and why: a ratelimited log line naming the reason, and the
 * kvm_memattr_refuse tracepoint. arm64 does not report
 * KVM_CAP_MEMORY_FAULT_INFO in this kernel, and VMMs that know
 * KVM_EXIT_MEMORY_FAULT take it for a private/shared conversion request,
 * so no such exit is made.
 *
 * Return: -ENOEXEC or -EFAULT.
 */
int kvm_memattr_refused(const struct kvm_memory_slot *slot, unsigned long hva,
			struct kvm_memattr_decision d)
{
	gpa_t gpa = gfn_to_gpa(slot->base_gfn) + (hva - slot->userspace_addr);

	if (d.refuse == ENOEXEC)
		return -ENOEXEC;

	trace_kvm_memattr_refuse(gpa_to_gfn(gpa), hva, d.reason);
	pr_warn_ratelimited("kvm [%d]: stage-2 mapping of IPA %#llx (hva %#lx) refused: %s (%s)\n",
			    task_pid_nr(current), gpa, hva,
			    kvm_memattr_reason_text(d.reason),
			    kvm_memattr_reason_name(d.reason));
	return -EFAULT;
}

void kvm_memattr_fault_done(struct kvm_memattr_fault *mf, gfn_t gfn,
			    kvm_pfn_t pfn, unsigned long size,
			    struct kvm_memattr_decision d)
{
	struct kvm_memattr_range *r = mf->range;
	union kvm_memattr_decision_word w = { .d = d };
	unsigned int shift = __ffs(size);
	int old;

	trace_kvm_memattr_map(gfn, pfn, size, d.type, d.reason);
	if (!r)
		return;
	atomic_long_inc(&r->faults);
	atomic_set(&r->last, w.word);
	old = atomic_read(&r->max_shift);
	while (old < shift && !atomic_try_cmpxchg(&r->max_shift, &old, shift))
		;
}
