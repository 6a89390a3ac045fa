/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory attributes of guest mappings: one arch-neutral decision, encoded
 * by per-architecture backends.
 */
#ifndef __LINUX_KVM_MEMATTR_H
#define __LINUX_KVM_MEMATTR_H

#include <linux/bits.h>
#include <linux/types.h>

/**
 * DOC: Memory-attribute language
 *
 * KVM decides the memory type of every guest mapping it installs: the
 * stage-2 MemAttr on arm64, the EPT memory type and IPAT bit on Intel, the
 * host PAT entry selected by the NPT entry on AMD. The decision and its
 * encoding are kept apart:
 *
 *  - The *facts* (&union kvm_memattr_facts) are what KVM knows when it maps a
 *    page: what backs it, how the host maps it, what the memory provider
 *    (e.g. vfio-pci) declared, which CPU features and VM quirks apply.
 *  - The *policy* (kvm_memattr_resolve_s2() and friends) turns facts into a
 *    &struct kvm_memattr_decision: the memory type KVM installs, whether the
 *    guest's own attributes still combine with it, a reason, or a refusal.
 *    Policies are pure functions: no locks, no allocation, no arch headers,
 *    so the same code runs in the kernel, in userspace tests and in tools.
 *  - A *backend* (&struct kvm_memattr_ops) encodes a decision into the bits
 *    of one translation format and decodes them back. Backends never decide.
 *
 * Words used throughout:
 *
 *  - *memtype*: one of &enum kvm_memtype. x86 and arm64 names share one
 *    enumeration; KVM_MEMTYPE_WC is Normal-NC on arm64, KVM_MEMTYPE_WB is
 *    Normal-WB.
 *  - *installed type*: the memtype KVM writes into its own table.
 *  - *effective type*: what an access gets once the architecture has
 *    combined the installed type with the guest's own request (its stage-1
 *    attributes or PAT entry) and, on AMD, the host MTRR.
 *  - *combine*: the guest's request still takes part in the effective type
 *    (arm64 without FWB forcing, x86 with IPAT clear).
 *  - *backing*: kernel RAM (in the linear map, struct pages, coherent) or
 *    device memory (a BAR, anything KVM must not assume is RAM).
 *  - *provider*: the driver that mapped the memory into the VMM, e.g.
 *    vfio-pci for a BAR. It states what the memory tolerates through the
 *    VMA and its page tables: VM_ALLOW_ANY_UNCACHED and the page
 *    protection.
 */

/**
 * enum kvm_memtype - Memory types, arch-neutral.
 * @KVM_MEMTYPE_DEVICE_nGnRnE: arm64 Device-nGnRnE.
 * @KVM_MEMTYPE_DEVICE_nGnRE: arm64 Device-nGnRE, what arm64 KVM installs for
 *	device memory it must not let the guest weaken.
 * @KVM_MEMTYPE_DEVICE_nGRE: arm64 Device-nGRE.
 * @KVM_MEMTYPE_DEVICE_GRE: arm64 Device-GRE.
 * @KVM_MEMTYPE_UC: x86 strong uncacheable.
 * @KVM_MEMTYPE_UC_MINUS: x86 PAT UC-, which an MTRR WC turns into WC.
 * @KVM_MEMTYPE_WC: x86 write-combining; arm64 Normal Non-cacheable.
 * @KVM_MEMTYPE_WT: write-through cacheable (arm64 Normal-WT).
 * @KVM_MEMTYPE_WP: x86 write-protected cacheable.
 * @KVM_MEMTYPE_WB: write-back cacheable (arm64 Normal-WB).
 * @KVM_MEMTYPE_NR: number of memtypes.
 *
 * The order is from most to least restrictive within each family, so that
 * "weaker than" comparisons read naturally in the policy code.
 */
