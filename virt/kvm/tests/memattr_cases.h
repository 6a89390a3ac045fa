/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named real-world scenarios with the decisions the policies must take.
 * One table, shared by the KUnit suite, the userspace tests and
 * "memattr compare"; the exhaustive sweeps cover everything else.
 */
#ifndef __KVM_MEMATTR_CASES_H
#define __KVM_MEMATTR_CASES_H

#include <linux/kvm_memattr.h>

#include "memattr_sweep.h"

#define MEMATTR_ALL_ARCHES	(BIT(KVM_MEMATTR_ARM64_S2) | \
				 BIT(KVM_MEMATTR_X86_EPT) | \
				 BIT(KVM_MEMATTR_X86_NPT))
#define MEMATTR_ARM64		BIT(KVM_MEMATTR_ARM64_S2)
#define MEMATTR_X86		(BIT(KVM_MEMATTR_X86_EPT) | \
				 BIT(KVM_MEMATTR_X86_NPT))

/* A current Arm server CPU; an Intel CPU with self-snoop; KVM defaults. */
#define ARM64_SERVER		.fwb = 1, .dic = 1
#define X86_CPU			.self_snoop = 1, .guest_mtrr = KVM_MEMTYPE_WB
#define X86_QUIRKS		.ignore_guest_pat = 1, .cd_nw_cleared = 1
#define X86_DEFAULTS		X86_CPU, X86_QUIRKS, .host_mtrr = KVM_MEMTYPE_WB
#define X86_MMIO		.backing = KVM_MEMATTR_MMIO, X86_CPU, X86_QUIRKS

#define EXPECT(t, r, e)		{ .type = KVM_MEMTYPE_##t, \
				  .reason = KVM_MEMATTR_R_##r, \
				  .effective = KVM_MEMTYPE_##e }
#define EXPECT_REFUSE(r, err)	{ .type = KVM_MEMTYPE_NR, \
				  .reason = KVM_MEMATTR_R_##r, .refuse = err }

