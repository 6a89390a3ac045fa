// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-attribute policies: which memory type KVM installs for a guest
 * mapping, decided from facts only. See include/linux/kvm_memattr.h.
 *
 * This file must stay free of locks, allocation and arch headers: it is
 * compiled unchanged into the kernel, the userspace tests, the fuzzer and
 * tools/memattr.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kvm_memattr.h>

static inline struct kvm_memattr_decision
decide(enum kvm_memtype type, enum kvm_memattr_reason reason, u8 flags)
{
	return (struct kvm_memattr_decision) {
		.type = type, .reason = reason, .flags = flags,
	};
}

static inline struct kvm_memattr_decision
refuse(enum kvm_memattr_reason reason, int err)
{
	return (struct kvm_memattr_decision) {
		.type = KVM_MEMTYPE_NR, .reason = reason, .refuse = err,
	};
}

static inline bool is_x86_mtrr_type(unsigned int type)
{
	return type == KVM_MEMTYPE_UC || type == KVM_MEMTYPE_WC ||
	       type == KVM_MEMTYPE_WT || type == KVM_MEMTYPE_WP ||
	       type == KVM_MEMTYPE_WB;
}

/*
 * arm64 stage-2. Kernel RAM is always Normal-WB: the kernel's linear map
 * aliases it cacheable, so anything weaker at stage-2 would only create a
 * mismatched alias. Device memory is Device-nGnRE unless its provider
 * declared it safe for Normal-NC (only where the device tolerates it and
 * the platform contains the faults), or mapped it cacheable, which needs
 * FWB to force the type without a kernel alias for cache maintenance and
 * DIC so instruction fetches need no maintenance. A VM that uses MTE never
 * gets cacheable device memory: tag accesses need tag storage, which only
 * kernel RAM has. Device memory of a device that tolerates no alias of
 * another type gets the host's Device-nGnRnE, forced, or is refused.
 */
struct kvm_memattr_decision kvm_memattr_resolve_s2(union kvm_memattr_facts f)
{
	if (f.backing == KVM_MEMATTR_RAM) {
		if (f.fwb)
			return decide(KVM_MEMTYPE_WB, KVM_MEMATTR_R_RAM_FORCED_WB, 0);
		return decide(KVM_MEMTYPE_WB, KVM_MEMATTR_R_RAM_WB,
			      KVM_MEMATTR_F_COMBINES);
	}

	switch (f.host) {
	case KVM_MEMATTR_HOST_WB:
		if (f.mte)
			return refuse(KVM_MEMATTR_R_REFUSE_MTE, EINVAL);
		if (!f.fwb)
			return refuse(KVM_MEMATTR_R_REFUSE_NO_FWB, EINVAL);
		if (!f.dic)
			return refuse(KVM_MEMATTR_R_REFUSE_NO_DIC, EINVAL);
		return decide(KVM_MEMTYPE_WB, KVM_MEMATTR_R_DEV_CACHEABLE, 0);
	case KVM_MEMATTR_HOST_NC:
	case KVM_MEMATTR_HOST_DEVICE:
	case KVM_MEMATTR_HOST_DEVICE_nGnRnE:
		break;
	default:
		return refuse(KVM_MEMATTR_R_REFUSE_INCONSISTENT, EINVAL);
	}

	if (f.exec)
		return refuse(KVM_MEMATTR_R_REFUSE_EXEC, ENOEXEC);
	if (f.exact) {
		/*
		 * Only the strongest type can be forced: any stage-1 type
		 * combined with Device-nGnRnE gives Device-nGnRnE, while the
		 * guest can strengthen any other Device type, and Normal-NC
		 * stays Device under a stage-1 Device mapping.
		 */
		if (f.host != KVM_MEMATTR_HOST_DEVICE_nGnRnE)
			return refuse(KVM_MEMATTR_R_REFUSE_NOT_EXACT, EINVAL);
		return decide(KVM_MEMTYPE_DEVICE_nGnRnE, KVM_MEMATTR_R_DEV_EXACT,
			      KVM_MEMATTR_F_NOEXEC);
	}
	if (f.nc_allowed)
		return decide(KVM_MEMTYPE_WC, KVM_MEMATTR_R_DEV_NORMAL_NC,
			      KVM_MEMATTR_F_COMBINES | KVM_MEMATTR_F_NOEXEC);
	return decide(KVM_MEMTYPE_DEVICE_nGnRE, KVM_MEMATTR_R_DEV_DEVICE,
		      KVM_MEMATTR_F_COMBINES | KVM_MEMATTR_F_NOEXEC);
}
EXPORT_SYMBOL_GPL(kvm_memattr_resolve_s2);

