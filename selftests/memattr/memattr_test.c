// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of the memory-attribute core: the named scenarios, the
 * exhaustive sweep of every backend against the architecture models and
 * the safety invariants, totality over every facts word, and the parsers.
 * Prints TAP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/kvm_memattr.h>

#include "memattr_cases.h"
#include "memattr_model.h"
#include "memattr_sweep.h"
#include "memattr_x86_check.h"

static int nr_tests, nr_failed;

static void result(bool ok, const char *fmt, const char *name, const char *arch)
{
	nr_tests++;
	if (!ok)
		nr_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", nr_tests);
	printf(fmt, name, arch);
	printf("\n");
}

static bool run_case(const struct memattr_case *c, enum kvm_memattr_arch arch)
{
	const struct memattr_expect *e = &c->expect[arch];
	struct memattr_row row;
	char buf[512];

	if (memattr_case_check(c, arch, &row))
		return true;
	memattr_row_format(buf, sizeof(buf), &row);
	printf("# %s: expected type=%s reason=%s refuse=%d eff=%s\n#   got %s\n",
	       c->name, kvm_memtype_name(arch, e->type),
	       kvm_memattr_reason_name(e->reason), e->refuse,
	       kvm_memtype_name(arch, e->effective), buf);
	return false;
}

struct sweep_stats {
	unsigned long rows, violations, refused;
};

static int check_one(const struct memattr_row *row, void *arg)
{
	struct sweep_stats *st = arg;
	const char *bad = memattr_check_row(row);
	char buf[512];

	st->rows++;
	if (row->d.refuse)
		st->refused++;
	if (bad) {
		if (st->violations++ < 10) {
			memattr_row_format(buf, sizeof(buf), row);
			printf("# violation %s: %s\n", bad, buf);
		}
	}
	return 0;
}

/*
 * Every facts word, including the facts a format ignores and values no
 * caller produces, must yield a refusal or an encodable decision.
 */
static bool check_totality(enum kvm_memattr_arch arch)
{
	const struct kvm_memattr_ops *ops = memattr_ops(arch);
	union kvm_memattr_facts unused = { .unused = 1 };
	unsigned long bad = 0;
	u32 w;

	if (unused.word != KVM_MEMATTR_FACTS_LIMIT) {
		printf("# KVM_MEMATTR_FACTS_LIMIT %#lx, first unused fact bit %#x\n",
		       (unsigned long)KVM_MEMATTR_FACTS_LIMIT, unused.word);
		return false;
	}
	for (w = 0; w < KVM_MEMATTR_FACTS_LIMIT; w++) {
		union kvm_memattr_facts f = { .word = w };
		struct kvm_memattr_decision d = ops->resolve(f);
		struct kvm_memattr_enc enc;

		if (d.refuse ? d.type != KVM_MEMTYPE_NR :
			       ops->encode(d, f, &enc)) {
			if (bad++ < 5)
				printf("# %s: facts %#x -> type %u refuse %u not encodable\n",
				       ops->name, w, d.type, d.refuse);
		}
	}
	return !bad;
}

static bool check_classify_totality(void)
{
	unsigned int arch, bits;
	unsigned long bad = 0;

	for (arch = 0; arch < KVM_MEMATTR_NR_ARCH + 1; arch++) {
		for (bits = 0; bits < 256; bits++) {
			struct kvm_memattr_bar_facts f;
			struct kvm_memattr_bar_decision d;

			memcpy((u8 *)&f + 1, &bits, 1);
			f.arch = arch;
			d = kvm_memattr_classify_bar(f);
			if (d.refuse ? d.class != KVM_MEMATTR_CLASS_NR :
				       d.class >= KVM_MEMATTR_CLASS_NR)
				bad++;
			if (arch >= KVM_MEMATTR_NR_ARCH && !d.refuse)
				bad++;
		}
	}
	return !bad;
}

