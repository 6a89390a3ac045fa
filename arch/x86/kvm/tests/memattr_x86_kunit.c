// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the x86 side of the memory-attribute core: the EPT policy
 * against 6.12.117 on every input, the NPT leaf bits, and the guest MTRR
 * state and zap rules of KVM_CAP_X86_HONOR_GUEST_MTRRS. The userspace
 * harness in tools/testing/selftests/memattr runs the same checks.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <asm/msr.h>
#include <asm/mtrr.h>
#include <asm/pgtable_types.h>
#include <asm/vmx.h>

#include "../memattr.h"
#include "memattr_x86_check.h"

#define MEMATTR_X86_CHECK(name)						\
static void name##_test(struct kunit *test)				\
{									\
	char *err = kunit_kzalloc(test, MEMATTR_X86_ERR_LEN, GFP_KERNEL); \
									\
	KUNIT_ASSERT_NOT_NULL(test, err);				\
	if (memattr_x86_check_##name(err, MEMATTR_X86_ERR_LEN))	\
		KUNIT_FAIL(test, "%s", err);				\
}

MEMATTR_X86_CHECK(ept_6_12)
MEMATTR_X86_CHECK(ranges)
MEMATTR_X86_CHECK(mtrr_types)
MEMATTR_X86_CHECK(mtrr_diffs)
MEMATTR_X86_CHECK(seed002)
MEMATTR_X86_CHECK(boot)
MEMATTR_X86_CHECK(nc_dma)

/* The type a 4K leaf's PCD and PWT select in a host PAT. */
static unsigned int pat_type(u64 pat, u8 bits)
{
	unsigned int i = (bits & _PAGE_PWT ? 1 : 0) | (bits & _PAGE_PCD ? 2 : 0);

	return (pat >> (8 * i)) & 7;
}

#define PAT_WB		6
#define PAT_UC_MINUS	7
#define PAT_LINUX	0x0407050600070106ULL	/* WB WC UC- UC WB WP UC- WT */

/*
 * The types kvm_amd.host_mmio_uc_minus gives NPT leaves, read through this
 * host's IA32_PAT as the hardware reads them: WB for RAM, UC- for host
 * MMIO. A host PAT without those types must not be accepted.
 */
static void npt_bits_test(struct kunit *test)
{
	u64 pat;

	KUNIT_ASSERT_EQ(test, rdmsrl_safe(MSR_IA32_CR_PAT, &pat), 0);
	KUNIT_EXPECT_TRUE(test, kvm_memattr_npt_host_pat_ok(pat));
	KUNIT_EXPECT_EQ(test, pat_type(pat, kvm_memattr_npt_mt_mask(NULL, 0, false)),
			PAT_WB);
	KUNIT_EXPECT_EQ(test, pat_type(pat, kvm_memattr_npt_mt_mask(NULL, 0, true)),
			PAT_UC_MINUS);

	KUNIT_EXPECT_TRUE(test, kvm_memattr_npt_host_pat_ok(PAT_LINUX));
	/* Entry 2 UC: a guest WC mapping of a BAR would become UC. */
	KUNIT_EXPECT_FALSE(test, kvm_memattr_npt_host_pat_ok(PAT_LINUX &
							     ~(7ULL << 16)));
	/* Entry 2 WB: host MMIO would be cacheable. */
	KUNIT_EXPECT_FALSE(test, kvm_memattr_npt_host_pat_ok((PAT_LINUX &
							      ~(7ULL << 16)) |
							     (u64)PAT_WB << 16));
}

/* EPT leaf bits 6:3: the memory type and IPAT. */
#define EPT_BITS(type, ipat)						\
	((u8)((type) << VMX_EPT_MT_EPTE_SHIFT | ((ipat) ? VMX_EPT_IPAT_BIT : 0)))

/*
 * A VM that honors its guest MTRRs and has non-coherent DMA, and one vCPU
 * with caches enabled, holding only what vmx_get_mt_mask()'s glue reads:
 * TCG has no VMX to run a real one. @has_mtrr: CPUID.01H:EDX.MTRR.
 */
static struct kvm_vcpu *glue_vcpu(struct kunit *test, bool has_mtrr)
{
	struct kvm_cpuid_entry2 *leaf1;
	struct kvm_vcpu *vcpu;
	struct kvm *kvm;

	kvm = kunit_kzalloc(test, sizeof(*kvm), GFP_KERNEL);
	vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);
	leaf1 = kunit_kzalloc(test, sizeof(*leaf1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kvm);
	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	KUNIT_ASSERT_NOT_NULL(test, leaf1);
	mutex_init(&kvm->lock);
	/* As kvm_arch_init_vm() leaves an Intel VM. */
	kvm->arch.disabled_quirks = KVM_X86_QUIRK_CD_NW_CLEARED;
	KUNIT_ASSERT_EQ(test, kvm_memattr_vm_init(kvm), 0);
	/*
	 * A registered non-coherent device, without the zap that
	 * kvm_arch_register_noncoherent_dma() makes on the first one: this
	 * VM has no MMU.
	 */
	atomic_set(&kvm->arch.noncoherent_dma_count, 1);

	leaf1->function = 1;
	leaf1->edx = has_mtrr ? BIT(X86_FEATURE_MTRR & 31) : 0;
	vcpu->arch.cpuid_entries = leaf1;
	vcpu->arch.cpuid_nent = 1;
	vcpu->kvm = kvm;
	vcpu->arch.maxphyaddr = 46;
	vcpu->arch.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	return vcpu;
}

/*
 * A vCPU's CR0.CD and the committed MTRRs must reach the leaf. VMX never
 * lets the guest's CR0.CD reach the hardware, so with CD set the leaf
 * itself must be UC and ignore the guest PAT, as before 6.11.
 */
static void ept_glue_cr0_cd_test(struct kunit *test)
{
	struct kvm_vcpu *vcpu = glue_vcpu(test, true);

	/* The guest enables its MTRRs, default type WB, caches enabled. */
	vcpu->arch.mtrr_state.deftype = BIT(11) | MTRR_TYPE_WRBACK;
	kvm_memattr_mtrr_written(vcpu, false);
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_WRBACK, false));
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, true),
			EPT_BITS(MTRR_TYPE_UNCACHABLE, false));

	/* The vCPU disables its caches: UC whatever its PAT says. */
	vcpu->arch.cr0 |= X86_CR0_CD;
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_UNCACHABLE, true));

	kvm_memattr_destroy_vm(vcpu->kvm);
}