/*
 * Intel EPT. The default is bit for bit what 6.12.117's vmx_get_mt_mask()
 * installs. Host MMIO is UC with IPAT clear: cacheable MMIO accesses cause
 * machine checks, and IPAT clear lets a guest WC mapping stay WC. RAM is
 * WB; IPAT is set only while KVM_X86_QUIRK_IGNORE_GUEST_PAT is in effect
 * and no device does non-coherent DMA, because such a device needs the
 * guest's uncached mappings to be honored.
 *
 * Honoring guest MTRRs is opt-in and only matters with
 * non-coherent DMA. VMX never lets the guest's CR0.CD reach hardware, so a
 * vCPU with CR0.CD=1 gets UC with IPAT. KVM_X86_QUIRK_CD_NW_CLEARED, which
 * made 6.6 ignore CD, is disabled when an Intel VM is created and cannot
 * be enabled again, so it is not consulted.
 */
struct kvm_memattr_decision kvm_memattr_resolve_ept(union kvm_memattr_facts f)
{
	if (!f.ignore_guest_pat && !f.self_snoop)
		return refuse(KVM_MEMATTR_R_REFUSE_QUIRK_NEEDS_SELF_SNOOP,
			      EINVAL);

	if (f.backing == KVM_MEMATTR_MMIO)
		return decide(KVM_MEMTYPE_UC, KVM_MEMATTR_R_EPT_MMIO,
			      KVM_MEMATTR_F_COMBINES);

	if (!f.nc_dma) {
		if (f.ignore_guest_pat)
			return decide(KVM_MEMTYPE_WB,
				      KVM_MEMATTR_R_EPT_IGNORE_PAT, 0);
		return decide(KVM_MEMTYPE_WB, KVM_MEMATTR_R_EPT_GUEST_PAT,
			      KVM_MEMATTR_F_COMBINES);
	}

	if (!f.honor_guest_mtrr)
		return decide(KVM_MEMTYPE_WB, KVM_MEMATTR_R_EPT_NC_DMA,
			      KVM_MEMATTR_F_COMBINES);

	if (f.cr0_cd)
		return decide(KVM_MEMTYPE_UC, KVM_MEMATTR_R_EPT_CD_UC, 0);

	if (!is_x86_mtrr_type(f.guest_mtrr))
		return refuse(KVM_MEMATTR_R_REFUSE_INCONSISTENT, EINVAL);
	return decide(f.guest_mtrr, KVM_MEMATTR_R_EPT_GUEST_MTRR,
		      KVM_MEMATTR_F_COMBINES);
}
EXPORT_SYMBOL_GPL(kvm_memattr_resolve_ept);

/*
 * AMD NPT. The guest's PAT always reaches hardware and the host MTRR of
 * the system physical address always applies; KVM only picks the host PAT
 * entry. 6.12 always picks entry 0 (WB) and relies on firmware having made
 * every MMIO range UC in the host MTRRs, and so does KVM by default. This
 * is the choice of kvm_amd.host_mmio_uc_minus: host MMIO gets UC-, the
 * type vfio-pci's own host mapping uses: still WC for a guest WC mapping,
 * never cacheable even where a host MTRR says WB.
 */
struct kvm_memattr_decision kvm_memattr_resolve_npt(union kvm_memattr_facts f)
{
	if (f.backing == KVM_MEMATTR_MMIO)
		return decide(KVM_MEMTYPE_UC_MINUS, KVM_MEMATTR_R_NPT_MMIO,
			      KVM_MEMATTR_F_COMBINES);
	return decide(KVM_MEMTYPE_WB, KVM_MEMATTR_R_NPT_RAM,
		      KVM_MEMATTR_F_COMBINES);
}
EXPORT_SYMBOL_GPL(kvm_memattr_resolve_npt);

