// SPDX-License-Identifier: GPL-2.0
/*
 * Decision-cost benchmark: runs one kind of decision N times, for
 * callgrind to count instructions (scripts/bench-decision.sh). The facts
 * vary with the loop counter so nothing can be hoisted out of the loop.
 *
 *   memattr_bench <path> <iterations>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/kvm_memattr.h>

struct bench_path {
	const char *name;
	const struct kvm_memattr_ops *ops;
	union kvm_memattr_facts facts;
	union kvm_memattr_facts vary;	/* toggled by the loop counter */
};

static const struct bench_path paths[] = {
	{ "arm64-ram", &kvm_memattr_s2_ops,
	  { .backing = KVM_MEMATTR_RAM, .fwb = 1, .dic = 1 }, { .exec = 1 } },
	{ "arm64-device", &kvm_memattr_s2_ops,
	  { .backing = KVM_MEMATTR_MMIO, .fwb = 1, .dic = 1 }, { .nc_allowed = 1 } },
	{ "ept-ram", &kvm_memattr_ept_ops,
	  { .backing = KVM_MEMATTR_RAM, .self_snoop = 1, .ignore_guest_pat = 1 },
	  { .nc_dma = 1 } },
	{ "ept-mmio", &kvm_memattr_ept_ops,
	  { .backing = KVM_MEMATTR_MMIO, .self_snoop = 1, .ignore_guest_pat = 1 },
	  { .nc_dma = 1 } },
	{ "npt-mmio", &kvm_memattr_npt_ops,
	  { .backing = KVM_MEMATTR_MMIO }, { .cr0_cd = 1 } },
};

/* Kept out of line so callgrind can attribute the loop to one symbol. */
static noinline u32
bench_loop(const struct bench_path *p, long n, bool encode)
{
	struct kvm_memattr_enc enc = { 0 };
	u32 sink = 0;
	long i;

	for (i = 0; i < n; i++) {
		union kvm_memattr_facts f = p->facts;
		struct kvm_memattr_decision d;

		f.word ^= (i & 1) ? p->vary.word : 0;
		d = p->ops->resolve(f);
		if (encode)
			p->ops->encode(d, f, &enc);
		sink += d.type + enc.ept.memtype;
	}
	return sink;
}

int main(int argc, char **argv)
{
	unsigned int i;
	bool encode;
	long n;

	if (argc != 4 || (strcmp(argv[2], "resolve") && strcmp(argv[2], "encode"))) {
		fprintf(stderr, "usage: %s <path> resolve|encode <iterations>\n",
			argv[0]);
		return 2;
	}
	encode = !strcmp(argv[2], "encode");
	n = atol(argv[3]);
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (!strcmp(paths[i].name, argv[1]))
			return bench_loop(&paths[i], n, encode) == 0xdeadbeef;
	fprintf(stderr, "%s: unknown path '%s'\n", argv[0], argv[1]);
	return 2;
}
