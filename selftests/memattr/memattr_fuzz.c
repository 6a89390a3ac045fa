// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over every input of the memory-attribute core: facts
 * words (in range or not), BAR facts, guest requests and override strings.
 * Built with ASan and UBSan; any finding, a decision that cannot be encoded
 * or an invariant violation on well-formed facts aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/kvm_memattr.h>

#include "memattr_model.h"
#include "memattr_sweep.h"

static void fail(const char *what, const struct memattr_row *row)
{
	char buf[512];

	memattr_row_format(buf, sizeof(buf), row);
	fprintf(stderr, "memattr_fuzz: %s: %s\n", what, buf);
	abort();
}

static bool guest_valid(const struct memattr_row *row)
{
	const u8 *g = row->arch == KVM_MEMATTR_ARM64_S2 ?
		      memattr_model_guest_arm64 : memattr_model_guest_x86;
	size_t i, n = row->arch == KVM_MEMATTR_ARM64_S2 ?
		      ARRAY_SIZE(memattr_model_guest_arm64) :
		      ARRAY_SIZE(memattr_model_guest_x86);

	for (i = 0; i < n; i++)
		if (g[i] == row->guest)
			return true;
	return false;
}

/* Inputs a sweep of the row's format could have produced, i.e. in range. */
static bool well_formed(const struct memattr_row *row)
{
	union kvm_memattr_facts f = row->facts;

	if (f.unused || f.host > KVM_MEMATTR_HOST_WB || !guest_valid(row))
		return false;
	if (row->provider == MEMATTR_PROVIDER_VFIO &&
	    row->bar.tolerance >= KVM_MEMATTR_TOL_NR)
		return false;
	if (row->arch == KVM_MEMATTR_ARM64_S2)
		return true;
	return (f.guest_mtrr == KVM_MEMTYPE_UC || f.guest_mtrr >= KVM_MEMTYPE_WC) &&
	       f.guest_mtrr < KVM_MEMTYPE_NR &&
	       (f.host_mtrr == KVM_MEMTYPE_UC || f.host_mtrr >= KVM_MEMTYPE_WC) &&
	       f.host_mtrr < KVM_MEMTYPE_NR;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct memattr_row row = { 0 };
	char str[16];
	u32 word;

	if (size < 7)
		return 0;

	memcpy(&word, data, 4);
	row.arch = data[4] % KVM_MEMATTR_NR_ARCH;
	row.facts.word = word;
	row.guest = data[5] % KVM_MEMTYPE_NR;
	if (data[6] & 1) {
		row.provider = MEMATTR_PROVIDER_VFIO;
		memcpy((u8 *)&row.bar + 1, &data[6], 1);
		row.bar.override = (data[6] >> 1) & 3;
	}

	memattr_row_eval(&row);
	if (row.d.refuse ? row.d.type != KVM_MEMTYPE_NR : row.enc_err)
		fail("decision not encodable", &row);

	if (well_formed(&row)) {
		const char *bad = memattr_check_row(&row);

		if (bad)
			fail(bad, &row);
	}

	size = size - 7 < sizeof(str) - 1 ? size - 7 : sizeof(str) - 1;
	memcpy(str, data + 7, size);
	str[size] = 0;
	if (kvm_memattr_parse_override(str) >= KVM_MEMATTR_OVR_NR)
		fail("parser returned an out-of-range override", &row);
	return 0;
}