static inline struct kvm_memattr_bar_decision
bar_class(enum kvm_memattr_bar_class class, enum kvm_memattr_reason reason)
{
	return (struct kvm_memattr_bar_decision) {
		.class = class, .reason = reason,
	};
}

static inline struct kvm_memattr_bar_decision
bar_refuse(enum kvm_memattr_reason reason, int err)
{
	return (struct kvm_memattr_bar_decision) {
		.class = KVM_MEMATTR_CLASS_NR, .reason = reason, .refuse = err,
	};
}

/*
 * A prefetchable BAR promises what Normal-NC permits: reads without side
 * effects and mergeable writes. Tolerance is not enough on arm64: Normal-NC
 * accesses may raise errors the platform cannot contain, so the class also
 * needs the platform's containment guarantee. x86 maps host MMIO UC in EPT
 * whatever the class and lets the guest's PAT pick WC, so containment does
 * not apply there. No BAR is ever classified cacheable here: vfio-pci's
 * own kernel mapping of a BAR is uncached, and only a provider that knows
 * its memory is coherent, and maps it cacheable itself, may say so.
 */
struct kvm_memattr_bar_decision
kvm_memattr_classify_bar(struct kvm_memattr_bar_facts f)
{
	bool arm64 = f.arch == KVM_MEMATTR_ARM64_S2;
	bool tolerant;

	if (f.arch >= KVM_MEMATTR_NR_ARCH || f.tolerance >= KVM_MEMATTR_TOL_NR)
		return bar_refuse(KVM_MEMATTR_R_REFUSE_INCONSISTENT, EINVAL);

	/*
	 * A device that tolerates no alias of another memory type gets the
	 * host's own whatever is asked: that is the safety of the machine,
	 * not a preference.
	 */
	if (f.tolerance == KVM_MEMATTR_TOL_MISMATCH_INTOLERANT) {
		if (f.override == KVM_MEMATTR_OVR_NORMAL_NC)
			return bar_refuse(KVM_MEMATTR_R_REFUSE_INTOLERANT,
					  EINVAL);
		return bar_class(KVM_MEMATTR_CLASS_DEVICE_EXACT,
				 KVM_MEMATTR_R_BAR_QUIRK_MISMATCH_INTOLERANT);
	}

	switch (f.override) {
	case KVM_MEMATTR_OVR_DEVICE:
		return bar_class(KVM_MEMATTR_CLASS_DEVICE,
				 KVM_MEMATTR_R_BAR_OVERRIDE);
	case KVM_MEMATTR_OVR_DEVICE_EXACT:
		return bar_class(KVM_MEMATTR_CLASS_DEVICE_EXACT,
				 KVM_MEMATTR_R_BAR_OVERRIDE);
	case KVM_MEMATTR_OVR_NORMAL_NC:
		if (f.tolerance == KVM_MEMATTR_TOL_INTOLERANT)
			return bar_refuse(KVM_MEMATTR_R_REFUSE_INTOLERANT,
					  EINVAL);
		if (arm64 && !f.contained)
			return bar_refuse(KVM_MEMATTR_R_REFUSE_NOT_CONTAINED,
					  EOPNOTSUPP);
		return bar_class(KVM_MEMATTR_CLASS_NORMAL_NC,
				 KVM_MEMATTR_R_BAR_OVERRIDE);
	case KVM_MEMATTR_OVR_AUTO:
		break;
	default:
		return bar_refuse(KVM_MEMATTR_R_REFUSE_INCONSISTENT, EINVAL);
	}

	tolerant = f.tolerance == KVM_MEMATTR_TOL_TOLERANT ||
		   (f.tolerance == KVM_MEMATTR_TOL_DEFAULT && f.prefetchable);
	if (!tolerant)
		return bar_class(KVM_MEMATTR_CLASS_DEVICE,
				 f.tolerance == KVM_MEMATTR_TOL_INTOLERANT ?
				 KVM_MEMATTR_R_BAR_QUIRK_INTOLERANT :
				 KVM_MEMATTR_R_BAR_NOT_PREFETCHABLE);
	if (arm64 && !f.contained)
		return bar_class(KVM_MEMATTR_CLASS_DEVICE,
				 KVM_MEMATTR_R_BAR_NOT_CONTAINED);
	return bar_class(KVM_MEMATTR_CLASS_NORMAL_NC,
			 f.tolerance == KVM_MEMATTR_TOL_TOLERANT ?
			 KVM_MEMATTR_R_BAR_QUIRK_TOLERANT :
			 KVM_MEMATTR_R_BAR_PREFETCHABLE);
}
EXPORT_SYMBOL_GPL(kvm_memattr_classify_bar);