/*
 * A guest without MTRRs in its CPUID never enables them; its RAM must be
 * WB, as 6.6 made it, while a guest with MTRRs that left them disabled
 * gets the UC of disabled MTRRs.
 */
static void ept_glue_no_mtrr_test(struct kunit *test)
{
	struct kvm_vcpu *vcpu = glue_vcpu(test, false);

	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_WRBACK, false));
	kvm_memattr_destroy_vm(vcpu->kvm);

	vcpu = glue_vcpu(test, true);
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_UNCACHABLE, false));
	kvm_memattr_destroy_vm(vcpu->kvm);
}

static struct kunit_case memattr_x86_cases[] = {
	KUNIT_CASE(ept_6_12_test),
	KUNIT_CASE(npt_bits_test),
	KUNIT_CASE(ept_glue_cr0_cd_test),
	KUNIT_CASE(ept_glue_no_mtrr_test),
	KUNIT_CASE(ranges_test),
	KUNIT_CASE(mtrr_types_test),
	KUNIT_CASE(mtrr_diffs_test),
	KUNIT_CASE(seed002_test),
	KUNIT_CASE_SLOW(boot_test),
	KUNIT_CASE(nc_dma_test),
	{}
};

static struct kunit_suite memattr_x86_suite = {
	.name = "kvm_memattr_x86",
	.test_cases = memattr_x86_cases,
};

kunit_test_suite(memattr_x86_suite);

MODULE_DESCRIPTION("KUnit tests of the x86 memory-attribute policies");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
