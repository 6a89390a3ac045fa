/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __KVM_X86_MMU_MEMATTR_ENC_H
#define __KVM_X86_MMU_MEMATTR_ENC_H

#include <linux/kvm_memattr.h>

/*
 * The x86 encoders of the memory-attribute core. vmx_get_mt_mask() and
 * svm_get_mt_mask(), which the MMU reaches through a static call, call them
 * directly: there is no indirect branch on the fault path.
 */
int kvm_memattr_ept_encode(struct kvm_memattr_decision d,
			   union kvm_memattr_facts f,
			   struct kvm_memattr_enc *enc);
int kvm_memattr_npt_encode(struct kvm_memattr_decision d,
			   union kvm_memattr_facts f,
			   struct kvm_memattr_enc *enc);

#endif /* __KVM_X86_MMU_MEMATTR_ENC_H */