union kvm_memattr_facts kvm_memattr_facts_from_class(u8 class)
{
	union kvm_memattr_facts f = { .backing = KVM_MEMATTR_MMIO };

	switch (class) {
	case KVM_MEMATTR_CLASS_CACHEABLE:
		f.host = KVM_MEMATTR_HOST_WB;
		break;
	case KVM_MEMATTR_CLASS_NORMAL_NC:
		f.host = KVM_MEMATTR_HOST_DEVICE_nGnRnE;
		f.nc_allowed = 1;
		break;
	case KVM_MEMATTR_CLASS_DEVICE_EXACT:
		f.host = KVM_MEMATTR_HOST_DEVICE_nGnRnE;
		f.exact = 1;
		break;
	default:
		f.host = KVM_MEMATTR_HOST_DEVICE_nGnRnE;
		break;
	}
	return f;
}
EXPORT_SYMBOL_GPL(kvm_memattr_facts_from_class);

static const char * const memtype_names_arm64[KVM_MEMTYPE_NR] = {
	[KVM_MEMTYPE_DEVICE_nGnRnE]	= "Device-nGnRnE",
	[KVM_MEMTYPE_DEVICE_nGnRE]	= "Device-nGnRE",
	[KVM_MEMTYPE_DEVICE_nGRE]	= "Device-nGRE",
	[KVM_MEMTYPE_DEVICE_GRE]	= "Device-GRE",
	[KVM_MEMTYPE_WC]		= "Normal-NC",
	[KVM_MEMTYPE_WT]		= "Normal-WT",
	[KVM_MEMTYPE_WB]		= "Normal-WB",
};

static const char * const memtype_names_x86[KVM_MEMTYPE_NR] = {
	[KVM_MEMTYPE_UC]		= "UC",
	[KVM_MEMTYPE_UC_MINUS]		= "UC-",
	[KVM_MEMTYPE_WC]		= "WC",
	[KVM_MEMTYPE_WT]		= "WT",
	[KVM_MEMTYPE_WP]		= "WP",
	[KVM_MEMTYPE_WB]		= "WB",
};

/**
 * kvm_memtype_name() - Architecture name of a memtype.
 * @arch: &enum kvm_memattr_arch.
 * @type: &enum kvm_memtype.
 *
 * Return: "Normal-NC" for KVM_MEMTYPE_WC on arm64, "WC" on x86, and so on;
 * "?" for a type the architecture does not have.
 */
const char *kvm_memtype_name(enum kvm_memattr_arch arch, u8 type)
{
	const char *name = NULL;

	if (type < KVM_MEMTYPE_NR)
		name = arch == KVM_MEMATTR_ARM64_S2 ? memtype_names_arm64[type] :
						      memtype_names_x86[type];
	return name ?: "?";
}
EXPORT_SYMBOL_GPL(kvm_memtype_name);

struct reason_desc {
	const char *name;
	const char *text;
};

