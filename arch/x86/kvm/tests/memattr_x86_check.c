// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of the x86 side of the memory-attribute core; see
 * memattr_x86_check.h. The MTRR type model below follows the SDM
 * (12.11.4.1) by physical address and is written apart from
 * memattr_mtrr.c, which works in frames and edges.
 */
#include <linux/array_size.h>
#include <linux/bits.h>
#include <linux/kvm_memattr.h>
#include <linux/sprintf.h>

#include "../memattr_mtrr.h"
#include "../mmu/memattr_enc.h"
#include "memattr_x86_check.h"

#define FAIL(...)	(snprintf(err, len, __VA_ARGS__), -1)

#define MTRR_UC		0
#define MTRR_WC		1
#define MTRR_WT		4
#define MTRR_WP		5
#define MTRR_WB		6
#define DEF_FE		BIT_ULL(10)
#define DEF_E		BIT_ULL(11)
#define MASK_VALID	BIT_ULL(11)

#define SZ_1M_PA	0x100000ULL
#define SZ_2G_PA	0x80000000ULL
#define SZ_32G_PA	0x800000000ULL
#define GFN(pa)		((u64)(pa) >> 12)
#define PAGES_2M	512ULL
#define PAGES_1G	262144ULL

/* ------------------------------------------------------------------ */
/* 6.12.117's vmx_get_mt_mask() (arch/x86/kvm/vmx/vmx.c:7676), as a table. */

static const struct {
	bool mmio, nc_dma, ignore_guest_pat;
	u8 memtype;
	bool ipat;
} ept_6_12_117[] = {
	{ true,  false, false, MTRR_UC, false },
	{ true,  false, true,  MTRR_UC, false },
	{ true,  true,  false, MTRR_UC, false },
	{ true,  true,  true,  MTRR_UC, false },
	{ false, false, true,  MTRR_WB, true },
	{ false, false, false, MTRR_WB, false },
	{ false, true,  false, MTRR_WB, false },
	{ false, true,  true,  MTRR_WB, false },
};

/*
 * Every facts word KVM can present without KVM_CAP_X86_HONOR_GUEST_MTRRS
 * must encode exactly as 6.12.117. Without self-snoop 6.12.117 cannot turn
 * the quirk off, so that combination must be refused, never decided.
 */
