// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 stage-2 backend of the memory-attribute core: encodes a decision
 * into the stage-2 descriptor's MemAttr[3:0] and XN, and decodes it back.
 * The decision itself is made in virt/kvm/memattr.c.
 *
 * Pure code, also built into the userspace tests and tools/memattr.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kvm_memattr.h>

/*
 * Stage-2 MemAttr[3:0] (Arm ARM D8.6.5, D8.6.6). Without FWB, [3:2] is the
 * outer and [1:0] the inner cacheability of Normal memory, and 0b00dd is
 * Device-<dd>. With FWB, MemAttr[3] is RES0, 0b0dd is Device-<dd>, 0b101
 * Normal-NC (stage-1 Device stays Device), 0b110 forces Normal-WB and 0b111
 * uses the stage-1 attributes.
 */
#define S2_MEMATTR_DEVICE_nGnRnE	0x0
#define S2_MEMATTR_DEVICE_nGnRE		0x1
#define S2_MEMATTR_DEVICE_nGRE		0x2
#define S2_MEMATTR_DEVICE_GRE		0x3
#define S2_MEMATTR_NORMAL_NC		0x5
#define S2_MEMATTR_NORMAL_WT		0xa
#define S2_MEMATTR_NORMAL_WB		0xf

#define S2_FWB_MEMATTR_NORMAL_NC	0x5
#define S2_FWB_MEMATTR_FORCE_WB		0x6
#define S2_FWB_MEMATTR_STAGE1		0x7

#ifdef __KERNEL__
#include <asm/memory.h>

/* The encodings above are the ones stage2_set_prot_attr() writes. */
static_assert(S2_MEMATTR_NORMAL_WB == MT_S2_NORMAL);
static_assert(S2_MEMATTR_NORMAL_NC == MT_S2_NORMAL_NC);
static_assert(S2_MEMATTR_DEVICE_nGnRE == MT_S2_DEVICE_nGnRE);
static_assert(S2_FWB_MEMATTR_FORCE_WB == MT_S2_FWB_NORMAL);
static_assert(S2_FWB_MEMATTR_NORMAL_NC == MT_S2_FWB_NORMAL_NC);
static_assert(MT_S2_FWB_DEVICE_nGnRE == S2_MEMATTR_DEVICE_nGnRE);
static_assert(MT_S2_DEVICE_nGnRnE == S2_MEMATTR_DEVICE_nGnRnE);
static_assert(MT_S2_FWB_DEVICE_nGnRnE == S2_MEMATTR_DEVICE_nGnRnE);
#endif

