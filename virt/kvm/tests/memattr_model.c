// SPDX-License-Identifier: GPL-2.0
/*
 * Architecture combining rules, written from the manuals' tables and not
 * from the backends, so the tests can hold one against the other:
 *
 *  - Arm ARM DDI 0487, D8.6.5 "Stage 2 memory type and Cacheability
 *    attributes when FWB is disabled" (Tables D8-96 to D8-98) and D8.6.6
 *    "... when FWB is enabled" (Tables D8-100, D8-101).
 *  - Intel SDM Vol 3A, Table 11-7 "Effective Page-Level Memory Types for
 *    Pentium III and More Recent Processor Families", read with the EPT
 *    memory type in the MTRR's place as Vol 3C "Memory Type Used for
 *    Translated Guest-Physical Addresses" specifies; IPAT=1 uses the EPT
 *    type alone.
 *  - AMD APM Vol 2, "Combining Memory Types, MTRRs" under nested paging
 *    (Tables 15-19 and 15-20, as transcribed in the project's x86 anchor).
 *
 * Also the reference models of the policies of upstream kernels, for the
 * comparison tool and for proving what the default policy preserves.
 */
#include <linux/errno.h>
#include <linux/kvm_memattr.h>

#include "memattr_model.h"

const u8 memattr_model_guest_arm64[7] = {
	KVM_MEMTYPE_DEVICE_nGnRnE, KVM_MEMTYPE_DEVICE_nGnRE,
	KVM_MEMTYPE_DEVICE_nGRE, KVM_MEMTYPE_DEVICE_GRE,
	KVM_MEMTYPE_WC, KVM_MEMTYPE_WT, KVM_MEMTYPE_WB,
};

const u8 memattr_model_guest_x86[6] = {
	KVM_MEMTYPE_UC, KVM_MEMTYPE_UC_MINUS, KVM_MEMTYPE_WC,
	KVM_MEMTYPE_WT, KVM_MEMTYPE_WP, KVM_MEMTYPE_WB,
};

bool memattr_model_cacheable(u8 type)
{
	return type == KVM_MEMTYPE_WB || type == KVM_MEMTYPE_WT ||
	       type == KVM_MEMTYPE_WP;
}

/* ---- arm64 ------------------------------------------------------------ */

/*
 * A memory type as its attributes: Device with its three properties, or
 * Normal with one inner and one outer cacheability.
 */
enum { CACHE_NC = 1, CACHE_WT = 2, CACHE_WB = 3 };

struct arm_attr {
	bool device;
	bool gather, reorder, early_ack;	/* G, R, E */
	u8 inner, outer;			/* CACHE_* */
};

static int arm_attr_of(u8 type, struct arm_attr *a)
{
	*a = (struct arm_attr) { 0 };
	switch (type) {
	case KVM_MEMTYPE_DEVICE_GRE:
		a->gather = true;
		fallthrough;
	case KVM_MEMTYPE_DEVICE_nGRE:
		a->reorder = true;
		fallthrough;
	case KVM_MEMTYPE_DEVICE_nGnRE:
		a->early_ack = true;
		fallthrough;
	case KVM_MEMTYPE_DEVICE_nGnRnE:
		a->device = true;
		return 0;
	case KVM_MEMTYPE_WC:
		a->inner = CACHE_NC;
		a->outer = CACHE_NC;
		return 0;
	case KVM_MEMTYPE_WT:
		a->inner = CACHE_WT;
		a->outer = CACHE_WT;
		return 0;
	case KVM_MEMTYPE_WB:
		a->inner = CACHE_WB;
		a->outer = CACHE_WB;
		return 0;
	default:
		return -EINVAL;
	}
}

static u8 arm_type_of(const struct arm_attr *a)
{
	u8 c;

	if (a->device) {
		if (a->gather)
			return KVM_MEMTYPE_DEVICE_GRE;
		if (a->reorder)
			return KVM_MEMTYPE_DEVICE_nGRE;
		if (a->early_ack)
			return KVM_MEMTYPE_DEVICE_nGnRE;
		return KVM_MEMTYPE_DEVICE_nGnRnE;
	}
	c = a->inner < a->outer ? a->inner : a->outer;
	return c == CACHE_WB ? KVM_MEMTYPE_WB :
	       c == CACHE_WT ? KVM_MEMTYPE_WT : KVM_MEMTYPE_WC;
}