enum kvm_memtype {
	KVM_MEMTYPE_DEVICE_nGnRnE,
	KVM_MEMTYPE_DEVICE_nGnRE,
	KVM_MEMTYPE_DEVICE_nGRE,
	KVM_MEMTYPE_DEVICE_GRE,
	KVM_MEMTYPE_UC,
	KVM_MEMTYPE_UC_MINUS,
	KVM_MEMTYPE_WC,
	KVM_MEMTYPE_WT,
	KVM_MEMTYPE_WP,
	KVM_MEMTYPE_WB,
	KVM_MEMTYPE_NR,
};

/**
 * enum kvm_memattr_arch - Translation formats a policy targets.
 * @KVM_MEMATTR_ARM64_S2: arm64 stage-2, with or without FEAT_S2FWB.
 * @KVM_MEMATTR_X86_EPT: Intel EPT (memory type and IPAT).
 * @KVM_MEMATTR_X86_NPT: AMD NPT (host PAT entry; host MTRRs still apply).
 * @KVM_MEMATTR_NR_ARCH: number of formats.
 */
enum kvm_memattr_arch {
	KVM_MEMATTR_ARM64_S2,
	KVM_MEMATTR_X86_EPT,
	KVM_MEMATTR_X86_NPT,
	KVM_MEMATTR_NR_ARCH,
};

/**
 * enum kvm_memattr_backing - What backs a guest page.
 * @KVM_MEMATTR_RAM: kernel RAM: arm64 pfn_is_map_memory(), x86
 *	!kvm_is_mmio_pfn().
 * @KVM_MEMATTR_MMIO: anything else: a BAR, reserved or carved-out memory.
 */
enum kvm_memattr_backing {
	KVM_MEMATTR_RAM,
	KVM_MEMATTR_MMIO,
};

/**
 * enum kvm_memattr_host - Cacheability of the host's own mapping (VMA).
 * @KVM_MEMATTR_HOST_DEVICE: Device (arm64) or UC/UC- (x86) page protection.
 * @KVM_MEMATTR_HOST_NC: Normal-NC (arm64) or WC (x86) page protection.
 * @KVM_MEMATTR_HOST_WB: cacheable page protection. For device memory this
 *	is the provider's statement that the memory is coherent and may be
 *	cached, as nvgrace-gpu does for its device memory.
 * @KVM_MEMATTR_HOST_DEVICE_nGnRnE: arm64 Device-nGnRnE page protection
 *	(pgprot_noncached()), the strongest Device type;
 *	KVM_MEMATTR_HOST_DEVICE is any other Device type.
 */
enum kvm_memattr_host {
	KVM_MEMATTR_HOST_DEVICE,
	KVM_MEMATTR_HOST_NC,
	KVM_MEMATTR_HOST_WB,
	KVM_MEMATTR_HOST_DEVICE_nGnRnE,
};

/**
 * union kvm_memattr_facts - Everything a mapping decision depends on.
 * @word: all facts, for copying, hashing and fuzzing.
 * @backing: &enum kvm_memattr_backing.
 * @host: &enum kvm_memattr_host: how the host maps the page (on arm64, the
 *	memory type of its page-table entry).
 * @nc_allowed: the provider declared the memory safe for any non-cacheable
 *	type, including Normal-NC (VM_ALLOW_ANY_UNCACHED). vfio-pci sets it
 *	only for a BAR classified tolerant on a platform that guarantees
 *	containment of Normal-NC faults; see kvm_memattr_classify_bar().
 * @exec: the access is an instruction fetch.
 * @mte: arm64: the VM uses MTE, so every cacheable mapping must have
 *	allocation tag storage, which only kernel RAM has.
 * @exact: the provider declared that the memory tolerates no mapping of a
 *	memory type other than the host's own (VM_EXACT_MEMTYPE): the device
 *	is intolerant of mismatched aliases.
 * @fwb: arm64 FEAT_S2FWB is in use for this stage-2.
 * @dic: arm64 CTR_EL0.DIC: no instruction-cache maintenance needed.
 * @self_snoop: x86 X86_FEATURE_SELFSNOOP.
 * @nc_dma: the VM has a device doing non-coherent DMA (x86).
 * @ignore_guest_pat: KVM_X86_QUIRK_IGNORE_GUEST_PAT is in effect.
 * @cd_nw_cleared: KVM_X86_QUIRK_CD_NW_CLEARED is in effect. Only AMD
 *	VMs have it; EPT ignores it.
 * @honor_guest_mtrr: the VM opted in to honoring guest MTRRs (x86).
 * @cr0_cd: the faulting vCPU has CR0.CD set (x86).
 * @guest_mtrr: the guest MTRR memtype of the page, an x86 &enum kvm_memtype.
 * @host_mtrr: the host MTRR memtype of the page, an x86 &enum kvm_memtype.
 *	Only AMD NPT is affected by it; EPT bypasses host MTRRs.
 * @unused: must be zero.
 *
 * A fact that does not apply to a format is ignored by that format's
 * policy, e.g. @fwb on x86 or @nc_dma on arm64 (VFIO requires cache
 * coherent DMA on arm64).
 */
