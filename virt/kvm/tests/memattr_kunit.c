// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the memory-attribute core, on the backends this kernel
 * builds: the named scenarios, the exhaustive sweep against the
 * architecture models and the safety invariants, totality over every facts
 * word, and the override parser. The userspace harness in
 * tools/testing/selftests/memattr runs the same code on all backends.
 */
#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/kvm_memattr.h>
#include <linux/module.h>

#include "memattr_cases.h"
#include "memattr_model.h"
#include "memattr_sweep.h"

struct case_param {
	unsigned int index;
	enum kvm_memattr_arch arch;
};

/* Every (scenario, format) pair this kernel can evaluate. */
static const void *case_gen_params(const void *prev, char *desc)
{
	static struct case_param p;

	if (!prev)
		p = (struct case_param) { .index = 0, .arch = 0 };
	else if (++p.arch == KVM_MEMATTR_NR_ARCH)
		p = (struct case_param) { .index = p.index + 1, .arch = 0 };

	for (; p.index < ARRAY_SIZE(memattr_cases); p.index++, p.arch = 0) {
		for (; p.arch < KVM_MEMATTR_NR_ARCH; p.arch++) {
			const struct memattr_case *c = &memattr_cases[p.index];

			if (!(c->arches & BIT(p.arch)) || !memattr_ops(p.arch))
				continue;
			snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s on %s",
				 c->name, memattr_ops(p.arch)->name);
			return &p;
		}
	}
	return NULL;
}

static void memattr_test_case(struct kunit *test)
{
	const struct case_param *p = test->param_value;
	const struct memattr_case *c = &memattr_cases[p->index];
	const struct memattr_expect *e = &c->expect[p->arch];
	struct memattr_row row;
	char *buf;

	if (memattr_case_check(c, p->arch, &row))
		return;
	buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memattr_row_format(buf, 512, &row);
	KUNIT_FAIL(test, "%s: expected type=%s reason=%s refuse=%d eff=%s, got %s",
		   c->name, kvm_memtype_name(p->arch, e->type),
		   kvm_memattr_reason_name(e->reason), e->refuse,
		   kvm_memtype_name(p->arch, e->effective), buf);
}

struct sweep_ctx {
	struct kunit *test;
	unsigned long rows, violations;
	char buf[512];
};

static int sweep_check(const struct memattr_row *row, void *arg)
{
	struct sweep_ctx *ctx = arg;
	const char *bad = memattr_check_row(row);

	ctx->rows++;
	if (bad && ctx->violations++ < 10) {
		memattr_row_format(ctx->buf, sizeof(ctx->buf), row);
		KUNIT_FAIL(ctx->test, "%s: %s", bad, ctx->buf);
	}
	return 0;
}

static void memattr_test_sweep(struct kunit *test)
{
	struct sweep_ctx *ctx;
	int arch, swept = 0;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;

	for (arch = 0; arch < KVM_MEMATTR_NR_ARCH; arch++) {
		if (!memattr_ops(arch))
			continue;
		ctx->rows = 0;
		KUNIT_EXPECT_EQ(test, memattr_sweep(arch, sweep_check, ctx), 0);
		KUNIT_EXPECT_GT(test, ctx->rows, 0UL);
		kunit_info(test, "%s: %lu rows\n", memattr_ops(arch)->name,
			   ctx->rows);
		swept++;
	}
	KUNIT_EXPECT_GT(test, swept, 0);
	KUNIT_EXPECT_EQ(test, ctx->violations, 0UL);
}

/* Facts the callers never produce must still be refused or encodable. */
static void memattr_test_totality(struct kunit *test)
{
	unsigned long bad = 0;
	int arch;
	u32 w;

	for (arch = 0; arch < KVM_MEMATTR_NR_ARCH; arch++) {
		const struct kvm_memattr_ops *ops = memattr_ops(arch);

		if (!ops)
			continue;
		for (w = 0; w < KVM_MEMATTR_FACTS_LIMIT; w++) {
			union kvm_memattr_facts f = { .word = w };
			struct kvm_memattr_decision d = ops->resolve(f);
			struct kvm_memattr_enc enc;

			if (d.refuse ? d.type != KVM_MEMTYPE_NR :
				       ops->encode(d, f, &enc)) {
				if (bad++ < 5)
					KUNIT_FAIL(test, "%s: facts %#x -> type %u refuse %u",
						   ops->name, w, d.type,
						   d.refuse);
			}
		}
	}
}

static void memattr_test_parse(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("auto\n"),
			KVM_MEMATTR_OVR_AUTO);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("device"),
			KVM_MEMATTR_OVR_DEVICE);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("normal-nc\n"),
			KVM_MEMATTR_OVR_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("cacheable"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("normal_nc"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("device "), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_memattr_parse_override("auto\n\n"), -EINVAL);
}

static struct kunit_case memattr_test_cases[] = {
	KUNIT_CASE_PARAM(memattr_test_case, case_gen_params),
	KUNIT_CASE(memattr_test_sweep),
	KUNIT_CASE(memattr_test_totality),
	KUNIT_CASE(memattr_test_parse),
	{}
};

static struct kunit_suite memattr_test_suite = {
	.name = "kvm_memattr",
	.test_cases = memattr_test_cases,
};

kunit_test_suite(memattr_test_suite);

MODULE_DESCRIPTION("KUnit tests for the KVM memory-attribute core");
MODULE_LICENSE("GPL");
