/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of the x86 side of the memory-attribute core, shared by the KUnit
 * suite (memattr_x86_kunit.c), the userspace tests, the fuzzer and the
 * zap-cost benchmark (tools/testing/selftests/memattr). Each check returns
 * 0, or -1 with what failed, input included, in @err.
 */
#ifndef __KVM_X86_MEMATTR_CHECK_H
#define __KVM_X86_MEMATTR_CHECK_H

#include <linux/kvm_memattr.h>

#include "../memattr_mtrr.h"

#define MEMATTR_X86_ERR_LEN	256

int memattr_x86_check_ept_6_12(char *err, int len);
int memattr_x86_check_ranges(char *err, int len);
int memattr_x86_check_mtrr_types(char *err, int len);
int memattr_x86_check_mtrr_diffs(char *err, int len);
int memattr_x86_check_seed002(char *err, int len);
int memattr_x86_check_boot(char *err, int len);
int memattr_x86_check_nc_dma(char *err, int len);

/* One MTRR state pair and facts, as the fuzzer builds them. */
int memattr_x86_check_diff(const struct kvm_memattr_mtrrs *a,
			   union kvm_memattr_facts fa,
			   const struct kvm_memattr_mtrrs *b,
			   union kvm_memattr_facts fb, char *err, int len);

/* The OVMF + Linux boot of memattr_boot_replay(). */
enum memattr_boot_policy {
	MEMATTR_BOOT_PER_VM,	/* this series: memattr_mtrr.c */
	MEMATTR_BOOT_6_6,	/* 6.6's per-vCPU update_mtrr() and CR0.CD */
};

struct memattr_boot_stats {
	u64 zap_calls;		/* kvm_zap_gfn_range() calls */
	u64 zap_gfns;		/* frames they cover below 64 GiB */
	u64 zap_gfns_wb;	/* of which the final MTRRs make WB */
	u64 commits;		/* MTRR commits (this series) */
	u64 stale;		/* leaves left not as the final MTRRs say */
};

void memattr_boot_replay(unsigned int nr_vcpus,
			 enum memattr_boot_policy policy,
			 struct memattr_boot_stats *st);

/* Frames below 64 GiB the boot's final MTRRs do not make WB. */
u64 memattr_boot_non_wb_gfns(void);

#endif /* __KVM_X86_MEMATTR_CHECK_H */
