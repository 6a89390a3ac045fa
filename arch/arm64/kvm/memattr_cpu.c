// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the arm64 CPU offers the memory-attribute core: FEAT_S2FWB and
 * CTR_EL0.DIC decide whether stage 2 can map device memory cacheable.
 */
#include <linux/cpufeature.h>
#include <linux/kvm_memattr.h>

#include <asm/kvm_mmu.h>

/*
 * KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED: whether the policy maps device
 * memory the host maps cacheable, rather than refusing it, on this CPU.
 * A VM that uses MTE refuses such memory all the same.
 */
bool kvm_memattr_cacheable_pfnmap_supported(void)
{
	union kvm_memattr_facts f = {
		.backing = KVM_MEMATTR_MMIO,
		.host = KVM_MEMATTR_HOST_WB,
		.fwb = cpus_have_final_cap(ARM64_HAS_STAGE2_FWB),
		.dic = cpus_have_final_cap(ARM64_HAS_CACHE_DIC),
	};

	return !kvm_memattr_resolve_s2(f).refuse;
}