static int s2_encode_device(struct kvm_memattr_decision d, u8 *memattr)
{
	switch (d.type) {
	case KVM_MEMTYPE_DEVICE_nGnRE:
		*memattr = S2_MEMATTR_DEVICE_nGnRE;
		return 0;
	case KVM_MEMTYPE_DEVICE_nGRE:
		*memattr = S2_MEMATTR_DEVICE_nGRE;
		return 0;
	case KVM_MEMTYPE_DEVICE_GRE:
		*memattr = S2_MEMATTR_DEVICE_GRE;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Every stage-2 Device encoding combines with stage 1, with or without
 * FWB: the stricter type wins. Device-nGnRnE is the strictest type there
 * is, so it is forced whatever the guest's stage 1 says, and is written for
 * decisions that do not combine; every other Device type lets the guest
 * make it stricter, and is written for decisions that combine.
 */
static int s2_encode(struct kvm_memattr_decision d, union kvm_memattr_facts f,
		     struct kvm_memattr_enc *enc)
{
	bool combines = d.flags & KVM_MEMATTR_F_COMBINES;
	u8 memattr;

	if (d.refuse)
		return -EINVAL;

	switch (d.type) {
	case KVM_MEMTYPE_WB:
		if (f.fwb)
			memattr = combines ? S2_FWB_MEMATTR_STAGE1 :
					     S2_FWB_MEMATTR_FORCE_WB;
		else if (combines)
			memattr = S2_MEMATTR_NORMAL_WB;
		else
			return -EINVAL;
		break;
	case KVM_MEMTYPE_WT:
		if (f.fwb || !combines)
			return -EINVAL;
		memattr = S2_MEMATTR_NORMAL_WT;
		break;
	case KVM_MEMTYPE_WC:
		if (!combines)
			return -EINVAL;
		memattr = f.fwb ? S2_FWB_MEMATTR_NORMAL_NC : S2_MEMATTR_NORMAL_NC;
		break;
	case KVM_MEMTYPE_DEVICE_nGnRnE:
		if (combines)
			return -EINVAL;
		memattr = S2_MEMATTR_DEVICE_nGnRnE;
		break;
	default:
		if (!combines || s2_encode_device(d, &memattr))
			return -EINVAL;
		break;
	}

	enc->s2.memattr = memattr;
	enc->s2.xn = d.flags & KVM_MEMATTR_F_NOEXEC;
	return 0;
}

static const u8 s2_nofwb_types[16] = {
	[0x0] = KVM_MEMTYPE_DEVICE_nGnRnE,
	[0x1] = KVM_MEMTYPE_DEVICE_nGnRE,
	[0x2] = KVM_MEMTYPE_DEVICE_nGRE,
	[0x3] = KVM_MEMTYPE_DEVICE_GRE,
	[0x4] = KVM_MEMTYPE_NR,
	[0x5] = KVM_MEMTYPE_WC,
	[0x6] = KVM_MEMTYPE_WC,
	[0x7] = KVM_MEMTYPE_WC,
	[0x8] = KVM_MEMTYPE_NR,
	[0x9] = KVM_MEMTYPE_WC,
	[0xa] = KVM_MEMTYPE_WT,
	[0xb] = KVM_MEMTYPE_WT,
	[0xc] = KVM_MEMTYPE_NR,
	[0xd] = KVM_MEMTYPE_WC,
	[0xe] = KVM_MEMTYPE_WT,
	[0xf] = KVM_MEMTYPE_WB,
};

static const u8 s2_fwb_types[8] = {
	[0x0] = KVM_MEMTYPE_DEVICE_nGnRnE,
	[0x1] = KVM_MEMTYPE_DEVICE_nGnRE,
	[0x2] = KVM_MEMTYPE_DEVICE_nGRE,
	[0x3] = KVM_MEMTYPE_DEVICE_GRE,
	[0x4] = KVM_MEMTYPE_NR,
	[0x5] = KVM_MEMTYPE_WC,
	[0x6] = KVM_MEMTYPE_WB,
	[0x7] = KVM_MEMTYPE_WB,
};

/*
 * Mixed inner/outer Normal encodings decode to their weaker half, which is
 * what a uniform stage-1 type combines to. KVM never writes them. Only the
 * FWB forced-WB encoding and Device-nGnRnE keep the guest's attributes
 * out.
 */
static int s2_decode(const struct kvm_memattr_enc *enc,
		     union kvm_memattr_facts f, struct kvm_memattr_decision *d)
{
	u8 memattr = enc->s2.memattr;
	u8 type;

	if (memattr > 0xf || (f.fwb && memattr > 0x7))
		return -EINVAL;
	type = f.fwb ? s2_fwb_types[memattr] : s2_nofwb_types[memattr];
	if (type == KVM_MEMTYPE_NR)
		return -EINVAL;

	*d = (struct kvm_memattr_decision) { .type = type };
	if (memattr != S2_MEMATTR_DEVICE_nGnRnE &&
	    (!f.fwb || memattr != S2_FWB_MEMATTR_FORCE_WB))
		d->flags |= KVM_MEMATTR_F_COMBINES;
	if (enc->s2.xn)
		d->flags |= KVM_MEMATTR_F_NOEXEC;
	return 0;
}

const struct kvm_memattr_ops kvm_memattr_s2_ops = {
	.arch	= KVM_MEMATTR_ARM64_S2,
	.name	= "arm64",
	.resolve = kvm_memattr_resolve_s2,
	.encode	= s2_encode,
	.decode	= s2_decode,
};
EXPORT_SYMBOL_GPL(kvm_memattr_s2_ops);
