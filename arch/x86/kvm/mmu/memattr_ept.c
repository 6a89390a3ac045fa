// SPDX-License-Identifier: GPL-2.0
/*
 * Intel EPT backend of the memory-attribute core: encodes a decision into
 * the EPT leaf's memory type (bits 5:3) and IPAT (bit 6), and decodes it
 * back. The decision itself is made in virt/kvm/memattr.c.
 *
 * Pure code, also built into the userspace tests and tools/memattr.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kvm_memattr.h>
#include <kunit/visibility.h>

#include "memattr_enc.h"

/* EPT memory types use the MTRR numbering; 2, 3 and 7 are reserved. */
#define EPT_MT_UC	0
#define EPT_MT_WC	1
#define EPT_MT_WT	4
#define EPT_MT_WP	5
#define EPT_MT_WB	6

#ifdef __KERNEL__
#include <asm/mtrr.h>

static_assert(EPT_MT_UC == MTRR_TYPE_UNCACHABLE);
static_assert(EPT_MT_WC == MTRR_TYPE_WRCOMB);
static_assert(EPT_MT_WT == MTRR_TYPE_WRTHROUGH);
static_assert(EPT_MT_WP == MTRR_TYPE_WRPROT);
static_assert(EPT_MT_WB == MTRR_TYPE_WRBACK);
#endif

static int ept_memtype(u8 type)
{
	switch (type) {
	case KVM_MEMTYPE_UC:	return EPT_MT_UC;
	case KVM_MEMTYPE_WC:	return EPT_MT_WC;
	case KVM_MEMTYPE_WT:	return EPT_MT_WT;
	case KVM_MEMTYPE_WP:	return EPT_MT_WP;
	case KVM_MEMTYPE_WB:	return EPT_MT_WB;
	default:		return -EINVAL;
	}
}

int kvm_memattr_ept_encode(struct kvm_memattr_decision d,
			   union kvm_memattr_facts f,
			   struct kvm_memattr_enc *enc)
{
	int memtype = ept_memtype(d.type);

	if (d.refuse || memtype < 0)
		return -EINVAL;

	enc->ept.memtype = memtype;
	enc->ept.ipat = !(d.flags & KVM_MEMATTR_F_COMBINES);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_ept_encode);

static int ept_decode(const struct kvm_memattr_enc *enc,
		      union kvm_memattr_facts f, struct kvm_memattr_decision *d)
{
	u8 type;

	switch (enc->ept.memtype) {
	case EPT_MT_UC:
		type = KVM_MEMTYPE_UC;
		break;
	case EPT_MT_WC:
		type = KVM_MEMTYPE_WC;
		break;
	case EPT_MT_WT:
		type = KVM_MEMTYPE_WT;
		break;
	case EPT_MT_WP:
		type = KVM_MEMTYPE_WP;
		break;
	case EPT_MT_WB:
		type = KVM_MEMTYPE_WB;
		break;
	default:
		return -EINVAL;
	}

	*d = (struct kvm_memattr_decision) {
		.type = type,
		.flags = enc->ept.ipat ? 0 : KVM_MEMATTR_F_COMBINES,
	};
	return 0;
}

const struct kvm_memattr_ops kvm_memattr_ept_ops = {
	.arch	= KVM_MEMATTR_X86_EPT,
	.name	= "x86-ept",
	.resolve = kvm_memattr_resolve_ept,
	.encode	= kvm_memattr_ept_encode,
	.decode	= ept_decode,
};
EXPORT_SYMBOL_GPL(kvm_memattr_ept_ops);
