/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Independent models of how each architecture combines KVM's installed
 * memory type with the guest's own request, and reference models of the
 * policies upstream kernels implement. Test and tool code only.
 */
#ifndef __KVM_MEMATTR_MODEL_H
#define __KVM_MEMATTR_MODEL_H

#include <linux/kvm_memattr.h>

/**
 * struct memattr_effective - The type an access ends up with.
 * @type: &enum kvm_memtype, in the guest-request vocabulary of the arch.
 * @detail: NULL, or the architecture's own name where it has a type the
 *	vocabulary folds: "WC+" (AMD WC that snoops) or "CD" (AMD caching
 *	disabled, reported as UC).
 */
struct memattr_effective {
	u8 type;
	const char *detail;
};

/* Guest requests: arm64 stage-1 types, x86 PAT types. */
extern const u8 memattr_model_guest_arm64[7];
extern const u8 memattr_model_guest_x86[6];

int memattr_model_effective(enum kvm_memattr_arch arch,
			    const struct kvm_memattr_enc *enc,
			    union kvm_memattr_facts f, u8 guest,
			    struct memattr_effective *out);

bool memattr_model_cacheable(u8 type);

/**
 * struct memattr_upstream - A reference model of an upstream policy.
 * @name: column label, e.g. "6.12.117".
 * @vfio_allow_any_uncached: vfio-pci set VM_ALLOW_ANY_UNCACHED on every BAR.
 * @resolve: the policy, per &enum kvm_memattr_arch.
 */
struct memattr_upstream {
	const char *name;
	bool vfio_allow_any_uncached;
	struct kvm_memattr_decision (*resolve[KVM_MEMATTR_NR_ARCH])(union kvm_memattr_facts f);
};

extern const struct memattr_upstream memattr_upstream_6_12;
extern const struct memattr_upstream memattr_upstream_6_6;

#endif /* __KVM_MEMATTR_MODEL_H */