static const struct reason_desc reasons[KVM_MEMATTR_R_NR] = {
	[KVM_MEMATTR_R_NONE] = { "none", "no decision" },
	[KVM_MEMATTR_R_RAM_FORCED_WB] = { "ram-fwb",
		"kernel RAM: Normal-WB forced by FEAT_S2FWB" },
	[KVM_MEMATTR_R_RAM_WB] = { "ram",
		"kernel RAM: Normal-WB, combined with the guest's stage-1" },
	[KVM_MEMATTR_R_DEV_DEVICE] = { "device",
		"device memory not declared Normal-NC safe: Device-nGnRE" },
	[KVM_MEMATTR_R_DEV_NORMAL_NC] = { "normal-nc",
		"device memory declared Normal-NC safe: guest may write-combine" },
	[KVM_MEMATTR_R_DEV_CACHEABLE] = { "cacheable",
		"coherent device memory mapped cacheable by the host: Normal-WB (FWB, DIC)" },
	[KVM_MEMATTR_R_EPT_MMIO] = { "ept-mmio",
		"host MMIO: UC, guest PAT may only combine to WC" },
	[KVM_MEMATTR_R_EPT_IGNORE_PAT] = { "ept-ignore-pat",
		"RAM, no non-coherent DMA, IGNORE_GUEST_PAT quirk: WB with IPAT" },
	[KVM_MEMATTR_R_EPT_GUEST_PAT] = { "ept-guest-pat",
		"RAM, IGNORE_GUEST_PAT disabled: WB, guest PAT decides" },
	[KVM_MEMATTR_R_EPT_NC_DMA] = { "ept-nc-dma",
		"RAM, non-coherent DMA: WB, guest PAT decides" },
	[KVM_MEMATTR_R_EPT_GUEST_MTRR] = { "ept-guest-mtrr",
		"RAM, non-coherent DMA, honoring guest MTRRs: guest MTRR type" },
	[KVM_MEMATTR_R_EPT_CD_QUIRK] = { "ept-cd-quirk",
		"not decided: CD_NW_CLEARED, which no Intel VM has" },
	[KVM_MEMATTR_R_EPT_CD_UC] = { "ept-cd-uc",
		"guest CR0.CD=1: UC with IPAT" },
	[KVM_MEMATTR_R_NPT_RAM] = { "npt-ram",
		"RAM: host PAT WB, guest PAT and host MTRR combine" },
	[KVM_MEMATTR_R_NPT_MMIO] = { "npt-mmio",
		"host MMIO: host PAT UC-, never cacheable whatever the host MTRR" },
	[KVM_MEMATTR_R_BAR_PREFETCHABLE] = { "prefetchable",
		"prefetchable BAR on a platform that contains Normal-NC faults" },
	[KVM_MEMATTR_R_BAR_QUIRK_TOLERANT] = { "quirk-tolerant",
		"device listed as tolerant of Normal-NC" },
	[KVM_MEMATTR_R_BAR_NOT_PREFETCHABLE] = { "not-prefetchable",
		"non-prefetchable BAR: reads may have side effects" },
	[KVM_MEMATTR_R_BAR_QUIRK_INTOLERANT] = { "quirk-intolerant",
		"device listed as intolerant of Normal-NC" },
	[KVM_MEMATTR_R_BAR_NOT_CONTAINED] = { "not-contained",
		"platform does not guarantee containment of Normal-NC faults" },
	[KVM_MEMATTR_R_BAR_OVERRIDE] = { "override",
		"administrator override" },
	[KVM_MEMATTR_R_REFUSE_EXEC] = { "refuse-exec",
		"instruction fetch from device or Normal-NC memory" },
	[KVM_MEMATTR_R_REFUSE_NO_FWB] = { "refuse-no-fwb",
		"cacheable device memory needs FEAT_S2FWB" },
	[KVM_MEMATTR_R_REFUSE_NO_DIC] = { "refuse-no-dic",
		"cacheable device memory needs CTR_EL0.DIC" },
	[KVM_MEMATTR_R_REFUSE_MTE] = { "refuse-mte",
		"cacheable device memory has no MTE allocation tag storage" },
	[KVM_MEMATTR_R_REFUSE_NOT_CONTAINED] = { "refuse-not-contained",
		"Normal-NC needs a platform that contains Normal-NC faults" },
	[KVM_MEMATTR_R_REFUSE_INTOLERANT] = { "refuse-intolerant",
		"Normal-NC refused: device listed as intolerant" },
	[KVM_MEMATTR_R_REFUSE_QUIRK_NEEDS_SELF_SNOOP] = { "refuse-quirk-needs-self-snoop",
		"IGNORE_GUEST_PAT cannot be disabled without self-snoop" },
	[KVM_MEMATTR_R_REFUSE_INCONSISTENT] = { "refuse-inconsistent",
		"facts contradict each other" },
	[KVM_MEMATTR_R_DEV_EXACT] = { "device-exact",
		"device memory intolerant of aliases: Device-nGnRnE, forced, as the host" },
	[KVM_MEMATTR_R_REFUSE_NOT_EXACT] = { "refuse-not-exact",
		"device memory intolerant of aliases, host type not forceable at stage 2" },
	[KVM_MEMATTR_R_BAR_QUIRK_MISMATCH_INTOLERANT] = { "quirk-mismatch-intolerant",
		"device listed as intolerant of mismatched memory-type aliases" },
};