/* Table D8-96: a 2-bit cacheability field of a Normal encoding. */
static int arm_cache_field(u8 bits, u8 *cache)
{
	switch (bits) {
	case 1:
		*cache = CACHE_NC;
		return 0;
	case 2:
		*cache = CACHE_WT;
		return 0;
	case 3:
		*cache = CACHE_WB;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Device: the Device-nG/nR/nE rules of Table D8-97, one property at a time. */
static void arm_combine_device(struct arm_attr *r, const struct arm_attr *a,
			       const struct arm_attr *b)
{
	*r = (struct arm_attr) {
		.device = true,
		.gather = (!a->device || a->gather) && (!b->device || b->gather),
		.reorder = (!a->device || a->reorder) && (!b->device || b->reorder),
		.early_ack = (!a->device || a->early_ack) &&
			     (!b->device || b->early_ack),
	};
}

/* Table D8-98: Non-cacheable beats Write-Through beats Write-Back. */
static u8 arm_combine_cache(u8 a, u8 b)
{
	return a < b ? a : b;
}

static int arm_effective_nofwb(u8 memattr, const struct arm_attr *s1, u8 *type)
{
	struct arm_attr s2 = { 0 }, r;

	if (memattr > 0xf)
		return -EINVAL;
	if (!(memattr & 0xc)) {
		s2.device = true;
		s2.gather = memattr & 2 ? (memattr & 1) : false;
		s2.reorder = memattr & 2;
		s2.early_ack = memattr != 0;
	} else if (arm_cache_field(memattr >> 2, &s2.outer) ||
		   arm_cache_field(memattr & 3, &s2.inner)) {
		return -EINVAL;
	}

	if (s1->device || s2.device) {
		arm_combine_device(&r, s1, &s2);
	} else {
		r = (struct arm_attr) {
			.inner = arm_combine_cache(s1->inner, s2.inner),
			.outer = arm_combine_cache(s1->outer, s2.outer),
		};
	}
	*type = arm_type_of(&r);
	return 0;
}

/* Table D8-101 with MemAttr[3] RES0 (no FEAT_MTE_PERM). */
static int arm_effective_fwb(u8 memattr, const struct arm_attr *s1, u8 *type)
{
	struct arm_attr s2 = { .device = true }, r;

	if (memattr & ~0x7)
		return -EINVAL;

	if (!(memattr & 4)) {
		s2.gather = (memattr & 3) == 3;
		s2.reorder = memattr & 2;
		s2.early_ack = memattr & 3;
		/* RGSDKZ: stage-2 Device attributes combine with stage 1. */
		arm_combine_device(&r, s1, &s2);
		*type = arm_type_of(&r);
		return 0;
	}

	switch (memattr & 3) {
	case 1:		/* Device stays Device, Normal becomes Non-cacheable */
		*type = s1->device ? arm_type_of(s1) : KVM_MEMTYPE_WC;
		return 0;
	case 2:		/* Normal Write-Back, whatever stage 1 says */
		*type = KVM_MEMTYPE_WB;
		return 0;
	case 3:		/* stage 1 attributes */
		*type = arm_type_of(s1);
		return 0;
	default:	/* 0b100 reserved */
		return -EINVAL;
	}
}

/* ---- x86 ---------------------------------------------------------------- */

enum { X_UC, X_UCM, X_WC, X_WT, X_WP, X_WB, X_WCP, X_CD, X_NR };

static const u8 x86_type[X_NR] = {
	[X_UC] = KVM_MEMTYPE_UC, [X_UCM] = KVM_MEMTYPE_UC_MINUS,
	[X_WC] = KVM_MEMTYPE_WC, [X_WT] = KVM_MEMTYPE_WT,
	[X_WP] = KVM_MEMTYPE_WP, [X_WB] = KVM_MEMTYPE_WB,
	[X_WCP] = KVM_MEMTYPE_WC, [X_CD] = KVM_MEMTYPE_UC,
};

static int x86_index(u8 type)
{
	switch (type) {
	case KVM_MEMTYPE_UC:		return X_UC;
	case KVM_MEMTYPE_UC_MINUS:	return X_UCM;
	case KVM_MEMTYPE_WC:		return X_WC;
	case KVM_MEMTYPE_WT:		return X_WT;
	case KVM_MEMTYPE_WP:		return X_WP;
	case KVM_MEMTYPE_WB:		return X_WB;
	default:			return -EINVAL;
	}
}

/*
 * Intel SDM Table 11-7: rows are the MTRR (here: EPT) type, columns the
 * PAT type. UC- is a PAT-only type, so its row is unused.
 */
static const u8 intel_mtrr_x_pat[X_WB + 1][X_WB + 1] = {
	/*          UC    UC-   WC    WT    WP    WB */
	[X_UC] = { X_UC, X_UC, X_WC, X_UC, X_UC, X_UC },
	[X_WC] = { X_UC, X_WC, X_WC, X_UC, X_UC, X_WC },
	[X_WT] = { X_UC, X_UC, X_WC, X_WT, X_WP, X_WT },
	[X_WP] = { X_UC, X_WC, X_WC, X_WT, X_WP, X_WP },
	[X_WB] = { X_UC, X_UC, X_WC, X_WT, X_WP, X_WB },
};

/* EPT memory type field, MTRR numbering (SDM "EPT misconfigurations"). */
static int ept_field_type(u8 memtype)
{
	switch (memtype) {
	case 0: return X_UC;
	case 1: return X_WC;
	case 4: return X_WT;
	case 5: return X_WP;
	case 6: return X_WB;
	default: return -EINVAL;
	}
}

/*
 * AMD APM Vol 2 Table 15-19: guest PAT (rows) with host PAT from the
 * nested entry (columns), then Table 15-20 with the host MTRR.
 */
static const u8 amd_gpat_x_hpat[X_WB + 1][X_WB + 1] = {
	/*           UC    UC-    WC    WT     WP     WB */
	[X_UC]  = { X_UC, X_UC,  X_UC, X_UC,  X_UC,  X_UC },
	[X_UCM] = { X_UC, X_UCM, X_WC, X_UC,  X_UC,  X_UC },
	[X_WC]  = { X_WC, X_WC,  X_WC, X_WCP, X_WCP, X_WCP },
	[X_WT]  = { X_UC, X_UC,  X_UC, X_WT,  X_UC,  X_WT },
	[X_WP]  = { X_UC, X_UC,  X_UC, X_UC,  X_WP,  X_WP },
	[X_WB]  = { X_UC, X_UC,  X_WC, X_WT,  X_WP,  X_WB },
};

static const u8 amd_pat_x_mtrr[X_WCP + 1][X_WB + 1] = {
	/*           UC    UC-    WC     WT     WP     WB */
	[X_UC]  = { X_UC, 0xff,  X_CD,  X_CD,  X_CD,  X_CD },
	[X_UCM] = { X_UC, 0xff,  X_WC,  X_CD,  X_CD,  X_CD },
	[X_WC]  = { X_WC, 0xff,  X_WC,  X_WC,  X_WC,  X_WC },
	[X_WT]  = { X_UC, 0xff,  X_CD,  X_WT,  X_CD,  X_WT },
	[X_WP]  = { X_UC, 0xff,  X_CD,  X_CD,  X_WP,  X_WP },
	[X_WB]  = { X_UC, 0xff,  X_WC,  X_WT,  X_WP,  X_WB },
	[X_WCP] = { X_WC, 0xff,  X_WC,  X_WCP, X_WCP, X_WCP },
};

/* Linux's host PAT layout; see arch/x86/mm/pat/memtype.c. */
static const u8 linux_host_pat[8] = {
	X_WB, X_WC, X_UCM, X_UC, X_WB, X_WP, X_UCM, X_WT,
};

static void x86_result(u8 idx, struct memattr_effective *out)
{
	out->type = x86_type[idx];
	out->detail = idx == X_WCP ? "WC+" : idx == X_CD ? "CD" : NULL;
}

int memattr_model_effective(enum kvm_memattr_arch arch,
			    const struct kvm_memattr_enc *enc,
			    union kvm_memattr_facts f, u8 guest,
			    struct memattr_effective *out)
{
	struct arm_attr s1;
	int g, m, p, r;
	u8 type;

	out->detail = NULL;
	switch (arch) {
	case KVM_MEMATTR_ARM64_S2:
		if (arm_attr_of(guest, &s1))
			return -EINVAL;
		r = f.fwb ? arm_effective_fwb(enc->s2.memattr, &s1, &type) :
			    arm_effective_nofwb(enc->s2.memattr, &s1, &type);
		if (r)
			return r;
		out->type = type;
		return 0;
	case KVM_MEMATTR_X86_EPT:
		/*
		 * VMX never lets the guest's CR0.CD reach hardware, so only
		 * the EPT entry and the guest PAT matter.
		 */
		g = x86_index(guest);
		m = ept_field_type(enc->ept.memtype);
		if (g < 0 || m < 0)
			return -EINVAL;
		x86_result(enc->ept.ipat ? m : intel_mtrr_x_pat[m][g], out);
		return 0;
	case KVM_MEMATTR_X86_NPT:
		g = x86_index(guest);
		m = x86_index(f.host_mtrr);
		if (g < 0 || m < 0 || m == X_UCM || enc->npt.pat_index > 7)
			return -EINVAL;
		/* Without CD_NW_CLEARED the guest's CR0.CD reaches hardware. */
		if (f.cr0_cd && !f.cd_nw_cleared) {
			x86_result(X_CD, out);
			return 0;
		}
		p = amd_gpat_x_hpat[g][linux_host_pat[enc->npt.pat_index]];
		x86_result(amd_pat_x_mtrr[p][m], out);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- upstream reference policies ---------------------------------------- */

static struct kvm_memattr_decision ref(u8 type, u8 flags)
{
	return (struct kvm_memattr_decision) { .type = type, .flags = flags };
}

static struct kvm_memattr_decision ref_refuse(int err)
{
	return (struct kvm_memattr_decision) { .type = KVM_MEMTYPE_NR,
					       .refuse = err };
}

/*
 * 6.12.117 user_mem_abort(): device is !pfn_is_map_memory(); the VMA's
 * page protection is ignored; VM_ALLOW_ANY_UNCACHED picks Normal-NC.
 */
static struct kvm_memattr_decision ref_612_s2(union kvm_memattr_facts f)
{
	u8 combines = f.fwb ? 0 : KVM_MEMATTR_F_COMBINES;

	if (f.backing == KVM_MEMATTR_RAM)
		return ref(KVM_MEMTYPE_WB, combines);
	if (f.exec)
		return ref_refuse(ENOEXEC);
	if (f.nc_allowed)
		return ref(KVM_MEMTYPE_WC, KVM_MEMATTR_F_COMBINES |
					   KVM_MEMATTR_F_NOEXEC);
	return ref(KVM_MEMTYPE_DEVICE_nGnRE, KVM_MEMATTR_F_COMBINES |
					     KVM_MEMATTR_F_NOEXEC);
}

/* 6.6: no VM_ALLOW_ANY_UNCACHED yet (6.9), all device memory is Device. */
static struct kvm_memattr_decision ref_66_s2(union kvm_memattr_facts f)
{
	f.nc_allowed = 0;
	return ref_612_s2(f);
}

/* 6.12.117 vmx_get_mt_mask() with the backported IGNORE_GUEST_PAT quirk. */
static struct kvm_memattr_decision ref_612_ept(union kvm_memattr_facts f)
{
	bool quirk = f.ignore_guest_pat || !f.self_snoop;

	if (f.backing == KVM_MEMATTR_MMIO)
		return ref(KVM_MEMTYPE_UC, KVM_MEMATTR_F_COMBINES);
	if (!f.nc_dma && quirk)
		return ref(KVM_MEMTYPE_WB, 0);
	return ref(KVM_MEMTYPE_WB, KVM_MEMATTR_F_COMBINES);
}

/* 6.6 vmx_get_mt_mask(): guest MTRRs honored with non-coherent DMA. */
static struct kvm_memattr_decision ref_66_ept(union kvm_memattr_facts f)
{
	if (f.backing == KVM_MEMATTR_MMIO)
		return ref(KVM_MEMTYPE_UC, KVM_MEMATTR_F_COMBINES);
	if (!f.nc_dma)
		return ref(KVM_MEMTYPE_WB, 0);
	if (f.cr0_cd)
		return ref(f.cd_nw_cleared ? KVM_MEMTYPE_WB : KVM_MEMTYPE_UC, 0);
	if (x86_index(f.guest_mtrr) < 0 || f.guest_mtrr == KVM_MEMTYPE_UC_MINUS)
		return ref_refuse(EINVAL);
	return ref(f.guest_mtrr, KVM_MEMATTR_F_COMBINES);
}

/* Both kernels use host PAT entry 0 (WB) for everything under NPT. */
static struct kvm_memattr_decision ref_npt_pat0(union kvm_memattr_facts f)
{
	return ref(KVM_MEMTYPE_WB, KVM_MEMATTR_F_COMBINES);
}

const struct memattr_upstream memattr_upstream_6_12 = {
	.name = "6.12.117",
	.vfio_allow_any_uncached = true,
	.resolve = {
		[KVM_MEMATTR_ARM64_S2] = ref_612_s2,
		[KVM_MEMATTR_X86_EPT] = ref_612_ept,
		[KVM_MEMATTR_X86_NPT] = ref_npt_pat0,
	},
};

const struct memattr_upstream memattr_upstream_6_6 = {
	.name = "6.6",
	.resolve = {
		[KVM_MEMATTR_ARM64_S2] = ref_66_s2,
		[KVM_MEMATTR_X86_EPT] = ref_66_ept,
		[KVM_MEMATTR_X86_NPT] = ref_npt_pat0,
	},
};