static bool check_parse(void)
{
	static const struct {
		const char *in;
		int out;
	} t[] = {
		{ "auto", KVM_MEMATTR_OVR_AUTO },
		{ "auto\n", KVM_MEMATTR_OVR_AUTO },
		{ "device", KVM_MEMATTR_OVR_DEVICE },
		{ "normal-nc\n", KVM_MEMATTR_OVR_NORMAL_NC },
		{ "cacheable", -EINVAL },
		{ "", -EINVAL },
		{ "\n", -EINVAL },
		{ "Auto", -EINVAL },
		{ "device ", -EINVAL },
		{ "normal_nc", -EINVAL },
		{ "normal", -EINVAL },
		{ "cacheable\n\n", -EINVAL },
		{ "devices", -EINVAL },
	};
	bool ok = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		int r = kvm_memattr_parse_override(t[i].in);

		if (r != t[i].out) {
			printf("# parse \"%s\" -> %d, expected %d\n", t[i].in, r,
			       t[i].out);
			ok = false;
		}
	}
	return ok;
}

static bool check_names(void)
{
	bool ok = true;
	int i;

	for (i = 0; i < KVM_MEMATTR_R_NR; i++) {
		if (!strcmp(kvm_memattr_reason_name(i), "?") ||
		    !strcmp(kvm_memattr_reason_text(i), "?")) {
			printf("# reason %d has no name\n", i);
			ok = false;
		}
	}
	for (i = 0; i < KVM_MEMATTR_OVR_NR; i++)
		if (kvm_memattr_parse_override(kvm_memattr_override_name(i)) != i)
			ok = false;
	return ok && !strcmp(kvm_memtype_name(KVM_MEMATTR_ARM64_S2,
					      KVM_MEMTYPE_WC), "Normal-NC") &&
	       !strcmp(kvm_memtype_name(KVM_MEMATTR_X86_EPT, KVM_MEMTYPE_WC),
		       "WC") &&
	       !strcmp(kvm_memtype_name(KVM_MEMATTR_X86_EPT,
					KVM_MEMTYPE_DEVICE_nGnRE), "?");
}

static const struct {
	const char *name;
	int (*fn)(char *err, int len);
} x86_checks[] = {
	{ "EPT matches 6.12.117 on every input", memattr_x86_check_ept_6_12 },
	{ "gfn range sets", memattr_x86_check_ranges },
	{ "MTRR types against the SDM model", memattr_x86_check_mtrr_types },
	{ "MTRR diffs are exact", memattr_x86_check_mtrr_diffs },
	{ "seed 002's five steps zap the reprogrammed range",
	  memattr_x86_check_seed002 },
	{ "boot zaps independent of the vCPU count, only non-WB",
	  memattr_x86_check_boot },
	{ "non-coherent DMA arriving late or leaving loses no zap",
	  memattr_x86_check_nc_dma },
};

int main(void)
{
	unsigned int i, arch;

	printf("TAP version 13\n");

	for (i = 0; i < ARRAY_SIZE(memattr_cases); i++) {
		const struct memattr_case *c = &memattr_cases[i];

		for (arch = 0; arch < KVM_MEMATTR_NR_ARCH; arch++)
			if (c->arches & BIT(arch))
				result(run_case(c, arch), "case %s on %s",
				       c->name, memattr_ops(arch)->name);
	}

	for (arch = 0; arch < KVM_MEMATTR_NR_ARCH; arch++) {
		struct sweep_stats st = { 0 };
		char name[96];

		memattr_sweep(arch, check_one, &st);
		snprintf(name, sizeof(name), "%s: %lu rows, %lu refused",
			 memattr_ops(arch)->name, st.rows, st.refused);
		result(st.rows && !st.violations,
		       "sweep %s against the architecture model and invariants%s",
		       name, "");
		result(check_totality(arch), "every facts word resolves on %s%s",
		       memattr_ops(arch)->name, "");
	}

	result(check_classify_totality(), "BAR classification is total%s%s",
	       "", "");
	result(check_parse(), "override parser%s%s", "", "");
	result(check_names(), "names of reasons, overrides, memtypes%s%s", "",
	       "");

	for (i = 0; i < ARRAY_SIZE(x86_checks); i++) {
		char err[MEMATTR_X86_ERR_LEN] = "";
		bool ok = !x86_checks[i].fn(err, sizeof(err));

		if (!ok)
			printf("# %s\n", err);
		result(ok, "x86: %s%s", x86_checks[i].name, "");
	}

	printf("1..%d\n", nr_tests);
	printf("# memattr_test: %d passed, %d failed\n", nr_tests - nr_failed,
	       nr_failed);
	return nr_failed ? 1 : 0;
}
