/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 hooks of the memory-attribute core: the memory-type bits of EPT and
 * NPT leaves, and KVM_CAP_X86_HONOR_GUEST_MTRRS.
 */
#ifndef __ARCH_X86_KVM_MEMATTR_H
#define __ARCH_X86_KVM_MEMATTR_H

#include <linux/kvm_host.h>
#include <linux/kvm_memattr.h>

struct kvm_page_fault;

u8 kvm_memattr_ept_mt_mask(struct kvm_vcpu *vcpu, gfn_t gfn, bool is_mmio);
u8 kvm_memattr_npt_mt_mask(struct kvm_vcpu *vcpu, gfn_t gfn, bool is_mmio);
bool kvm_memattr_npt_host_pat_ok(u64 pat);

union kvm_memattr_facts kvm_memattr_ept_vm_facts(struct kvm *kvm);
u8 kvm_memattr_guest_mtrr(struct kvm_vcpu *vcpu, gfn_t gfn);

bool kvm_memattr_mtrrs_supported(void);
int kvm_memattr_vm_init(struct kvm *kvm);
int kvm_memattr_enable_mtrrs(struct kvm *kvm, struct kvm_enable_cap *cap);
void kvm_memattr_destroy_vm(struct kvm *kvm);

void kvm_memattr_mtrr_written(struct kvm_vcpu *vcpu, bool host);
void kvm_memattr_cr0_cd_changed(struct kvm_vcpu *vcpu, unsigned long cr0,
				bool host);
bool kvm_memattr_nc_dma_changed(struct kvm *kvm);
void __kvm_memattr_tdp_fault(struct kvm_vcpu *vcpu,
			     struct kvm_page_fault *fault);

/*
 * Whether the VM's EPT entries follow its guest MTRRs: the VM opted in and
 * has non-coherent DMA. Everything else leaves the fault path alone.
 */
static inline bool kvm_memattr_mtrrs_honored(struct kvm *kvm)
{
	return kvm->arch.memattr && kvm_arch_has_noncoherent_dma(kvm);
}

static inline void kvm_memattr_tdp_fault(struct kvm_vcpu *vcpu,
					 struct kvm_page_fault *fault)
{
	if (kvm_memattr_mtrrs_honored(vcpu->kvm))
		__kvm_memattr_tdp_fault(vcpu, fault);
}

#endif /* __ARCH_X86_KVM_MEMATTR_H */