int memattr_x86_check_ept_6_12(char *err, int len)
{
	union kvm_memattr_facts f;
	struct kvm_memattr_decision d;
	struct kvm_memattr_enc enc;
	unsigned int i;
	bool mmio;
	u32 w;

	for (w = 0; w < (1U << 21); w++) {
		f.word = w;
		if (f.honor_guest_mtrr)
			continue;
		d = kvm_memattr_resolve_ept(f);
		mmio = f.backing == KVM_MEMATTR_MMIO;
		if (!f.ignore_guest_pat && !f.self_snoop) {
			if (!d.refuse)
				return FAIL("facts %#x: quirk off without self-snoop was decided",
					    w);
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(ept_6_12_117); i++)
			if (ept_6_12_117[i].mmio == mmio &&
			    ept_6_12_117[i].nc_dma == f.nc_dma &&
			    ept_6_12_117[i].ignore_guest_pat == f.ignore_guest_pat)
				break;
		if (kvm_memattr_ept_encode(d, f, &enc))
			return FAIL("facts %#x: not encodable (refuse %d)", w,
				    d.refuse);
		if (enc.ept.memtype != ept_6_12_117[i].memtype ||
		    enc.ept.ipat != ept_6_12_117[i].ipat)
			return FAIL("facts %#x: EPT MT %u IPAT %d, 6.12.117 installs MT %u IPAT %d",
				    w, enc.ept.memtype, enc.ept.ipat,
				    ept_6_12_117[i].memtype,
				    ept_6_12_117[i].ipat);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Range sets. */

static u32 lcg(u32 *seed)
{
	*seed = *seed * 1103515245U + 12345U;
	return *seed >> 8;
}

static int ranges_sane(const struct kvm_memattr_gfn_ranges *s, char *err,
		       int len)
{
	unsigned int i;

	if (s->nr > KVM_MEMATTR_GFN_RANGES)
		return FAIL("%u ranges in a set of %u", s->nr,
			    KVM_MEMATTR_GFN_RANGES);
	for (i = 0; i < s->nr; i++) {
		if (s->r[i].start >= s->r[i].end)
			return FAIL("range %u is [%#llx, %#llx)", i,
				    (unsigned long long)s->r[i].start,
				    (unsigned long long)s->r[i].end);
		if (i && s->r[i].start <= s->r[i - 1].end)
			return FAIL("ranges %u and %u overlap or touch", i - 1, i);
	}
	return 0;
}

static bool ranges_equal(const struct kvm_memattr_gfn_ranges *a,
			 const struct kvm_memattr_gfn_ranges *b)
{
	unsigned int i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++)
		if (a->r[i].start != b->r[i].start || a->r[i].end != b->r[i].end)
			return false;
	return true;
}

/*
 * A fault may skip recording, and the VM's lock, exactly when recording
 * would not change the set: kvm_memattr_mtrr_vm_recorded() against
 * kvm_memattr_mtrr_vm_fault() itself, over random faults.
 */
static int check_recorded(char *err, int len)
{
	static const u64 max[] = { 1, 512, 262144 };
	struct kvm_memattr_gfn_ranges before;
	struct kvm_memattr_mtrr_vm vm;
	unsigned int round, i;
	u64 gfn, pages, got, next, prev;
	u32 seed = 7;
	bool cd, rec;

	for (round = 0; round < 50; round++) {
		kvm_memattr_mtrr_vm_init(&vm, 46);
		/* Default WB, a 4 MiB UC hole at 1 GiB: blocks near it shrink. */
		vm.committed.deftype = 0x806;
		vm.committed.var[0] = 0x40000000ULL;
		vm.committed.var[1] = (~0x3fffffULL & ((1ULL << 46) - 1)) | 0x800;
		for (i = 0; i < 200; i++) {
			gfn = lcg(&seed) % (1ULL << 20);
			cd = lcg(&seed) & 1;
			pages = kvm_memattr_mtrr_block(&vm.committed, gfn,
						       max[lcg(&seed) % 3], cd);
			before = cd ? vm.mapped_cd : vm.mapped;
			rec = kvm_memattr_mtrr_vm_recorded(&vm, gfn, pages, cd);
			got = kvm_memattr_mtrr_vm_fault(&vm, gfn, pages, cd);
			if (rec != ranges_equal(&before,
						cd ? &vm.mapped_cd : &vm.mapped))
				return FAIL("fault %#llx (%llu frames, CD=%d): recorded %d wrongly",
					    (unsigned long long)gfn,
					    (unsigned long long)pages, cd, rec);
			/*
			 * CD: 4K, recording its frame and its prefetch
			 * neighbours, no more while the set has room.
			 */
			next = (gfn | (KVM_MEMATTR_PREFETCH_PAGES - 1)) + 1;
			prev = (gfn & ~(KVM_MEMATTR_PREFETCH_PAGES - 1)) - 1;
			if (cd && before.nr + 1 < KVM_MEMATTR_GFN_RANGES &&
			    (got != 1 ||
			     !kvm_memattr_ranges_contain(&vm.mapped_cd, gfn) ||
			     (kvm_memattr_ranges_contain(&vm.mapped_cd, next) &&
			      !kvm_memattr_ranges_contain(&before, next)) ||
			     (kvm_memattr_ranges_contain(&vm.mapped_cd, prev) &&
			      !kvm_memattr_ranges_contain(&before, prev))))
				return FAIL("CD fault %#llx mapped %llu frames or recorded more",
					    (unsigned long long)gfn,
					    (unsigned long long)got);
		}
	}
	return 0;
}

int memattr_x86_check_ranges(char *err, int len)
{
	struct kvm_memattr_gfn_ranges s = { .nr = 0 };
	u64 added[64][2];
	unsigned int i, j, round;
	u32 seed = 1;

	/* Adjacent and overlapping ranges merge. */
	kvm_memattr_ranges_add(&s, 10, 20);
	kvm_memattr_ranges_add(&s, 30, 40);
	kvm_memattr_ranges_add(&s, 20, 30);
	if (s.nr != 1 || s.r[0].start != 10 || s.r[0].end != 40)
		return FAIL("[10,20) [30,40) [20,30) did not merge into [10,40)");
	kvm_memattr_ranges_add(&s, 5, 5);
	if (s.nr != 1 || kvm_memattr_ranges_pages(&s) != 30)
		return FAIL("an empty range changed the set");

	/* Random adds: never lose a frame, stay sorted and bounded. */
	for (round = 0; round < 20; round++) {
		s.nr = 0;
		for (i = 0; i < ARRAY_SIZE(added); i++) {
			added[i][0] = lcg(&seed) % 100000;
			added[i][1] = added[i][0] + 1 + lcg(&seed) % 500;
			kvm_memattr_ranges_add(&s, added[i][0], added[i][1]);
			if (ranges_sane(&s, err, len))
				return -1;
			for (j = 0; j <= i; j++)
				if (!kvm_memattr_ranges_contain(&s, added[j][0]) ||
				    !kvm_memattr_ranges_contain(&s, added[j][1] - 1))
					return FAIL("round %u: [%#llx, %#llx) lost after %u adds",
						    round,
						    (unsigned long long)added[j][0],
						    (unsigned long long)added[j][1],
						    i + 1);
		}
	}
	return check_recorded(err, len);
}

/* ------------------------------------------------------------------ */
/* MTRR types: memattr_mtrr.c against the SDM model. */

static u8 model_memtype(unsigned int raw)
{
	switch (raw) {
	case MTRR_WC:	return KVM_MEMTYPE_WC;
	case MTRR_WT:	return KVM_MEMTYPE_WT;
	case MTRR_WP:	return KVM_MEMTYPE_WP;
	case MTRR_WB:	return KVM_MEMTYPE_WB;
	default:	return KVM_MEMTYPE_UC;
	}
}

static unsigned int byte_of(u64 msr, unsigned int i)
{
	return (msr >> (8 * i)) & 0xff;
}

static u8 model_mtrr_type(const struct kvm_memattr_mtrrs *m, u64 gfn)
{
	unsigned int bits = m->phys_bits >= 32 && m->phys_bits <= 52 ?
			    m->phys_bits : 52;
	u64 pa = gfn << 12, pa_mask = (1ULL << bits) - 1, idx;
	unsigned int i, seen = 0, raw;

	if (!(m->deftype & DEF_E))
		return KVM_MEMTYPE_UC;
	if ((m->deftype & DEF_FE) && pa < SZ_1M_PA) {
		if (pa < 0x80000) {
			raw = byte_of(m->fixed_64k, pa / 0x10000);
		} else if (pa < 0xc0000) {
			idx = (pa - 0x80000) / 0x4000;
			raw = byte_of(m->fixed_16k[idx / 8], idx % 8);
		} else {
			idx = (pa - 0xc0000) / 0x1000;
			raw = byte_of(m->fixed_4k[idx / 8], idx % 8);
		}
		return model_memtype(raw);
	}
	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++) {
		u64 base = m->var[2 * i], mask = m->var[2 * i + 1];

		if (!(mask & MASK_VALID))
			continue;
		mask &= pa_mask & ~0xfffULL;
		if ((pa & mask) != (base & mask))
			continue;
		raw = base & 0xff;
		/* Types KVM would reject count as UC, which wins anyway. */
		if (model_memtype(raw) == KVM_MEMTYPE_UC)
			raw = MTRR_UC;
		seen |= 1U << raw;
	}
	if (!seen)
		return model_memtype(m->deftype & 0xff);
	if (seen & (1U << MTRR_UC))
		return KVM_MEMTYPE_UC;
	for (raw = 0; raw < 8; raw++)
		if (seen == 1U << raw)
			return model_memtype(raw);
	if (seen == ((1U << MTRR_WT) | (1U << MTRR_WB)))
		return KVM_MEMTYPE_WT;
	return KVM_MEMTYPE_UC;
}

