// SPDX-License-Identifier: GPL-2.0
/*
 * The memory-type bits of x86 TDP leaves, from the memory-attribute core:
 * gather the facts of the mapping, ask the policy, encode.
 * vmx_get_mt_mask() and svm_get_mt_mask(), which make_spte() reaches
 * through a static call, call in here directly.
 */
#include <linux/kvm_host.h>
#include <asm/vmx.h>

#include "memattr.h"
#include "mmu/memattr_enc.h"
#include "x86.h"

/**
 * kvm_memattr_ept_mt_mask() - EPT memory type and IPAT of a leaf.
 * @vcpu: the faulting vCPU.
 * @gfn: first guest frame of the leaf.
 * @is_mmio: the host pfn is MMIO (kvm_is_mmio_pfn()).
 *
 * Return: the leaf's bits 6:3.
 */
u8 kvm_memattr_ept_mt_mask(struct kvm_vcpu *vcpu, gfn_t gfn, bool is_mmio)
{
	union kvm_memattr_facts f = kvm_memattr_ept_vm_facts(vcpu->kvm);
	struct kvm_memattr_enc enc;

	f.backing = is_mmio ? KVM_MEMATTR_MMIO : KVM_MEMATTR_RAM;
	if (f.honor_guest_mtrr && f.nc_dma && !is_mmio) {
		f.cr0_cd = !!kvm_read_cr0_bits(vcpu, X86_CR0_CD);
		f.guest_mtrr = kvm_memattr_guest_mtrr(vcpu, gfn);
	}

	/* The policy refuses nothing KVM lets a VM configure. */
	if (WARN_ON_ONCE(kvm_memattr_ept_encode(kvm_memattr_resolve_ept(f), f,
						&enc)))
		return MTRR_TYPE_UNCACHABLE << VMX_EPT_MT_EPTE_SHIFT;

	return enc.ept.memtype << VMX_EPT_MT_EPTE_SHIFT |
	       (enc.ept.ipat ? VMX_EPT_IPAT_BIT : 0);
}
EXPORT_SYMBOL_GPL(kvm_memattr_ept_mt_mask);

/**
 * kvm_memattr_npt_mt_mask() - Host PAT entry an NPT leaf selects.
 * @vcpu: the faulting vCPU.
 * @gfn: first guest frame of the leaf.
 * @is_mmio: the host pfn is MMIO (kvm_is_mmio_pfn()).
 *
 * Only called with kvm_amd.host_mmio_uc_minus, once
 * kvm_memattr_npt_host_pat_ok() accepted the host's PAT.
 *
 * Return: the leaf's PCD and PWT bits. The policy only picks entries 0-3,
 * which need no PAT bit, whose position depends on the leaf's level.
 */
u8 kvm_memattr_npt_mt_mask(struct kvm_vcpu *vcpu, gfn_t gfn, bool is_mmio)
{
	union kvm_memattr_facts f = { .word = 0 };
	struct kvm_memattr_enc enc;

	f.backing = is_mmio ? KVM_MEMATTR_MMIO : KVM_MEMATTR_RAM;
	if (WARN_ON_ONCE(kvm_memattr_npt_encode(kvm_memattr_resolve_npt(f), f,
						&enc) || enc.npt.pat_index > 3))
		return 0;

	return (enc.npt.pat_index & 1 ? _PAGE_PWT : 0) |
	       (enc.npt.pat_index & 2 ? _PAGE_PCD : 0);
}
EXPORT_SYMBOL_GPL(kvm_memattr_npt_mt_mask);

/* The IA32_PAT encoding of a memory type, or 0xff. */
static u8 pat_encoding(u8 type)
{
	switch (type) {
	case KVM_MEMTYPE_UC:		return 0;
	case KVM_MEMTYPE_WC:		return 1;
	case KVM_MEMTYPE_WT:		return 4;
	case KVM_MEMTYPE_WP:		return 5;
	case KVM_MEMTYPE_WB:		return 6;
	case KVM_MEMTYPE_UC_MINUS:	return 7;
	default:			return 0xff;
	}
}

/**
 * kvm_memattr_npt_host_pat_ok() - Whether a host PAT holds the types the
 *	NPT policy selects.
 * @pat: the host's IA32_PAT.
 *
 * The NPT backend assumes Linux's PAT layout. Every entry the policy may
 * select, for RAM and for host MMIO, must hold the type it stands for.
 *
 * Return: true if it does.
 */
bool kvm_memattr_npt_host_pat_ok(u64 pat)
{
	union kvm_memattr_facts f = { .word = 0 };
	struct kvm_memattr_enc enc;
	unsigned int backing;

	for (backing = KVM_MEMATTR_RAM; backing <= KVM_MEMATTR_MMIO; backing++) {
		f.backing = backing;
		if (kvm_memattr_npt_encode(kvm_memattr_resolve_npt(f), f, &enc) ||
		    enc.npt.pat_index > 3 ||
		    ((pat >> (8 * enc.npt.pat_index)) & 7) !=
		    pat_encoding(enc.npt.host_type))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_GPL(kvm_memattr_npt_host_pat_ok);
