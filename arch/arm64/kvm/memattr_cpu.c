// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the arm64 CPU offers the memory-attribute core: FEAT_S2FWB and
 * CTR_EL0.DIC decide whether stage 2 can map device memory cacheable.
 */
#include <linux/cpufeature.h>
#include <linux/kvm_memattr.h>
#include <linux/module.h>

#include <asm/kvm_mmu.h>

/**
 * kvm_memattr_host_facts() - What this CPU offers device-memory providers.
 *
 * Return: facts with @fwb and @dic set as the CPU has FEAT_S2FWB and
 * CTR_EL0.DIC, for vfio-pci to validate a cacheable override against the
 * policy KVM will apply.
 */
union kvm_memattr_facts kvm_memattr_host_facts(void)
{
	return (union kvm_memattr_facts) {
		.fwb = cpus_have_final_cap(ARM64_HAS_STAGE2_FWB),
		.dic = cpus_have_final_cap(ARM64_HAS_CACHE_DIC),
	};
}
EXPORT_SYMBOL_GPL(kvm_memattr_host_facts);

/*
 * KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED: whether the policy maps device
 * memory the host maps cacheable, rather than refusing it, on this CPU.
 */
bool kvm_memattr_cacheable_pfnmap_supported(void)
{
	union kvm_memattr_facts f = kvm_memattr_host_facts();

	f.backing = KVM_MEMATTR_MMIO;
	f.host = KVM_MEMATTR_HOST_WB;
	return !kvm_memattr_resolve_s2(f).refuse;
}