union kvm_memattr_facts {
	u32 word;
	struct {
		u32 backing:1;
		u32 host:2;
		u32 nc_allowed:1;
		u32 exec:1;
		u32 fwb:1;
		u32 dic:1;
		u32 self_snoop:1;
		u32 nc_dma:1;
		u32 ignore_guest_pat:1;
		u32 cd_nw_cleared:1;
		u32 honor_guest_mtrr:1;
		u32 cr0_cd:1;
		u32 guest_mtrr:4;
		u32 host_mtrr:4;
		u32 mte:1;
		u32 exact:1;
		u32 unused:9;
	};
};

/* Every facts word below this combines facts in use; @unused starts here. */
#define KVM_MEMATTR_FACTS_LIMIT	BIT(23)

/* Decision flags, see &struct kvm_memattr_decision. */
#define KVM_MEMATTR_F_COMBINES	BIT(0)
#define KVM_MEMATTR_F_NOEXEC	BIT(1)

/**
 * enum kvm_memattr_reason - Why a decision was taken.
 * @KVM_MEMATTR_R_NONE: no decision.
 * @KVM_MEMATTR_R_RAM_FORCED_WB: kernel RAM, Normal-WB forced at stage-2 by
 *	FEAT_S2FWB; the guest cannot weaken it.
 * @KVM_MEMATTR_R_RAM_WB: kernel RAM, Normal-WB at stage-2; the guest's
 *	stage-1 attributes combine with it.
 * @KVM_MEMATTR_R_DEV_DEVICE: device memory the provider did not declare
 *	Normal-NC safe: Device-nGnRE, which the guest cannot weaken.
 * @KVM_MEMATTR_R_DEV_NORMAL_NC: device memory declared Normal-NC safe
 *	(tolerant BAR, containment guaranteed): Normal-NC, so the guest may use
 *	write-combining.
 * @KVM_MEMATTR_R_DEV_CACHEABLE: coherent device memory the host maps
 *	cacheable: Normal-WB forced by FWB; DIC makes execution safe without a
 *	kernel alias for cache maintenance.
 * @KVM_MEMATTR_R_EPT_MMIO: host MMIO: UC with IPAT clear, so a guest WC
 *	mapping stays WC and nothing is ever cacheable.
 * @KVM_MEMATTR_R_EPT_IGNORE_PAT: RAM without non-coherent DMA and with
 *	KVM_X86_QUIRK_IGNORE_GUEST_PAT: WB with IPAT.
 * @KVM_MEMATTR_R_EPT_GUEST_PAT: RAM with the quirk disabled: WB, the
 *	guest's PAT decides.
 * @KVM_MEMATTR_R_EPT_NC_DMA: RAM in a VM with non-coherent DMA: WB, the
 *	guest's PAT decides so it can map DMA buffers uncached.
 * @KVM_MEMATTR_R_EPT_GUEST_MTRR: RAM with non-coherent DMA in a VM that
 *	honors guest MTRRs: the guest MTRR type, combined with the guest's PAT.
 * @KVM_MEMATTR_R_EPT_CD_QUIRK: not decided: guest CR0.CD=1 with
 *	KVM_X86_QUIRK_CD_NW_CLEARED, which no Intel VM can have.
 * @KVM_MEMATTR_R_EPT_CD_UC: guest CR0.CD=1: UC with IPAT.
 * @KVM_MEMATTR_R_NPT_RAM: RAM: host PAT WB (entry 0); the guest's PAT and
 *	the host MTRR combine.
 * @KVM_MEMATTR_R_NPT_MMIO: host MMIO: host PAT UC-, as the host's own
 *	mapping, so MMIO is not cacheable even under a WB host MTRR.
 * @KVM_MEMATTR_R_BAR_PREFETCHABLE: prefetchable BAR on a platform that
 *	contains Normal-NC faults: tolerant of Normal-NC.
 * @KVM_MEMATTR_R_BAR_QUIRK_TOLERANT: the quirk table lists the device as
 *	tolerant of Normal-NC.
 * @KVM_MEMATTR_R_BAR_NOT_PREFETCHABLE: non-prefetchable BAR: reads may have
 *	side effects, keep Device.
 * @KVM_MEMATTR_R_BAR_QUIRK_INTOLERANT: the quirk table lists the device as
 *	intolerant of Normal-NC.
 * @KVM_MEMATTR_R_BAR_NOT_CONTAINED: tolerant BAR, but the platform does not
 *	guarantee containment of Normal-NC faults: keep Device.
 * @KVM_MEMATTR_R_BAR_OVERRIDE: the administrator chose the class.
 * @KVM_MEMATTR_R_REFUSE_EXEC: instruction fetch from device or Normal-NC
 *	memory.
 * @KVM_MEMATTR_R_REFUSE_NO_FWB: cacheable device memory needs FEAT_S2FWB:
 *	without it stage-2 cannot force the type, and KVM has no kernel alias
 *	to clean the caches with.
 * @KVM_MEMATTR_R_REFUSE_NO_DIC: cacheable device memory needs CTR_EL0.DIC.
 * @KVM_MEMATTR_R_REFUSE_MTE: cacheable device memory in a VM that uses
 *	MTE: the memory has no allocation tag storage.
 * @KVM_MEMATTR_R_REFUSE_NOT_CONTAINED: Normal-NC requested on a platform
 *	that does not guarantee containment of Normal-NC faults.
 * @KVM_MEMATTR_R_REFUSE_INTOLERANT: Normal-NC requested for a device the
 *	quirk table lists as intolerant.
 * @KVM_MEMATTR_R_REFUSE_QUIRK_NEEDS_SELF_SNOOP: facts claim the
 *	IGNORE_GUEST_PAT quirk is off on a CPU without self-snoop, which KVM
 *	does not allow.
 * @KVM_MEMATTR_R_REFUSE_INCONSISTENT: the facts contradict each other.
 * @KVM_MEMATTR_R_DEV_EXACT: device memory that tolerates no other memory
 *	type, which the host maps Device-nGnRnE: Device-nGnRnE at stage 2,
 *	which no stage-1 type can change.
 * @KVM_MEMATTR_R_REFUSE_NOT_EXACT: device memory that tolerates no other
 *	memory type, which the host maps with a type stage 2 cannot force.
 * @KVM_MEMATTR_R_BAR_QUIRK_MISMATCH_INTOLERANT: the quirk table lists the
 *	device as intolerant of any alias of another memory type.
 * @KVM_MEMATTR_R_NR: number of reasons.
 */