static u64 fixed_all(unsigned int raw)
{
	return 0x0101010101010101ULL * raw;
}

static void var_set(struct kvm_memattr_mtrrs *m, unsigned int i, u64 base,
		    u64 size, unsigned int raw)
{
	u64 addr_bits = ((1ULL << m->phys_bits) - 1) & ~0xfffULL;

	m->var[2 * i] = base | raw;
	m->var[2 * i + 1] = (~(size - 1) & addr_bits) | MASK_VALID;
}

/*
 * The MTRR layout of the guest Yan Zhao measured (May 2023): OVMF, then
 * Linux, with 46 address bits.
 */
static void ovmf_layout(struct kvm_memattr_mtrrs *m, bool pci64)
{
	*m = (struct kvm_memattr_mtrrs) { .phys_bits = 46 };
	m->fixed_64k = fixed_all(MTRR_WB);
	m->fixed_16k[0] = fixed_all(MTRR_WB);
	var_set(m, 0, SZ_2G_PA, SZ_2G_PA, MTRR_UC);
	if (pci64)
		var_set(m, 1, SZ_32G_PA, SZ_32G_PA, MTRR_UC);
	m->deftype = DEF_E | DEF_FE | MTRR_WB;
}

/* A random MTRR state; a quarter of its masks may be non-contiguous. */
static void random_mtrrs(struct kvm_memattr_mtrrs *m, u32 *seed)
{
	static const u8 raw[] = { MTRR_UC, MTRR_WC, MTRR_WT, MTRR_WP, MTRR_WB };
	unsigned int i, shift;
	u64 base;

	*m = (struct kvm_memattr_mtrrs) { .phys_bits = 36 + lcg(seed) % 17 };
	m->fixed_64k = (u64)lcg(seed) << 32 | lcg(seed);
	m->fixed_16k[0] = (u64)lcg(seed) << 32 | lcg(seed);
	m->fixed_16k[1] = (u64)lcg(seed) << 32 | lcg(seed);
	for (i = 0; i < 8; i++)
		m->fixed_4k[i] = fixed_all(raw[lcg(seed) % 5]);
	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++) {
		if (lcg(seed) % 3 == 0)
			continue;
		shift = 12 + lcg(seed) % (m->phys_bits - 14);
		base = ((u64)lcg(seed) << 32 | lcg(seed)) &
		       ((1ULL << m->phys_bits) - 1) & ~((1ULL << shift) - 1);
		var_set(m, i, base, 1ULL << shift, raw[lcg(seed) % 5]);
		if (lcg(seed) % 4 == 0)
			m->var[2 * i + 1] ^= 1ULL << (13 + lcg(seed) % 8);
	}
	m->deftype = (lcg(seed) % 4 ? DEF_E : 0) |
		     (lcg(seed) % 2 ? DEF_FE : 0) | raw[lcg(seed) % 5];
}

/* Every frame of the fixed ranges, 4 per variable range, 71 random. */
#define PROBES	(0x101 + 2 * 4 * KVM_MEMATTR_MTRR_NR_VAR + 71)

/* The @i-th frame where the type may change, or a neighbour, or random. */
static u64 probe(const struct kvm_memattr_mtrrs *a,
		 const struct kvm_memattr_mtrrs *b, unsigned int i, u32 *seed)
{
	const struct kvm_memattr_mtrrs *m;
	u64 base, size;

	if (i < 0x101)
		return i;
	i -= 0x101;
	if (i < 2 * 4 * KVM_MEMATTR_MTRR_NR_VAR) {
		m = i < 4 * KVM_MEMATTR_MTRR_NR_VAR ? a : b;
		i %= 4 * KVM_MEMATTR_MTRR_NR_VAR;
		base = m->var[2 * (i / 4)] >> 12;
		size = (~(m->var[2 * (i / 4) + 1] | 0xfff) + 1) &
		       ((1ULL << 52) - 1);
		if (i % 4 == 0)
			return base;
		if (i % 4 == 1)
			return base ? base - 1 : 0;
		return base + (size >> 12) - (i % 4 == 3);
	}
	return ((u64)lcg(seed) << 20 | lcg(seed)) &
	       (kvm_memattr_mtrr_gfn_limit(a) - 1);
}

