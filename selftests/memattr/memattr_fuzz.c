// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over every input of the memory-attribute core: facts
 * words (in range or not), BAR facts, guest requests, override strings,
 * and pairs of guest MTRR states whose zap diff must be exact.
 * Built with ASan and UBSan; any finding, a decision that cannot be encoded
 * or an invariant violation on well-formed facts aborts.
 *
 * regressions/ holds inputs it once failed on, replayed before every run:
 * npt-vfio-bar-every-x86-fact sets every x86 fact, out-of-range MTRR types
 * included, on the NPT format for a VFIO BAR, with a one-byte MTRR pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/kvm_memattr.h>

#include "memattr_model.h"
#include "memattr_sweep.h"
#include "memattr_x86_check.h"

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

/*
 * Two MTRR states from the bytes after the facts, zero-filled, and the
 * facts before and after: the diff must hold exactly the frames whose EPT
 * decision differs.
 */
static void fuzz_mtrr_diff(union kvm_memattr_facts f, const u8 *data,
			   size_t size)
{
	struct kvm_memattr_mtrrs m[2] = { 0 };
	union kvm_memattr_facts fb = f;
	char err[MEMATTR_X86_ERR_LEN];
	size_t half = size / 2;

	memcpy(&m[0], data, half < sizeof(m[0]) ? half : sizeof(m[0]));
	memcpy(&m[1], data + half,
	       size - half < sizeof(m[1]) ? size - half : sizeof(m[1]));
	fb.cr0_cd = !f.cr0_cd && (m[1].deftype & 1);
	fb.nc_dma = f.nc_dma ^ !!(m[1].deftype & 2);
	if (memattr_x86_check_diff(&m[0], f, &m[1], fb, err, sizeof(err))) {
		fprintf(stderr, "memattr_fuzz: %s\n", err);
		abort();
	}
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

	fuzz_mtrr_diff(row.facts, data + 7, size - 7);

	size = size - 7 < sizeof(str) - 1 ? size - 7 : sizeof(str) - 1;
	memcpy(str, data + 7, size);
	str[size] = 0;
	if (kvm_memattr_parse_override(str) >= KVM_MEMATTR_OVR_NR)
		fail("parser returned an out-of-range override", &row);
	return 0;
}