enum kvm_memattr_reason {
	KVM_MEMATTR_R_NONE,
	KVM_MEMATTR_R_RAM_FORCED_WB,
	KVM_MEMATTR_R_RAM_WB,
	KVM_MEMATTR_R_DEV_DEVICE,
	KVM_MEMATTR_R_DEV_NORMAL_NC,
	KVM_MEMATTR_R_DEV_CACHEABLE,
	KVM_MEMATTR_R_EPT_MMIO,
	KVM_MEMATTR_R_EPT_IGNORE_PAT,
	KVM_MEMATTR_R_EPT_GUEST_PAT,
	KVM_MEMATTR_R_EPT_NC_DMA,
	KVM_MEMATTR_R_EPT_GUEST_MTRR,
	KVM_MEMATTR_R_EPT_CD_QUIRK,
	KVM_MEMATTR_R_EPT_CD_UC,
	KVM_MEMATTR_R_NPT_RAM,
	KVM_MEMATTR_R_NPT_MMIO,
	KVM_MEMATTR_R_BAR_PREFETCHABLE,
	KVM_MEMATTR_R_BAR_QUIRK_TOLERANT,
	KVM_MEMATTR_R_BAR_NOT_PREFETCHABLE,
	KVM_MEMATTR_R_BAR_QUIRK_INTOLERANT,
	KVM_MEMATTR_R_BAR_NOT_CONTAINED,
	KVM_MEMATTR_R_BAR_OVERRIDE,
	KVM_MEMATTR_R_REFUSE_EXEC,
	KVM_MEMATTR_R_REFUSE_NO_FWB,
	KVM_MEMATTR_R_REFUSE_NO_DIC,
	KVM_MEMATTR_R_REFUSE_MTE,
	KVM_MEMATTR_R_REFUSE_NOT_CONTAINED,
	KVM_MEMATTR_R_REFUSE_INTOLERANT,
	KVM_MEMATTR_R_REFUSE_QUIRK_NEEDS_SELF_SNOOP,
	KVM_MEMATTR_R_REFUSE_INCONSISTENT,
	KVM_MEMATTR_R_DEV_EXACT,
	KVM_MEMATTR_R_REFUSE_NOT_EXACT,
	KVM_MEMATTR_R_BAR_QUIRK_MISMATCH_INTOLERANT,
	KVM_MEMATTR_R_NR,
};

