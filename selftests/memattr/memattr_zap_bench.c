// SPDX-License-Identifier: GPL-2.0
/*
 * Zap cost of honoring guest MTRRs at guest boot: replays the MTRR and
 * CR0.CD sequence OVMF and then Linux run on every vCPU (the layout of
 * seed 002) through memattr_mtrr.c, and through a model of 6.6's per-vCPU
 * update_mtrr() and CR0.CD zaps, for 1 to 256 vCPUs, and prints the zap
 * calls and the frames they cover. See memattr_boot_replay(). An Intel VM
 * cannot have KVM_X86_QUIRK_CD_NW_CLEARED, so neither model has it.
 */
#include <stdio.h>

#include <linux/array_size.h>
#include <linux/kvm_memattr.h>

#include "memattr_x86_check.h"

int main(void)
{
	static const unsigned int vcpus[] = { 1, 8, 16, 64, 256 };
	struct memattr_boot_stats st, old;
	unsigned int i;

	printf("Zaps per guest boot, OVMF then Linux, non-coherent DMA, guest MTRRs honored\n");
	printf("(frames counted below 64 GiB; %llu of them are not WB)\n\n",
	       (unsigned long long)memattr_boot_non_wb_gfns());
	printf("%5s | %-31s | %-22s\n", "",
	       "this series (one MTRR state)", "6.6 (per-vCPU zaps)");
	printf("%5s | %6s %12s %11s | %6s %15s\n",
	       "vCPUs", "zaps", "frames", "WB frames", "zaps", "frames");
	for (i = 0; i < ARRAY_SIZE(vcpus); i++) {
		memattr_boot_replay(vcpus[i], MEMATTR_BOOT_PER_VM, &st);
		memattr_boot_replay(vcpus[i], MEMATTR_BOOT_6_6, &old);
		printf("%5u | %6llu %12llu %11llu | %6llu %15llu\n", vcpus[i],
		       (unsigned long long)st.zap_calls,
		       (unsigned long long)st.zap_gfns,
		       (unsigned long long)st.zap_gfns_wb,
		       (unsigned long long)old.zap_calls,
		       (unsigned long long)old.zap_gfns);
	}
	return 0;
}
