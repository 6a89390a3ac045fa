// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the x86 side of the memory-attribute core: the EPT policy
 * against 6.12.117 on every input, the NPT leaf bits, and the guest MTRR
 * state and zap rules of KVM_CAP_X86_HONOR_GUEST_MTRRS. The userspace
 * harness in tools/testing/selftests/memattr runs the same checks.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <asm/pgtable_types.h>

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

/* The bits svm_get_mt_mask() returns: host PAT entry 0 for RAM, 2 for MMIO. */
static void npt_bits_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kvm_memattr_npt_mt_mask(NULL, 0, false), 0);
	KUNIT_EXPECT_EQ(test, kvm_memattr_npt_mt_mask(NULL, 0, true),
			_PAGE_PCD);
}

static struct kunit_case memattr_x86_cases[] = {
	KUNIT_CASE(ept_6_12_test),
	KUNIT_CASE(npt_bits_test),
	KUNIT_CASE(ranges_test),
	KUNIT_CASE(mtrr_types_test),
	KUNIT_CASE(mtrr_diffs_test),
	KUNIT_CASE(seed002_test),
	KUNIT_CASE_SLOW(boot_test),
	{}
};

static struct kunit_suite memattr_x86_suite = {
	.name = "kvm_memattr_x86",
	.test_cases = memattr_x86_cases,
};

kunit_test_suite(memattr_x86_suite);

MODULE_DESCRIPTION("KUnit tests of the x86 memory-attribute policies");
MODULE_LICENSE("GPL");