/**
 * struct kvm_memattr_decision - The outcome of a policy.
 * @type: &enum kvm_memtype KVM installs in its own table.
 * @reason: &enum kvm_memattr_reason.
 * @flags: KVM_MEMATTR_F_COMBINES: the guest's own attributes still combine
 *	with @type (arm64 stage-2 not forcing, x86 IPAT clear, always on NPT).
 *	KVM_MEMATTR_F_NOEXEC: the mapping must never be executable.
 * @refuse: 0, or the positive errno with which KVM refuses the mapping.
 *	@type is meaningless when @refuse is set.
 *
 * Four bytes, returned in a register.
 */
struct kvm_memattr_decision {
	u8 type;
	u8 reason;
	u8 flags;
	u8 refuse;
};

/**
 * struct kvm_memattr_enc - A decision encoded in one translation format.
 * @s2: arm64 stage-2 descriptor fields.
 * @s2.memattr: MemAttr[3:0], descriptor bits [5:2].
 * @s2.xn: execute-never (XN, bit 54).
 * @ept: Intel EPT leaf fields.
 * @ept.memtype: EPT memory type, bits [5:3] (MTRR type numbering).
 * @ept.ipat: ignore-PAT, bit 6.
 * @npt: AMD NPT leaf fields.
 * @npt.pat_index: host PAT entry selected by PAT/PCD/PWT (Linux's host PAT
 *	layout: 0 WB, 1 WC, 2 UC-, 3 UC).
 * @npt.host_type: &enum kvm_memtype of that host PAT entry.
 */
struct kvm_memattr_enc {
	union {
		struct {
			u8 memattr;
			bool xn;
		} s2;
		struct {
			u8 memtype;
			bool ipat;
		} ept;
		struct {
			u8 pat_index;
			u8 host_type;
		} npt;
	};
};