/**
 * kvm_memattr_reason_name() - Short identifier of a reason.
 * @reason: &enum kvm_memattr_reason.
 *
 * Return: a stable lower-case identifier, e.g. "normal-nc"; "?" if unknown.
 */
const char *kvm_memattr_reason_name(u8 reason)
{
	return reason < KVM_MEMATTR_R_NR ? reasons[reason].name : "?";
}
EXPORT_SYMBOL_GPL(kvm_memattr_reason_name);

/**
 * kvm_memattr_reason_text() - One-line explanation of a reason.
 * @reason: &enum kvm_memattr_reason.
 *
 * Return: a sentence fragment for humans; "?" if unknown.
 */
const char *kvm_memattr_reason_text(u8 reason)
{
	return reason < KVM_MEMATTR_R_NR ? reasons[reason].text : "?";
}
EXPORT_SYMBOL_GPL(kvm_memattr_reason_text);

static const char * const class_names[KVM_MEMATTR_CLASS_NR] = {
	[KVM_MEMATTR_CLASS_DEVICE]	= "device",
	[KVM_MEMATTR_CLASS_NORMAL_NC]	= "normal-nc",
	[KVM_MEMATTR_CLASS_CACHEABLE]	= "cacheable",
	[KVM_MEMATTR_CLASS_DEVICE_EXACT] = "device-exact",
};

/**
 * kvm_memattr_class_name() - Name of a BAR class.
 * @class: &enum kvm_memattr_bar_class.
 *
 * Return: "device", "normal-nc", "cacheable" or "device-exact"; "?" if
 * unknown.
 */
const char *kvm_memattr_class_name(u8 class)
{
	return class < KVM_MEMATTR_CLASS_NR ? class_names[class] : "?";
}
EXPORT_SYMBOL_GPL(kvm_memattr_class_name);

static const char * const override_names[KVM_MEMATTR_OVR_NR] = {
	[KVM_MEMATTR_OVR_AUTO]		= "auto",
	[KVM_MEMATTR_OVR_DEVICE]	= "device",
	[KVM_MEMATTR_OVR_NORMAL_NC]	= "normal-nc",
	[KVM_MEMATTR_OVR_DEVICE_EXACT]	= "device-exact",
};

/**
 * kvm_memattr_override_name() - Name of an override.
 * @override: &enum kvm_memattr_override.
 *
 * Return: the string kvm_memattr_parse_override() accepts; "?" if unknown.
 */
const char *kvm_memattr_override_name(u8 override)
{
	return override < KVM_MEMATTR_OVR_NR ? override_names[override] : "?";
}
EXPORT_SYMBOL_GPL(kvm_memattr_override_name);

/* Like sysfs_streq(), which userspace builds of this file do not have. */
static bool word_eq(const char *buf, const char *word)
{
	while (*word && *buf == *word) {
		buf++;
		word++;
	}
	return !*word && (!*buf || (buf[0] == '\n' && !buf[1]));
}

int kvm_memattr_parse_override(const char *buf)
{
	int i;

	for (i = 0; i < KVM_MEMATTR_OVR_NR; i++)
		if (word_eq(buf, override_names[i]))
			return i;
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(kvm_memattr_parse_override);