int memattr_x86_check_mtrr_types(char *err, int len)
{
	struct kvm_memattr_mtrrs m;
	unsigned int round, i;
	u32 seed = 7;
	u64 g;

	ovmf_layout(&m, true);
	if (kvm_memattr_mtrr_type(&m, GFN(0x9f000)) != KVM_MEMTYPE_WB ||
	    kvm_memattr_mtrr_type(&m, GFN(0xa0000)) != KVM_MEMTYPE_UC ||
	    kvm_memattr_mtrr_type(&m, GFN(0xfffff)) != KVM_MEMTYPE_UC ||
	    kvm_memattr_mtrr_type(&m, GFN(SZ_1M_PA)) != KVM_MEMTYPE_WB ||
	    kvm_memattr_mtrr_type(&m, GFN(SZ_2G_PA)) != KVM_MEMTYPE_UC ||
	    kvm_memattr_mtrr_type(&m, GFN(0xffffffffULL)) != KVM_MEMTYPE_UC ||
	    kvm_memattr_mtrr_type(&m, GFN(0x100000000ULL)) != KVM_MEMTYPE_WB ||
	    kvm_memattr_mtrr_type(&m, GFN(SZ_32G_PA)) != KVM_MEMTYPE_UC ||
	    kvm_memattr_mtrr_type(&m, GFN(2 * SZ_32G_PA)) != KVM_MEMTYPE_WB)
		return FAIL("OVMF layout: wrong type at a landmark");
	if (kvm_memattr_mtrr_uniform(&m, 0, PAGES_2M) ||
	    !kvm_memattr_mtrr_uniform(&m, GFN(0x40000000), PAGES_1G) ||
	    kvm_memattr_mtrr_uniform(&m, GFN(0x40000000), 2 * PAGES_1G) ||
	    !kvm_memattr_mtrr_uniform(&m, GFN(SZ_2G_PA), 2 * PAGES_1G))
		return FAIL("OVMF layout: wrong uniformity of a block");

	for (round = 0; round < 2000; round++) {
		random_mtrrs(&m, &seed);
		for (i = 0; i < PROBES; i++) {
			g = probe(&m, &m, i, &seed);
			if (g >= kvm_memattr_mtrr_gfn_limit(&m))
				continue;
			if (kvm_memattr_mtrr_type(&m, g) != model_mtrr_type(&m, g))
				return FAIL("round %u: gfn %#llx type %u, model %u (deftype %#llx)",
					    round, (unsigned long long)g,
					    kvm_memattr_mtrr_type(&m, g),
					    model_mtrr_type(&m, g),
					    (unsigned long long)m.deftype);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Diffs: exactly the frames whose decision differs, by the model. */

/*
 * The EPT memory type and IPAT of guest RAM as 6.6 installed them for an
 * Intel VM (KVM_X86_QUIRK_CD_NW_CLEARED off), which honoring guest MTRRs
 * brings back, written apart from kvm_memattr_resolve_ept(): host MMIO is
 * UC whatever the MTRRs say, so only RAM can differ. Facts no CPU has
 * (the quirk off without self-snoop) are refused whatever the MTRRs say.
 */
struct model_ept {
	u8 type;
	bool ipat;
};

static struct model_ept model_ept_ram(const struct kvm_memattr_mtrrs *m,
				      union kvm_memattr_facts f, u64 gfn)
{
	if (!f.ignore_guest_pat && !f.self_snoop)
		return (struct model_ept) { KVM_MEMTYPE_NR, false };
	if (!f.nc_dma)
		return (struct model_ept) { KVM_MEMTYPE_WB, f.ignore_guest_pat };
	if (!f.honor_guest_mtrr)
		return (struct model_ept) { KVM_MEMTYPE_WB, false };
	if (f.cr0_cd)
		return (struct model_ept) { KVM_MEMTYPE_UC, true };
	return (struct model_ept) { model_mtrr_type(m, gfn), false };
}

static bool model_differs(const struct kvm_memattr_mtrrs *a,
			  union kvm_memattr_facts fa,
			  const struct kvm_memattr_mtrrs *b,
			  union kvm_memattr_facts fb, u64 gfn)
{
	struct model_ept ea = model_ept_ram(a, fa, gfn);
	struct model_ept eb = model_ept_ram(b, fb, gfn);

	return ea.type != eb.type || ea.ipat != eb.ipat;
}

/* Whether every valid variable mask is a run of ones up to MAXPHYADDR. */
static bool model_contiguous(const struct kvm_memattr_mtrrs *m)
{
	unsigned int bits = m->phys_bits >= 32 && m->phys_bits <= 52 ?
			    m->phys_bits : 52;
	unsigned int i, b;
	u64 mask;
	bool one;

	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++) {
		mask = m->var[2 * i + 1];
		if (!(mask & MASK_VALID))
			continue;
		/* From the top address bit down: ones, then only zeroes. */
		one = true;
		for (b = bits; b-- > 12;) {
			if (!(mask & (1ULL << b)))
				one = false;
			else if (!one)
				return false;
		}
	}
	return true;
}

int memattr_x86_check_diff(const struct kvm_memattr_mtrrs *a,
			   union kvm_memattr_facts fa,
			   const struct kvm_memattr_mtrrs *b,
			   union kvm_memattr_facts fb, char *err, int len)
{
	struct kvm_memattr_gfn_ranges out = { .nr = 0 };
	u64 g, limit = kvm_memattr_mtrr_gfn_limit(a);
	unsigned int i;
	bool differs, in, exact = model_contiguous(a) && model_contiguous(b);
	u32 seed = fa.word ^ fb.word;

	if (kvm_memattr_mtrr_gfn_limit(b) < limit)
		limit = kvm_memattr_mtrr_gfn_limit(b);
	kvm_memattr_mtrr_diff(a, fa, b, fb, NULL, &out);
	if (ranges_sane(&out, err, len))
		return -1;
	for (i = 0; i < PROBES; i++) {
		g = probe(a, b, i, &seed);
		if (g >= limit)
			continue;
		differs = model_differs(a, fa, b, fb, g);
		in = kvm_memattr_ranges_contain(&out, g);
		/*
		 * A full set may have merged ranges, and non-contiguous masks
		 * make everything differ: only a superset then.
		 */
		if ((differs && !in) ||
		    (!differs && in && exact && out.nr < KVM_MEMATTR_GFN_RANGES))
			return FAIL("facts %#x -> %#x: gfn %#llx %s but %s the diff (%u ranges)",
				    fa.word, fb.word, (unsigned long long)g,
				    differs ? "differs" : "does not differ",
				    in ? "is in" : "is not in", out.nr);
	}
	return 0;
}

/* An Intel VM's facts: KVM_X86_QUIRK_CD_NW_CLEARED is always disabled. */
static union kvm_memattr_facts honoring(void)
{
	union kvm_memattr_facts f = { .word = 0 };

	f.self_snoop = 1;
	f.ignore_guest_pat = 1;
	f.nc_dma = 1;
	f.honor_guest_mtrr = 1;
	return f;
}

int memattr_x86_check_mtrr_diffs(char *err, int len)
{
	struct kvm_memattr_mtrrs a, b;
	union kvm_memattr_facts fa, fb;
	unsigned int round;
	u32 seed = 3;

	for (round = 0; round < 1000; round++) {
		random_mtrrs(&a, &seed);
		if (round % 3)
			random_mtrrs(&b, &seed);
		else
			b = a;
		fa = honoring();
		fb = fa;
		fa.cr0_cd = round % 5 == 0;
		fb.nc_dma = round % 7 != 0;
		if (memattr_x86_check_diff(&a, fa, &b, fb, err, len))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* A simulated VM: vCPUs with MTRRs and CR0.CD, and a zap counter. */

/* A leaf of the simulated EPT: the block it maps and its bits. */
struct sim_leaf {
	u64 gfn, pages;
	u8 type;
	bool ipat;
};

#define SIM_LEAVES	4096

struct sim {
	struct kvm_memattr_mtrr_vm vm;
	union kvm_memattr_facts facts;
	enum memattr_boot_policy policy;
	struct memattr_boot_stats *st;
	struct kvm_memattr_gfn_ranges *last;	/* the last event's zaps */
	const struct kvm_memattr_mtrrs *final;	/* for zap_gfns_wb */
	struct sim_leaf *leaves;		/* NULL: not tracked */
	unsigned int nr_leaves;
};

static struct sim_leaf sim_leaves[SIM_LEAVES];

/* kvm_zap_gfn_range(): every leaf overlapping [start, end) goes. */
static void sim_unmap(struct sim *s, u64 start, u64 end)
{
	unsigned int i = 0;

	if (!s->leaves)
		return;
	while (i < s->nr_leaves) {
		if (s->leaves[i].gfn < end &&
		    s->leaves[i].gfn + s->leaves[i].pages > start)
			s->leaves[i] = s->leaves[--s->nr_leaves];
		else
			i++;
	}
}

/* A fault installs what the glue decides, from the committed MTRRs. */
static void sim_map(struct sim *s, u64 gfn, u64 pages, bool cr0_cd)
{
	union kvm_memattr_facts f = s->facts;
	struct kvm_memattr_decision d;

	if (!s->leaves)
		return;
	sim_unmap(s, gfn, gfn + pages);
	if (s->nr_leaves == SIM_LEAVES) {
		s->st->stale++;		/* cannot track it: fail */
		return;
	}
	f.backing = KVM_MEMATTR_RAM;
	f.cr0_cd = cr0_cd;
	f.guest_mtrr = kvm_memattr_mtrr_type(&s->vm.committed, gfn);
	d = kvm_memattr_resolve_ept(f);
	s->leaves[s->nr_leaves++] = (struct sim_leaf) {
		.gfn = gfn, .pages = pages,
		.type = d.refuse ? KVM_MEMTYPE_NR : d.type,
		.ipat = !(d.flags & KVM_MEMATTR_F_COMBINES),
	};
}

struct sim_vcpu {
	struct kvm_memattr_mtrrs m;
	bool cd;
	bool pending;
};

/* The frames the benchmark counts: the first 64 GiB of that layout. */
#define COUNT_LIMIT	GFN(2 * SZ_32G_PA)

static void count_zap(struct sim *s, u64 start, u64 end)
{
	u64 g, next;

	sim_unmap(s, start, end);
	s->st->zap_calls++;
	if (end > COUNT_LIMIT)
		end = COUNT_LIMIT;
	for (g = start; g < end; g = next) {
		/* The final layout is constant between these edges. */
		next = g < GFN(SZ_1M_PA) ? g + 1 :
		       g < GFN(SZ_2G_PA) ? GFN(SZ_2G_PA) :
		       g < GFN(2 * SZ_2G_PA) ? GFN(2 * SZ_2G_PA) :
		       g < GFN(SZ_32G_PA) ? GFN(SZ_32G_PA) : COUNT_LIMIT;
		if (next > end)
			next = end;
		s->st->zap_gfns += next - g;
		if (kvm_memattr_mtrr_type(s->final, g) == KVM_MEMTYPE_WB)
			s->st->zap_gfns_wb += next - g;
	}
}

static void sim_zaps(struct sim *s, const struct kvm_memattr_gfn_ranges *z)
{
	unsigned int i;

	if (s->last)
		*s->last = *z;
	for (i = 0; i < z->nr; i++)
		count_zap(s, z->r[i].start, z->r[i].end);
}

enum sim_msr { DEFTYPE, FIX64K, FIX16K_80, FIX16K_A0, FIX4K, VAR_BASE, VAR_MASK };

/* 6.6's update_mtrr(): the range an MTRR write zapped. */
static void sim_6_6_write(struct sim *s, struct sim_vcpu *v, enum sim_msr msr,
			  unsigned int i)
{
	bool enabled = v->m.deftype & DEF_E;
	bool fixed = enabled && (v->m.deftype & DEF_FE);
	u64 start, mask;

	if (!enabled && msr != DEFTYPE)
		return;
	switch (msr) {
	case DEFTYPE:
		count_zap(s, 0, ~0ULL);
		return;
	case FIX64K:
		if (fixed)
			count_zap(s, 0, GFN(0x80000));
		return;
	case FIX16K_80:
	case FIX16K_A0:
		if (fixed)
			count_zap(s, GFN(0x80000 + (msr - FIX16K_80) * 0x20000),
				  GFN(0xa0000 + (msr - FIX16K_80) * 0x20000));
		return;
	case FIX4K:
		if (fixed)
			count_zap(s, GFN(0xc0000 + i * 0x8000),
				  GFN(0xc8000 + i * 0x8000));
		return;
	default:
		start = v->m.var[2 * i] & ~0xfffULL;
		mask = v->m.var[2 * i + 1] & ~0xfffULL;
		count_zap(s, GFN(start), GFN((start | ~mask) + 1));
	}
}

static void sim_write(struct sim *s, struct sim_vcpu *v, enum sim_msr msr,
		      unsigned int i, u64 val)
{
	struct kvm_memattr_gfn_ranges z = { .nr = 0 };

	switch (msr) {
	case DEFTYPE:
		v->m.deftype = val;
		break;
	case FIX64K:
		v->m.fixed_64k = val;
		break;
	case FIX16K_80:
	case FIX16K_A0:
		v->m.fixed_16k[msr - FIX16K_80] = val;
		break;
	case FIX4K:
		v->m.fixed_4k[i] = val;
		break;
	case VAR_BASE:
		v->m.var[2 * i] = val;
		break;
	case VAR_MASK:
		v->m.var[2 * i + 1] = val;
		break;
	}
	if (s->policy == MEMATTR_BOOT_6_6) {
		sim_6_6_write(s, v, msr, i);
		return;
	}
	kvm_memattr_mtrr_vm_write(&s->vm, &v->m, v->cd, &v->pending, s->facts,
				  &z);
	if (!v->cd)
		s->st->commits++;
	sim_zaps(s, &z);
}

/* A CR0 write that changes CD (kvm_post_set_cr0()). */
static void sim_cd(struct sim *s, struct sim_vcpu *v, bool cd)
{
	struct kvm_memattr_gfn_ranges z = { .nr = 0 };

	if (v->cd == cd)
		return;
	v->cd = cd;
	if (s->policy == MEMATTR_BOOT_6_6) {
		if (!s->facts.cd_nw_cleared)
			count_zap(s, 0, ~0ULL);
		return;
	}
	if (!cd && v->pending)
		s->st->commits++;
	kvm_memattr_mtrr_vm_cr0(&s->vm, &v->m, cd, &v->pending, s->facts, &z);
	sim_zaps(s, &z);
}

/* Faults over [start, end), each mapping the largest block it may. */
static void sim_faults(struct sim *s, struct sim_vcpu *v, u64 start, u64 end,
		       u64 max_pages)
{
	u64 g = start, pages;

	while (g < end) {
		pages = max_pages;
		while (pages > 1 && ((g & (pages - 1)) || g + pages > end))
			pages = pages > PAGES_2M ? PAGES_2M : 1;
		if (s->policy == MEMATTR_BOOT_PER_VM) {
			pages = kvm_memattr_mtrr_vm_fault(&s->vm, g, pages,
							  v->cd);
			sim_map(s, g & ~(pages - 1), pages, v->cd);
		}
		g = (g & ~(pages - 1)) + pages;
	}
}

/*
 * The SDM's MTRR update procedure (12.11.7.2), as OVMF's MtrrLib runs it:
 * CD set, MTRRs disabled, every MSR written, MTRRs enabled, CD cleared.
 */
static void sim_program(struct sim *s, struct sim_vcpu *v,
			const struct kvm_memattr_mtrrs *to)
{
	unsigned int i;

	sim_cd(s, v, true);
	sim_write(s, v, DEFTYPE, 0, v->m.deftype & ~(DEF_E | DEF_FE | 0xff));
	sim_write(s, v, FIX64K, 0, to->fixed_64k);
	sim_write(s, v, FIX16K_80, 0, to->fixed_16k[0]);
	sim_write(s, v, FIX16K_A0, 0, to->fixed_16k[1]);
	for (i = 0; i < 8; i++)
		sim_write(s, v, FIX4K, i, to->fixed_4k[i]);
	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++) {
		sim_write(s, v, VAR_BASE, i, to->var[2 * i]);
		sim_write(s, v, VAR_MASK, i, to->var[2 * i + 1]);
	}
	sim_write(s, v, DEFTYPE, 0, to->deftype);
	sim_cd(s, v, false);
}

/* Linux's cache_cpu_init(): the same, writing only the MSRs that differ. */
static void sim_linux(struct sim *s, struct sim_vcpu *v)
{
	u64 deftype = v->m.deftype;

	sim_cd(s, v, true);
	sim_write(s, v, DEFTYPE, 0, deftype & ~(DEF_E | DEF_FE | 0xff));
	sim_write(s, v, DEFTYPE, 0, deftype);
	sim_cd(s, v, false);
}

/* Guest RAM: 2 GiB below the 32-bit PCI hole, 6 GiB above 4 GiB. */
#define RAM_LOW_END	GFN(SZ_2G_PA)
#define RAM_HIGH	GFN(2 * SZ_2G_PA)
#define RAM_HIGH_END	GFN(8 * 0x40000000ULL)
/* OVMF's flash (a RAM-backed ROM memslot) and PEI's temporary RAM. */
#define FLASH		GFN(0xffc00000ULL)
#define FLASH_END	GFN(0x100000000ULL)
#define TEMP_RAM	GFN(0x800000)
#define TEMP_RAM_END	GFN(0x900000)

/*
 * Leaves whose bits are not what the final MTRRs give every frame they
 * map, by the SDM model: the zaps missed them.
 */
static u64 sim_stale(struct sim *s)
{
	union kvm_memattr_facts f = s->facts;
	const struct sim_leaf *l;
	struct model_ept e, last;
	u64 n = 0;
	unsigned int i;

	f.cr0_cd = 0;
	for (i = 0; i < s->nr_leaves; i++) {
		l = &s->leaves[i];
		e = model_ept_ram(s->final, f, l->gfn);
		last = model_ept_ram(s->final, f, l->gfn + l->pages - 1);
		if (l->type != e.type || l->ipat != e.ipat ||
		    last.type != e.type || last.ipat != e.ipat)
			n++;
	}
	return n;
}

void memattr_boot_replay(unsigned int nr_vcpus,
			 enum memattr_boot_policy policy,
			 struct memattr_boot_stats *st)
{
	struct kvm_memattr_mtrrs pei, dxe;
	struct sim s = {
		.facts = honoring(), .policy = policy, .st = st,
		.leaves = policy == MEMATTR_BOOT_PER_VM ? sim_leaves : NULL,
	};
	struct sim_vcpu v[2];
	unsigned int i;

	*st = (struct memattr_boot_stats) { 0 };
	ovmf_layout(&pei, false);
	ovmf_layout(&dxe, true);
	s.final = &dxe;
	kvm_memattr_mtrr_vm_init(&s.vm, 46);
	/* As KVM's TDP MMU, which installs no neighbours with a fault. */
	s.vm.cd_span = 1;

	/* Reset: caches disabled, MTRRs clear. APs replay one by one. */
	v[0] = (struct sim_vcpu) { .m.phys_bits = 46, .cd = true };

	/* SEC/PEI on the BSP: flash and temporary RAM, caches disabled. */
	sim_faults(&s, &v[0], FLASH, FLASH_END, PAGES_2M);
	sim_faults(&s, &v[0], TEMP_RAM, TEMP_RAM_END, PAGES_2M);
	sim_program(&s, &v[0], &pei);
	sim_faults(&s, &v[0], 0, RAM_LOW_END, PAGES_1G);
	sim_faults(&s, &v[0], RAM_HIGH, RAM_HIGH_END, PAGES_1G);

	/*
	 * PEI's MP services bring up the APs with the BSP's MTRRs. An AP
	 * first loads the BSP's CR0, caches enabled, with its own MTRRs
	 * still clear (EDK2 MpInitLib's ApWakeupFunction), then syncs them.
	 */
	for (i = 1; i < nr_vcpus; i++) {
		v[1] = (struct sim_vcpu) { .m.phys_bits = 46, .cd = true };
		sim_cd(&s, &v[1], false);
		sim_program(&s, &v[1], &pei);
	}

	/* DXE adds the 64-bit PCI hole, on the BSP then on every AP. */
	sim_program(&s, &v[0], &dxe);
	for (i = 1; i < nr_vcpus; i++) {
		v[1] = (struct sim_vcpu) { .m = pei, .cd = false };
		sim_program(&s, &v[1], &dxe);
	}

	/*
	 * Linux: the BSP, then every AP after INIT (CD set, MTRRs kept),
	 * whose trampoline loads a CR0 with caches enabled first.
	 */
	sim_linux(&s, &v[0]);
	for (i = 1; i < nr_vcpus; i++) {
		v[1] = (struct sim_vcpu) { .m = dxe, .cd = true };
		sim_cd(&s, &v[1], false);
		sim_linux(&s, &v[1]);
	}
	if (s.leaves)
		st->stale += sim_stale(&s);
}

u64 memattr_boot_non_wb_gfns(void)
{
	struct kvm_memattr_mtrrs m;
	u64 g, n = 0;

	ovmf_layout(&m, true);
	for (g = 0; g < GFN(SZ_1M_PA); g++)
		n += kvm_memattr_mtrr_type(&m, g) != KVM_MEMTYPE_WB;
	return n + GFN(SZ_2G_PA) + GFN(SZ_32G_PA);
}

/*
 * After the boot every leaf left must be what the final MTRRs give its
 * frames (SDM model, not memattr_mtrr.c), whatever the vCPU count, and the
 * zaps must not depend on the vCPU count nor cover more than the frames
 * the final MTRRs do not make WB.
 */
int memattr_x86_check_boot(char *err, int len)
{
	static const unsigned int vcpus[] = { 1, 8, 16, 64, 256 };
	struct memattr_boot_stats one, st;
	unsigned int i;

	memattr_boot_replay(1, MEMATTR_BOOT_PER_VM, &one);
	for (i = 0; i < ARRAY_SIZE(vcpus); i++) {
		memattr_boot_replay(vcpus[i], MEMATTR_BOOT_PER_VM, &st);
		if (st.stale)
			return FAIL("%u vCPUs: %llu leaves left stale by the boot",
				    vcpus[i], (unsigned long long)st.stale);
		if (st.zap_calls != one.zap_calls ||
		    st.zap_gfns != one.zap_gfns)
			return FAIL("%u vCPUs: %llu zaps %llu gfns, 1: %llu %llu",
				    vcpus[i], (unsigned long long)st.zap_calls,
				    (unsigned long long)st.zap_gfns,
				    (unsigned long long)one.zap_calls,
				    (unsigned long long)one.zap_gfns);
		if (st.zap_gfns > memattr_boot_non_wb_gfns())
			return FAIL("%llu gfns zapped, more than the %llu non-WB",
				    (unsigned long long)st.zap_gfns,
				    (unsigned long long)memattr_boot_non_wb_gfns());
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * Non-coherent DMA arriving and leaving, in a VM whose VMM disabled
 * KVM_X86_QUIRK_IGNORE_GUEST_PAT (self-snoop): there RAM is WB with IPAT
 * clear with or without non-coherent DMA while the MTRRs say WB, so no
 * diff of a transition sees a difference. Each case races a transition
 * with the faults and changes that read the device count before it; an
 * entry that is stale at the end must be in the zaps of one of them.
 */
int memattr_x86_check_nc_dma(char *err, int len)
{
	struct kvm_memattr_gfn_ranges z = { .nr = 0 };
	struct kvm_memattr_mtrr_vm vm;
	struct kvm_memattr_mtrrs wb, uc_hole;
	union kvm_memattr_facts on = honoring(), off;
	bool pending = false;
	const u64 ram = GFN(SZ_2G_PA + SZ_1M_PA), low = GFN(SZ_1M_PA);

	on.ignore_guest_pat = 0;
	off = on;
	off.nc_dma = 0;
	wb = (struct kvm_memattr_mtrrs) {
		.phys_bits = 46, .deftype = DEF_E | MTRR_WB,
	};
	uc_hole = wb;
	var_set(&uc_hole, 0, SZ_2G_PA, SZ_2G_PA, MTRR_UC);

	/*
	 * RAM at 2 GiB is mapped WB before the device arrives, unrecorded.
	 * The guest's MTRRs then make it UC: its entry must go.
	 */
	kvm_memattr_mtrr_vm_init(&vm, 46);
	kvm_memattr_mtrr_vm_write(&vm, &wb, false, &pending, off, &z);
	z.nr = 0;
	kvm_memattr_mtrr_vm_nc_dma(&vm, &z);
	kvm_memattr_mtrr_vm_write(&vm, &uc_hole, false, &pending, on, &z);
	if (!kvm_memattr_ranges_contain(&z, ram))
		return FAIL("an entry mapped before the device came stays WB under MTRR UC");

	/*
	 * The first device arrives while a fault runs: the fault found no
	 * device, recorded nothing, then typed its entry from the MTRRs (RAM
	 * at 2 GiB UC) once the count was up. A commit before the arrival's
	 * own zap makes that RAM WB: the UC entry must go.
	 */
	kvm_memattr_mtrr_vm_init(&vm, 46);
	kvm_memattr_mtrr_vm_write(&vm, &uc_hole, false, &pending, off, &z);
	z.nr = 0;
	kvm_memattr_mtrr_vm_write(&vm, &wb, false, &pending, on, &z);
	kvm_memattr_mtrr_vm_nc_dma(&vm, &z);
	if (!kvm_memattr_ranges_contain(&z, ram))
		return FAIL("a fault racing the first device's arrival keeps a stale UC entry");

	/*
	 * A vCPU with CR0.CD=1 maps RAM UC with IPAT. When the last device
	 * leaves, RAM is WB again: that entry must go.
	 */
	kvm_memattr_mtrr_vm_init(&vm, 46);
	kvm_memattr_mtrr_vm_write(&vm, &wb, false, &pending, on, &z);
	kvm_memattr_mtrr_vm_fault(&vm, low, 1, true);
	z.nr = 0;
	kvm_memattr_mtrr_vm_nc_dma(&vm, &z);
	if (!kvm_memattr_ranges_contain(&z, low))
		return FAIL("a UC entry of a vCPU with CR0.CD=1 stays after the device left");

	/*
	 * The last device leaves: the count drops to 0, then the departure
	 * takes the VM's lock. A commit in between sees no device, where
	 * every MTRR type maps RAM WB, yet the entries it makes stale were
	 * installed with the device there: RAM at 2 GiB was UC, the commit
	 * makes it WB, and its UC entry must go.
	 */
	kvm_memattr_mtrr_vm_init(&vm, 46);
	kvm_memattr_mtrr_vm_write(&vm, &uc_hole, false, &pending, on, &z);
	kvm_memattr_mtrr_vm_fault(&vm, ram, 1, false);
	z.nr = 0;
	kvm_memattr_mtrr_vm_write(&vm, &wb, false, &pending, off, &z);
	kvm_memattr_mtrr_vm_nc_dma(&vm, &z);
	if (!kvm_memattr_ranges_contain(&z, ram))
		return FAIL("a commit racing the last device's departure keeps a stale UC entry");

	/*
	 * The same race with a CR0.CD clear: the vCPU mapped RAM UC with
	 * IPAT while CD was set, and its CD clear sees no device.
	 */
	kvm_memattr_mtrr_vm_init(&vm, 46);
	kvm_memattr_mtrr_vm_write(&vm, &wb, false, &pending, on, &z);
	kvm_memattr_mtrr_vm_fault(&vm, low, 1, true);
	pending = false;
	z.nr = 0;
	kvm_memattr_mtrr_vm_cr0(&vm, &wb, false, &pending, off, &z);
	kvm_memattr_mtrr_vm_nc_dma(&vm, &z);
	if (!kvm_memattr_ranges_contain(&z, low))
		return FAIL("a CR0.CD clear racing the last device's departure leaves a UC entry");

	/*
	 * A transition zaps every frame: a commit after it zaps only what
	 * faults recorded since.
	 */
	kvm_memattr_mtrr_vm_init(&vm, 46);
	kvm_memattr_mtrr_vm_write(&vm, &wb, false, &pending, off, &z);
	kvm_memattr_mtrr_vm_fault(&vm, ram, 1, false);
	z.nr = 0;
	kvm_memattr_mtrr_vm_nc_dma(&vm, &z);
	if (z.nr != 1 || z.r[0].start || z.r[0].end < GFN(1ULL << 46))
		return FAIL("a non-coherent DMA transition did not zap every frame");
	z.nr = 0;
	kvm_memattr_mtrr_vm_write(&vm, &uc_hole, false, &pending, on, &z);
	if (z.nr)
		return FAIL("a commit after a full zap zapped frames no fault mapped");
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * Seed 002 (Yan Zhao, 2023-05-25): (1) a fixed range is UC, and so is its
 * entry; (2) CR0.CD=1, no zap; (3) MTRRs disabled, no zap; (4) the range
 * becomes WB and MTRRs are enabled, no zap; (5) CR0.CD=0: the range must
 * be zapped so that its entry becomes WB.
 */
int memattr_x86_check_seed002(char *err, int len)
{
	struct kvm_memattr_gfn_ranges last;
	struct kvm_memattr_mtrrs layout;
	struct memattr_boot_stats st = { 0 };
	struct sim_vcpu v;
	struct sim s = {
		.policy = MEMATTR_BOOT_PER_VM, .st = &st, .last = &last,
		.final = &layout, .facts = honoring(),
	};
	const u64 gfn = GFN(0xc0000);

	ovmf_layout(&layout, true);
	kvm_memattr_mtrr_vm_init(&s.vm, 46);
	/* The firmware programmed the layout with caches disabled. */
	v = (struct sim_vcpu) { .m = layout, .cd = true, .pending = true };
	sim_cd(&s, &v, false);

	/* (1) */
	sim_faults(&s, &v, gfn, gfn + 1, 1);
	if (kvm_memattr_mtrr_type(&s.vm.committed, gfn) != KVM_MEMTYPE_UC)
		return FAIL("(1) gfn %#llx is not UC", (unsigned long long)gfn);
	st.zap_calls = 0;
	/* (2), (3), (4) */
	sim_cd(&s, &v, true);
	sim_write(&s, &v, DEFTYPE, 0, 0);
	sim_write(&s, &v, FIX4K, 0, layout.fixed_4k[0] | MTRR_WB);
	sim_write(&s, &v, DEFTYPE, 0, layout.deftype);
	if (st.zap_calls)
		return FAIL("%llu zaps before CR0.CD=0",
			    (unsigned long long)st.zap_calls);
	/* (5) */
	sim_cd(&s, &v, false);
	if (!kvm_memattr_ranges_contain(&last, gfn))
		return FAIL("(5) did not zap gfn %#llx", (unsigned long long)gfn);
	if (kvm_memattr_ranges_contain(&last, gfn + 1))
		return FAIL("(5) zapped gfn %#llx, still UC",
			    (unsigned long long)gfn + 1);
	if (kvm_memattr_mtrr_type(&s.vm.committed, gfn) != KVM_MEMTYPE_WB)
		return FAIL("(5) gfn %#llx is not WB", (unsigned long long)gfn);
	return 0;
}