/**
 * struct kvm_memattr_ops - A translation format: its policy and its backend.
 * @arch: &enum kvm_memattr_arch.
 * @name: "arm64", "x86-ept" or "x86-npt".
 * @resolve: the core's policy for this format.
 * @encode: write @d into @enc. Returns 0, or -EINVAL if the format cannot
 *	express @d (a policy bug, never a guest-controlled condition).
 * @decode: recover the installed memtype and the KVM_MEMATTR_F_* flags
 *	from @enc, the inverse of @encode; @reason and @refuse are left 0.
 *	Returns 0, or -EINVAL for a reserved encoding.
 *
 * The kernel writes its page tables through the same functions the tests
 * and tools check: arm64 encodes each stage-2 mapping through
 * kvm_memattr_s2_ops, x86's memory-type hooks call the functions the EPT
 * and NPT tables point to.
 */
struct kvm_memattr_ops {
	enum kvm_memattr_arch arch;
	const char *name;
	struct kvm_memattr_decision (*resolve)(union kvm_memattr_facts f);
	int (*encode)(struct kvm_memattr_decision d, union kvm_memattr_facts f,
		      struct kvm_memattr_enc *enc);
	int (*decode)(const struct kvm_memattr_enc *enc,
		      union kvm_memattr_facts f, struct kvm_memattr_decision *d);
};

/*
 * The policies. Each reads only the facts that matter to its format and
 * is total: every value of @f yields a decision or a refusal.
 */
struct kvm_memattr_decision kvm_memattr_resolve_s2(union kvm_memattr_facts f);
struct kvm_memattr_decision kvm_memattr_resolve_ept(union kvm_memattr_facts f);
struct kvm_memattr_decision kvm_memattr_resolve_npt(union kvm_memattr_facts f);

/**
 * enum kvm_memattr_bar_class - How a provider exposes a device memory range.
 * @KVM_MEMATTR_CLASS_DEVICE: host Device mapping, no Normal-NC: stage-2
 *	Device-nGnRE.
 * @KVM_MEMATTR_CLASS_NORMAL_NC: host Device mapping plus
 *	VM_ALLOW_ANY_UNCACHED: stage-2 Normal-NC.
 * @KVM_MEMATTR_CLASS_CACHEABLE: host cacheable mapping of coherent device
 *	memory: stage-2 Normal-WB.
 * @KVM_MEMATTR_CLASS_DEVICE_EXACT: host Device-nGnRnE mapping plus
 *	VM_EXACT_MEMTYPE, for a device intolerant of mismatched aliases:
 *	stage-2 Device-nGnRnE, forced.
 * @KVM_MEMATTR_CLASS_NR: number of classes.
 */
enum kvm_memattr_bar_class {
	KVM_MEMATTR_CLASS_DEVICE,
	KVM_MEMATTR_CLASS_NORMAL_NC,
	KVM_MEMATTR_CLASS_CACHEABLE,
	KVM_MEMATTR_CLASS_DEVICE_EXACT,
	KVM_MEMATTR_CLASS_NR,
};

/**
 * enum kvm_memattr_tolerance - What the device quirk table says.
 * @KVM_MEMATTR_TOL_DEFAULT: no entry: prefetchable means tolerant.
 * @KVM_MEMATTR_TOL_TOLERANT: tolerates Normal-NC/WC aliases on every
 *	memory BAR.
 * @KVM_MEMATTR_TOL_INTOLERANT: must be mapped Device on every memory BAR.
 * @KVM_MEMATTR_TOL_MISMATCH_INTOLERANT: tolerates no mapping of another
 *	memory type than the host's on any memory BAR (nor Normal-NC).
 * @KVM_MEMATTR_TOL_NR: number of values.
 */
