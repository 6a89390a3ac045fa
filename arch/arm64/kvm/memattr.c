// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 stage-2 and the memory-attribute core: the facts of a stage-2
 * fault, the stage-2 attributes of a decision, and how refusals and device
 * mappings are reported.
 *
 * mmu.c asks; the decision is kvm_memattr_resolve_s2()'s, the descriptor
 * bits stage2_set_prot_attr()'s.
 */
#include <linux/bitfield.h>
#include <linux/cpufeature.h>
#include <linux/kvm_host.h>
#include <linux/printk.h>

#include <asm/kvm_mmu.h>
#include <asm/memory.h>

#include "memattr.h"

#define CREATE_TRACE_POINTS
#include "trace_memattr.h"

static bool memattr_has_fwb(struct kvm *kvm)
{
	return kvm_pgtable_stage2_has_fwb(kvm->arch.mmu.pgt);
}

/**
 * kvm_memattr_host_type() - The host memory type of a stage-1 AttrIndx.
 * @attrindx: the AttrIndx field of a host page-table entry or page
 *	protection, in place (masked with PTE_ATTRINDX_MASK).
 *
 * Return: the &enum kvm_memattr_host the host's MAIR gives that index.
 */
u8 kvm_memattr_host_type(pteval_t attrindx)
{
	switch (FIELD_GET(PTE_ATTRINDX_MASK, attrindx)) {
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

/**
 * kvm_memattr_vma_facts() - The facts of a stage-2 fault known from its VMA.
 * @kvm: the VM.
 * @vma: the VMA at the faulting address; the caller holds the mmap lock.
 *
 * What the VMA says, and the CPU; mmu.c adds the backing (from the pfn)
 * and whether the fault is an instruction fetch. Nothing here asks the
 * driver that owns the VMA: its page protection and flags are what it
 * tells KVM. The host type only counts for VM_PFNMAP and VM_MIXEDMAP
 * mappings, whose driver chose it for the memory it maps; a device pfn
 * behind any other VMA (devdax, for instance) keeps what 6.12 gave it,
 * Device. Where the driver maps a page with another type than the VMA's
 * (vmf_insert_pfn_prot()), mmu.c replaces the host type with the page's
 * once it has looked the page up.
 *
 * Return: the facts.
 */
union kvm_memattr_facts kvm_memattr_vma_facts(struct kvm *kvm,
					      struct vm_area_struct *vma)
{
	bool pfnmap = vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP);

	return (union kvm_memattr_facts) {
		.host = pfnmap ? kvm_memattr_host_type(pgprot_val(vma->vm_page_prot)) :
				 KVM_MEMATTR_HOST_DEVICE,
		.nc_allowed = !!(vma->vm_flags & VM_ALLOW_ANY_UNCACHED),
		.exact = !!(vma->vm_flags & VM_EXACT_MEMTYPE),
		.mte = kvm_has_mte(kvm),
		.fwb = memattr_has_fwb(kvm),
		.dic = cpus_have_final_cap(ARM64_HAS_CACHE_DIC),
	};
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

/**
 * kvm_memattr_mapped() - Trace a device-memory mapping installed at stage 2.
 * @gfn: the first guest frame of the mapping.
 * @pfn: the first host frame.
 * @size: its size in bytes.
 * @d: the decision it was installed with.
 */
void kvm_memattr_mapped(gfn_t gfn, kvm_pfn_t pfn, unsigned long size,
			struct kvm_memattr_decision d)
{
	trace_kvm_memattr_map(gfn, pfn, size, d.type, d.reason);
}
