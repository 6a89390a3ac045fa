/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 KVM and the memory-attribute core: what mmu.c asks when it maps
 * guest memory at stage 2.
 */
#ifndef __ARM64_KVM_MEMATTR_H__
#define __ARM64_KVM_MEMATTR_H__

#include <linux/kvm_host.h>
#include <linux/kvm_memattr.h>
#include <linux/mm_types.h>

#include <asm/kvm_pgtable.h>

u8 kvm_memattr_host_type(pteval_t attrindx);
union kvm_memattr_facts kvm_memattr_vma_facts(struct kvm *kvm,
					      struct vm_area_struct *vma);
int kvm_memattr_s2_prot(struct kvm_memattr_decision d,
			union kvm_memattr_facts f, enum kvm_pgtable_prot *prot);
int kvm_memattr_refused(const struct kvm_memory_slot *slot, unsigned long hva,
			struct kvm_memattr_decision d);
void kvm_memattr_mapped(gfn_t gfn, kvm_pfn_t pfn, unsigned long size,
			struct kvm_memattr_decision d);

#endif /* __ARM64_KVM_MEMATTR_H__ */