enum kvm_memattr_tolerance {
	KVM_MEMATTR_TOL_DEFAULT,
	KVM_MEMATTR_TOL_TOLERANT,
	KVM_MEMATTR_TOL_INTOLERANT,
	KVM_MEMATTR_TOL_MISMATCH_INTOLERANT,
	KVM_MEMATTR_TOL_NR,
};

/**
 * enum kvm_memattr_override - Administrator's choice for one BAR.
 * @KVM_MEMATTR_OVR_AUTO: classify from the facts.
 * @KVM_MEMATTR_OVR_DEVICE: always Device.
 * @KVM_MEMATTR_OVR_NORMAL_NC: Normal-NC; refused where unsafe.
 * @KVM_MEMATTR_OVR_DEVICE_EXACT: the device tolerates no alias of another
 *	memory type: the host's own type, forced.
 * @KVM_MEMATTR_OVR_NR: number of values.
 *
 * There is no cacheable override: only a provider that knows the memory
 * is coherent, and maps it cacheable itself, can say so.
 */
enum kvm_memattr_override {
	KVM_MEMATTR_OVR_AUTO,
	KVM_MEMATTR_OVR_DEVICE,
	KVM_MEMATTR_OVR_NORMAL_NC,
	KVM_MEMATTR_OVR_DEVICE_EXACT,
	KVM_MEMATTR_OVR_NR,
};

/**
 * struct kvm_memattr_bar_facts - What a provider knows about one BAR.
 * @arch: &enum kvm_memattr_arch of the host.
 * @prefetchable: the BAR is prefetchable: reads have no side effects and
 *	writes may be merged, which is what Normal-NC permits.
 * @tolerance: &enum kvm_memattr_tolerance from the quirk table.
 * @override: &enum kvm_memattr_override from the administrator.
 * @contained: the platform guarantees that no access through a Normal-NC
 *	mapping can cause an uncontained failure (system-wide setting).
 */
struct kvm_memattr_bar_facts {
	u8 arch;
	u8 prefetchable:1;
	u8 tolerance:2;
	u8 override:2;
	u8 contained:1;
};

/**
 * struct kvm_memattr_bar_decision - The class of one BAR.
 * @class: &enum kvm_memattr_bar_class.
 * @reason: &enum kvm_memattr_reason.
 * @refuse: 0, or the positive errno refusing the override.
 */
struct kvm_memattr_bar_decision {
	u8 class;
	u8 reason;
	u8 refuse;
};

struct kvm_memattr_bar_decision
kvm_memattr_classify_bar(struct kvm_memattr_bar_facts f);

/**
 * kvm_memattr_facts_from_class() - Facts a BAR of class @class presents.
 * @class: &enum kvm_memattr_bar_class.
 *
 * Return: the @host, @nc_allowed and @exact facts the provider's VMA
 * carries for @class, with @backing set to KVM_MEMATTR_MMIO. Used by tools and tests to
 * chain kvm_memattr_classify_bar() into the mapping policies exactly as the
 * VMA carries the class from vfio-pci to KVM.
 */
union kvm_memattr_facts kvm_memattr_facts_from_class(u8 class);

const char *kvm_memtype_name(enum kvm_memattr_arch arch, u8 type);
const char *kvm_memattr_reason_name(u8 reason);
const char *kvm_memattr_reason_text(u8 reason);
const char *kvm_memattr_class_name(u8 class);
const char *kvm_memattr_override_name(u8 override);

/**
 * kvm_memattr_parse_override() - Parse an administrator's override.
 * @buf: "auto", "device", "normal-nc" or "device-exact", optionally
 *	followed by a newline.
 *
 * Return: an &enum kvm_memattr_override, or -EINVAL.
 */
int kvm_memattr_parse_override(const char *buf);

/* The backends; the kernel builds only its own architecture's. */
extern const struct kvm_memattr_ops kvm_memattr_s2_ops;
extern const struct kvm_memattr_ops kvm_memattr_ept_ops;
extern const struct kvm_memattr_ops kvm_memattr_npt_ops;

#endif /* __LINUX_KVM_MEMATTR_H */