static const struct memattr_case memattr_cases[] = {
	{
		.name = "guest-ram",
		.what = "guest RAM, the guest maps it write-back",
		.arches = MEMATTR_ALL_ARCHES,
		.arm64 = { ARM64_SERVER },
		.x86 = { X86_DEFAULTS },
		.guest_arm64 = KVM_MEMTYPE_WB, .guest_x86 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(WB, RAM_FORCED_WB, WB),
			[KVM_MEMATTR_X86_EPT] = EXPECT(WB, EPT_IGNORE_PAT, WB),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, WB),
		},
	},
	{
		.name = "guest-ram-nofwb-nc",
		.what = "guest RAM on a CPU without FWB, guest maps a buffer Normal-NC",
		.arches = MEMATTR_ARM64,
		.arm64 = { .dic = 1 },
		.guest_arm64 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(WB, RAM_WB, WC),
		},
	},
	{
		.name = "nc-dma-buffer",
		.what = "RAM in a VM with non-coherent DMA, guest maps its DMA buffer UC",
		.arches = MEMATTR_X86,
		.x86 = { X86_DEFAULTS, .nc_dma = 1 },
		.guest_x86 = KVM_MEMTYPE_UC,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(WB, EPT_NC_DMA, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, UC),
		},
	},
	{
		.name = "vfio-bar-prefetchable",
		.what = "VFIO prefetchable BAR (GPU VRAM, NIC WC doorbells), guest maps it WC",
		.arches = MEMATTR_ALL_ARCHES,
		.has_bar = true,
		.bar = { .prefetchable = 1, .contained = 1 },
		.arm64 = { ARM64_SERVER },
		.x86 = { X86_MMIO, .host_mtrr = KVM_MEMTYPE_UC },
		.guest_arm64 = KVM_MEMTYPE_WC, .guest_x86 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(WC, DEV_NORMAL_NC, WC),
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_MMIO, WC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(UC_MINUS, NPT_MMIO, WC),
		},
	},
	{
		.name = "vfio-bar-registers",
		.what = "VFIO non-prefetchable register BAR, guest maps it Device/UC",
		.arches = MEMATTR_ALL_ARCHES,
		.has_bar = true,
		.bar = { .contained = 1 },
		.arm64 = { ARM64_SERVER },
		.x86 = { X86_MMIO, .host_mtrr = KVM_MEMTYPE_UC },
		.guest_arm64 = KVM_MEMTYPE_DEVICE_nGnRE,
		.guest_x86 = KVM_MEMTYPE_UC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(DEVICE_nGnRE, DEV_DEVICE,
							DEVICE_nGnRE),
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_MMIO, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(UC_MINUS, NPT_MMIO, UC),
		},
	},
	{
		.name = "registers-guest-wc",
		.what = "register BAR the guest maps write-combining (buggy or hostile guest)",
		.arches = MEMATTR_ALL_ARCHES,
		.has_bar = true,
		.bar = { .contained = 1 },
		.arm64 = { ARM64_SERVER },
		.x86 = { X86_MMIO, .host_mtrr = KVM_MEMTYPE_UC },
		.guest_arm64 = KVM_MEMTYPE_WC, .guest_x86 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(DEVICE_nGnRE, DEV_DEVICE,
							DEVICE_nGnRE),
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_MMIO, WC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(UC_MINUS, NPT_MMIO, WC),
		},
	},
	{
		.name = "bar-not-contained",
		.what = "prefetchable BAR on a platform without Normal-NC containment",
		.arches = MEMATTR_ARM64,
		.has_bar = true,
		.bar = { .prefetchable = 1 },
		.arm64 = { ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(DEVICE_nGnRE, DEV_DEVICE,
							DEVICE_nGnRE),
		},
	},
	{
		.name = "doorbell-override-nc",
		.what = "NIC doorbells in a non-prefetchable BAR, administrator sets normal-nc",
		.arches = MEMATTR_ARM64,
		.has_bar = true,
		.bar = { .override = KVM_MEMATTR_OVR_NORMAL_NC, .contained = 1 },
		.arm64 = { ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(WC, DEV_NORMAL_NC, WC),
		},
	},
	{
		.name = "intolerant-override-nc",
		.what = "administrator asks normal-nc for a device listed as intolerant",
		.arches = MEMATTR_ARM64,
		.has_bar = true,
		.bar = { .prefetchable = 1,
			 .tolerance = KVM_MEMATTR_TOL_INTOLERANT,
			 .override = KVM_MEMATTR_OVR_NORMAL_NC, .contained = 1 },
		.arm64 = { ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT_REFUSE(REFUSE_INTOLERANT,
							       EINVAL),
		},
	},
	{
		.name = "grace-coherent-devmem",
		.what = "coherent device memory the host maps cacheable (Grace-style GPU memory)",
		.arches = MEMATTR_ARM64,
		.arm64 = { .backing = KVM_MEMATTR_MMIO,
			   .host = KVM_MEMATTR_HOST_WB, ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(WB, DEV_CACHEABLE, WB),
		},
	},
	{
		.name = "grace-coherent-nofwb",
		.what = "the same coherent device memory on a CPU without FEAT_S2FWB",
		.arches = MEMATTR_ARM64,
		.arm64 = { .backing = KVM_MEMATTR_MMIO,
			   .host = KVM_MEMATTR_HOST_WB, .dic = 1 },
		.guest_arm64 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT_REFUSE(REFUSE_NO_FWB,
							       EINVAL),
		},
	},
	{
		.name = "grace-coherent-mte",
		.what = "the same coherent device memory in a VM that uses MTE",
		.arches = MEMATTR_ARM64,
		.arm64 = { .backing = KVM_MEMATTR_MMIO,
			   .host = KVM_MEMATTR_HOST_WB, .mte = 1, ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT_REFUSE(REFUSE_MTE,
							       EINVAL),
		},
	},
	{
		.name = "bar-mismatch-intolerant",
		.what = "BAR of a device intolerant of alias mismatches, guest maps it Normal-NC",
		.arches = MEMATTR_ARM64,
		.has_bar = true,
		.bar = { .prefetchable = 1, .contained = 1,
			 .tolerance = KVM_MEMATTR_TOL_MISMATCH_INTOLERANT },
		.arm64 = { ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WC,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT(DEVICE_nGnRnE, DEV_EXACT,
							DEVICE_nGnRnE),
		},
	},
	{
		.name = "exact-host-ngnre",
		.what = "device memory intolerant of aliases, host maps it Device-nGnRE",
		.arches = MEMATTR_ARM64,
		.arm64 = { .backing = KVM_MEMATTR_MMIO,
			   .host = KVM_MEMATTR_HOST_DEVICE, .exact = 1,
			   ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_DEVICE_nGnRE,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT_REFUSE(REFUSE_NOT_EXACT,
							       EINVAL),
		},
	},
	{
		.name = "exec-from-bar",
		.what = "guest instruction fetch from a Normal-NC BAR",
		.arches = MEMATTR_ARM64,
		.arm64 = { .backing = KVM_MEMATTR_MMIO, .nc_allowed = 1,
			   .exec = 1, ARM64_SERVER },
		.guest_arm64 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_ARM64_S2] = EXPECT_REFUSE(REFUSE_EXEC,
							       ENOEXEC),
		},
	},
	{
		.name = "devmem-vga-hole",
		.what = "/dev/mem legacy VGA hole that kvm_is_mmio_pfn() takes for RAM (dosemu2)",
		.arches = MEMATTR_X86,
		.x86 = { X86_CPU, X86_QUIRKS, .host_mtrr = KVM_MEMTYPE_UC },
		.guest_x86 = KVM_MEMTYPE_UC,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(WB, EPT_IGNORE_PAT, WB),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, UC),
		},
	},
	{
		.name = "devmem-vga-hole-quirk-off",
		.what = "the same with IGNORE_GUEST_PAT disabled by the VMM",
		.arches = MEMATTR_X86,
		.x86 = { X86_CPU, .cd_nw_cleared = 1,
			 .host_mtrr = KVM_MEMTYPE_UC },
		.guest_x86 = KVM_MEMTYPE_UC,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(WB, EPT_GUEST_PAT, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, UC),
		},
	},
	{
		.name = "bochs-vram-uc-minus",
		.what = "bochs VRAM (QEMU RAM) the guest maps UC-, quirk on (2024 regression)",
		.arches = MEMATTR_X86,
		.x86 = { X86_DEFAULTS },
		.guest_x86 = KVM_MEMTYPE_UC_MINUS,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(WB, EPT_IGNORE_PAT, WB),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, UC),
		},
	},
	{
		.name = "cr0-cd-quirk",
		.what = "guest CR0.CD=1 honoring MTRRs, non-coherent DMA, CD_NW_CLEARED on (AMD)",
		.arches = MEMATTR_X86,
		.x86 = { X86_DEFAULTS, .nc_dma = 1, .honor_guest_mtrr = 1,
			 .cr0_cd = 1 },
		.guest_x86 = KVM_MEMTYPE_UC,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_CD_UC, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, UC),
		},
	},
	{
		.name = "cr0-cd-no-quirk",
		.what = "guest CR0.CD=1 honoring MTRRs with non-coherent DMA, CD_NW_CLEARED off",
		.arches = MEMATTR_X86,
		.x86 = { X86_CPU, .ignore_guest_pat = 1, .nc_dma = 1,
			 .honor_guest_mtrr = 1, .cr0_cd = 1,
			 .host_mtrr = KVM_MEMTYPE_WB },
		.guest_x86 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_CD_UC, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, UC),
		},
	},
	{
		.name = "guest-mtrr-uc",
		.what = "RAM the guest's MTRRs make UC, VM with non-coherent DMA honoring MTRRs",
		.arches = MEMATTR_X86,
		.x86 = { .self_snoop = 1, X86_QUIRKS, .nc_dma = 1,
			 .honor_guest_mtrr = 1, .guest_mtrr = KVM_MEMTYPE_UC,
			 .host_mtrr = KVM_MEMTYPE_WB },
		.guest_x86 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_GUEST_MTRR, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(WB, NPT_RAM, WB),
		},
	},
	{
		.name = "mmio-under-wb-mtrr",
		.what = "BAR in a range the host firmware left WB in the MTRRs, guest maps it WB",
		.arches = MEMATTR_X86,
		.x86 = { X86_MMIO, .host_mtrr = KVM_MEMTYPE_WB },
		.guest_x86 = KVM_MEMTYPE_WB,
		.expect = {
			[KVM_MEMATTR_X86_EPT] = EXPECT(UC, EPT_MMIO, UC),
			[KVM_MEMATTR_X86_NPT] = EXPECT(UC_MINUS, NPT_MMIO, UC),
		},
	},
};

#undef ARM64_SERVER
#undef X86_CPU
#undef X86_QUIRKS
#undef X86_DEFAULTS
#undef X86_MMIO
#undef EXPECT
#undef EXPECT_REFUSE

#endif /* __KVM_MEMATTR_CASES_H */
