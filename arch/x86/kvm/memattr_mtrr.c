// SPDX-License-Identifier: GPL-2.0
/*
 * Guest MTRRs honored per VM (see memattr_mtrr.h), and the zap rules of
 * the EPT policy's "honor guest MTRRs" mode:
 *
 *  - An MTRR write by a vCPU with caches enabled commits that vCPU's MTRRs
 *    as the VM's; the frames whose decision changes are zapped, and only
 *    those that may have an entry.
 *  - A vCPU with CR0.CD=1 is programming its MTRRs (the SDM's procedure
 *    sets CD first): its writes are committed when it clears CD. vCPUs
 *    that program the MTRRs the VM already has commit nothing, so bringing
 *    up N vCPUs zaps no more than bringing up one.
 *  - Entries installed while the faulting vCPU had CR0.CD=1 followed the
 *    CD rules, not the MTRRs: clearing CD zaps those whose decision differs.
 *  - Guest PAT is not an input of the decision, so writing IA32_PAT never
 *    zaps.
 *
 * "Whose decision changes" is always asked of kvm_memattr_resolve_ept(),
 * never re-derived here.
 */
#include <linux/bits.h>
#include <linux/export.h>
#include <linux/kvm_memattr.h>
#include <kunit/visibility.h>

#include "memattr_mtrr.h"

/* MTRRdefType fields and the valid bit of MTRRphysMask (SDM 12.11.2). */
#define MTRR_DEF_TYPE		0xffULL
#define MTRR_DEF_FE		BIT_ULL(10)
#define MTRR_DEF_E		BIT_ULL(11)
#define MTRR_MASK_VALID		BIT_ULL(11)
#define MTRR_BASE_TYPE		0xffULL

/* Frames in a 2M block: a 4K page table, or a 2M leaf. */
#define PAGES_2M		512ULL

/* The fixed ranges cover the first MiB: 8 x 64K, 16 x 16K, 64 x 4K. */
#define FIXED_16K_GFN		0x80
#define FIXED_4K_GFN		0xc0
#define FIXED_END_GFN		0x100

static u8 mtrr_memtype(u64 raw)
{
	switch (raw) {
	case 1:		return KVM_MEMTYPE_WC;
	case 4:		return KVM_MEMTYPE_WT;
	case 5:		return KVM_MEMTYPE_WP;
	case 6:		return KVM_MEMTYPE_WB;
	default:	return KVM_MEMTYPE_UC;	/* UC, and what KVM rejects */
	}
}

static unsigned int phys_bits(const struct kvm_memattr_mtrrs *m)
{
	return m->phys_bits >= 32 && m->phys_bits <= 52 ? m->phys_bits : 52;
}

/**
 * kvm_memattr_mtrr_gfn_limit() - The first frame above the guest's
 *	physical address space.
 * @m: MTRR state (for its MAXPHYADDR).
 *
 * Return: 1 << (MAXPHYADDR - 12).
 */
u64 kvm_memattr_mtrr_gfn_limit(const struct kvm_memattr_mtrrs *m)
{
	return 1ULL << (phys_bits(m) - 12);
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_gfn_limit);

static bool fixed_enabled(const struct kvm_memattr_mtrrs *m)
{
	return (m->deftype & (MTRR_DEF_E | MTRR_DEF_FE)) ==
	       (MTRR_DEF_E | MTRR_DEF_FE);
}

static u8 fixed_type(const struct kvm_memattr_mtrrs *m, u64 gfn)
{
	u64 msr;
	unsigned int byte;

	if (gfn < FIXED_16K_GFN) {
		msr = m->fixed_64k;
		byte = gfn >> 4;
	} else if (gfn < FIXED_4K_GFN) {
		msr = m->fixed_16k[(gfn - FIXED_16K_GFN) >> 5];
		byte = ((gfn - FIXED_16K_GFN) >> 2) & 7;
	} else {
		msr = m->fixed_4k[(gfn - FIXED_4K_GFN) >> 3];
		byte = (gfn - FIXED_4K_GFN) & 7;
	}
	return mtrr_memtype((msr >> (byte * 8)) & 0xff);
}

/*
 * A variable range matches the frames whose address bits under the mask
 * equal the base's. With a mask whose bits are contiguous up to MAXPHYADDR
 * that is one aligned range [*start, *end); the SDM allows other masks,
 * which match scattered frames: false for those.
 */
static bool var_range(const struct kvm_memattr_mtrrs *m, unsigned int i,
		      u64 *start, u64 *end)
{
	u64 addr_bits = ((1ULL << phys_bits(m)) - 1) & ~0xfffULL;
	u64 mask = m->var[2 * i + 1] & addr_bits;
	u64 span = ~mask & addr_bits;

	/* span + 4K must be a power of two: the mask is a top run of ones */
	if ((span + 0x1000) & span)
		return false;
	*start = (m->var[2 * i] & mask) >> 12;
	*end = *start + (span >> 12) + 1;
	return true;
}

static bool var_valid(const struct kvm_memattr_mtrrs *m, unsigned int i)
{
	return m->var[2 * i + 1] & MTRR_MASK_VALID;
}

static bool var_match(const struct kvm_memattr_mtrrs *m, unsigned int i,
		      u64 gfn)
{
	u64 addr_bits = ((1ULL << phys_bits(m)) - 1) & ~0xfffULL;
	u64 mask = m->var[2 * i + 1] & addr_bits;

	return !(((gfn << 12) ^ m->var[2 * i]) & mask);
}

/**
 * kvm_memattr_mtrr_type() - The memory type the MTRRs give a frame.
 * @m: MTRR state.
 * @gfn: guest frame number.
 *
 * The SDM's rules (12.11.4.1): MTRRs disabled is UC; the fixed ranges
 * decide the first MiB when enabled; overlapping variable ranges give UC
 * if one is UC, WT for WT and WB, and are undefined otherwise, which is
 * taken as UC.
 *
 * Return: an x86 &enum kvm_memtype.
 */
u8 kvm_memattr_mtrr_type(const struct kvm_memattr_mtrrs *m, u64 gfn)
{
	u8 type = KVM_MEMTYPE_NR, t;
	unsigned int i;

	if (!(m->deftype & MTRR_DEF_E))
		return KVM_MEMTYPE_UC;
	if (fixed_enabled(m) && gfn < FIXED_END_GFN)
		return fixed_type(m, gfn);

	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++) {
		if (!var_valid(m, i) || !var_match(m, i, gfn))
			continue;
		t = mtrr_memtype(m->var[2 * i] & MTRR_BASE_TYPE);
		if (type == KVM_MEMTYPE_NR || type == t)
			type = t;
		else if ((type == KVM_MEMTYPE_WT && t == KVM_MEMTYPE_WB) ||
			 (type == KVM_MEMTYPE_WB && t == KVM_MEMTYPE_WT))
			type = KVM_MEMTYPE_WT;
		else
			type = KVM_MEMTYPE_UC;
	}
	if (type == KVM_MEMTYPE_NR)
		type = mtrr_memtype(m->deftype & MTRR_DEF_TYPE);
	return type;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_type);

/* Whether every variable range in use is one contiguous range. */
static bool vars_contiguous(const struct kvm_memattr_mtrrs *m)
{
	u64 start, end;
	unsigned int i;

	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++)
		if (var_valid(m, i) && !var_range(m, i, &start, &end))
			return false;
	return true;
}

/*
 * The first frame after @gfn where the type given by @m may change; the
 * type is constant from @gfn up to it. Needs vars_contiguous(m).
 */
static u64 next_edge(const struct kvm_memattr_mtrrs *m, u64 gfn, u64 limit)
{
	u64 next = limit, start, end;
	unsigned int i;

	if (!(m->deftype & MTRR_DEF_E))
		return limit;
	if (fixed_enabled(m) && gfn < FIXED_END_GFN) {
		if (gfn < FIXED_16K_GFN)
			next = (gfn | 0xf) + 1;
		else if (gfn < FIXED_4K_GFN)
			next = (gfn | 0x3) + 1;
		else
			next = gfn + 1;
	}
	for (i = 0; i < KVM_MEMATTR_MTRR_NR_VAR; i++) {
		if (!var_valid(m, i) || !var_range(m, i, &start, &end))
			continue;
		if (start > gfn && start < next)
			next = start;
		if (end > gfn && end < next)
			next = end;
	}
	return next;
}

/**
 * kvm_memattr_mtrr_uniform() - Whether the MTRRs give a block one type.
 * @m: MTRR state.
 * @gfn: first frame of the block.
 * @npages: frames in the block.
 *
 * A huge EPT entry has one memory type, so it may only map a block the
 * MTRRs give one type.
 *
 * Return: true if every frame of [@gfn, @gfn + @npages) has the same type.
 */
bool kvm_memattr_mtrr_uniform(const struct kvm_memattr_mtrrs *m, u64 gfn,
			      u64 npages)
{
	u64 end = gfn + npages, limit = kvm_memattr_mtrr_gfn_limit(m);
	u8 type = kvm_memattr_mtrr_type(m, gfn);

	if (npages <= 1)
		return true;
	if (!vars_contiguous(m))
		return false;
	for (gfn = next_edge(m, gfn, limit); gfn < end && gfn < limit;
	     gfn = next_edge(m, gfn, limit))
		if (kvm_memattr_mtrr_type(m, gfn) != type)
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_uniform);

static u64 gfn_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 gfn_max(u64 a, u64 b)
{
	return a > b ? a : b;
}

/* Merge the two neighbours with the smallest gap between them. */
static void ranges_squeeze(struct kvm_memattr_gfn_ranges *set)
{
	unsigned int i, best = 0;
	u64 gap, best_gap = ~0ULL;

	for (i = 0; i + 1 < set->nr; i++) {
		gap = set->r[i + 1].start - set->r[i].end;
		if (gap < best_gap) {
			best_gap = gap;
			best = i;
		}
	}
	set->r[best].end = set->r[best + 1].end;
	for (i = best + 1; i + 1 < set->nr; i++)
		set->r[i] = set->r[i + 1];
	set->nr--;
}

/**
 * kvm_memattr_ranges_add() - Add [@start, @end) to a set of ranges.
 * @set: the set.
 * @start: first frame.
 * @end: frame after the last; nothing is added if not above @start.
 */
void kvm_memattr_ranges_add(struct kvm_memattr_gfn_ranges *set, u64 start,
			    u64 end)
{
	unsigned int i, j, k;

	if (end <= start)
		return;

	/* r[i..j) are the ranges that overlap or touch [start, end). */
	for (i = 0; i < set->nr && set->r[i].end < start; i++)
		;
	for (j = i; j < set->nr && set->r[j].start <= end; j++)
		;

	if (j > i) {
		set->r[i].start = gfn_min(start, set->r[i].start);
		set->r[i].end = gfn_max(end, set->r[j - 1].end);
		for (k = j; k < set->nr; k++)
			set->r[i + 1 + k - j] = set->r[k];
		set->nr -= j - i - 1;
		return;
	}

	if (set->nr == KVM_MEMATTR_GFN_RANGES) {
		ranges_squeeze(set);
		kvm_memattr_ranges_add(set, start, end);
		return;
	}
	for (k = set->nr; k > i; k--)
		set->r[k] = set->r[k - 1];
	set->r[i].start = start;
	set->r[i].end = end;
	set->nr++;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_ranges_add);

/**
 * kvm_memattr_ranges_contain() - Whether a set holds a frame.
 * @set: the set.
 * @gfn: the frame.
 *
 * Return: true if @gfn is in one of the ranges.
 */
bool kvm_memattr_ranges_contain(const struct kvm_memattr_gfn_ranges *set,
				u64 gfn)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		if (gfn >= set->r[i].start && gfn < set->r[i].end)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_ranges_contain);

/**
 * kvm_memattr_ranges_pages() - Frames in a set.
 * @set: the set.
 *
 * Return: the number of frames the ranges cover.
 */
u64 kvm_memattr_ranges_pages(const struct kvm_memattr_gfn_ranges *set)
{
	u64 pages = 0;
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		pages += set->r[i].end - set->r[i].start;
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_ranges_pages);

static bool same_decision(struct kvm_memattr_decision a,
			  struct kvm_memattr_decision b)
{
	return a.refuse == b.refuse &&
	       (a.refuse || (a.type == b.type && a.flags == b.flags));
}

/* Whether RAM or host MMIO of type @ta under @fa maps differently under @fb. */
static bool decision_differs(union kvm_memattr_facts fa, u8 ta,
			     union kvm_memattr_facts fb, u8 tb)
{
	unsigned int backing;

	fa.guest_mtrr = ta;
	fb.guest_mtrr = tb;
	for (backing = KVM_MEMATTR_RAM; backing <= KVM_MEMATTR_MMIO; backing++) {
		fa.backing = backing;
		fb.backing = backing;
		if (!same_decision(kvm_memattr_resolve_ept(fa),
				   kvm_memattr_resolve_ept(fb)))
			return true;
	}
	return false;
}

static void add_within(struct kvm_memattr_gfn_ranges *out,
		       const struct kvm_memattr_gfn_ranges *within,
		       u64 start, u64 end)
{
	unsigned int i;

	if (!within) {
		kvm_memattr_ranges_add(out, start, end);
		return;
	}
	for (i = 0; i < within->nr; i++)
		kvm_memattr_ranges_add(out, gfn_max(start, within->r[i].start),
				       gfn_min(end, within->r[i].end));
}

/**
 * kvm_memattr_mtrr_diff() - The frames whose EPT decision differs between
 *	two MTRR states and VM facts.
 * @a: MTRR state the entries were installed with.
 * @fa: VM facts they were installed with.
 * @b: MTRR state faults now resolve against.
 * @fb: VM facts faults now resolve with.
 * @within: only frames in these ranges (entries that may exist), or NULL.
 * @out: the frames to zap are added here.
 *
 * The MTRRs are constant between the edges of their ranges, so one frame
 * per segment between consecutive edges of @a and @b is asked of the
 * policy, for RAM and for host MMIO. Non-contiguous variable masks, which
 * no firmware uses, make every frame differ.
 */
void kvm_memattr_mtrr_diff(const struct kvm_memattr_mtrrs *a,
			   union kvm_memattr_facts fa,
			   const struct kvm_memattr_mtrrs *b,
			   union kvm_memattr_facts fb,
			   const struct kvm_memattr_gfn_ranges *within,
			   struct kvm_memattr_gfn_ranges *out)
{
	u64 limit = gfn_max(kvm_memattr_mtrr_gfn_limit(a),
			    kvm_memattr_mtrr_gfn_limit(b));
	u64 gfn, next;

	if (!vars_contiguous(a) || !vars_contiguous(b)) {
		add_within(out, within, 0, limit);
		return;
	}
	for (gfn = 0; gfn < limit; gfn = next) {
		next = gfn_min(next_edge(a, gfn, limit),
			       next_edge(b, gfn, limit));
		if (decision_differs(fa, kvm_memattr_mtrr_type(a, gfn),
				     fb, kvm_memattr_mtrr_type(b, gfn)))
			add_within(out, within, gfn, next);
	}
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_diff);

/**
 * kvm_memattr_mtrr_vm_init() - A VM before any vCPU programmed its MTRRs.
 * @vm: the state.
 * @phys_bits: the guest's MAXPHYADDR.
 *
 * MTRRs come out of reset disabled, and the firmware programs them with
 * CR0.CD=1, the reset value.
 */
void kvm_memattr_mtrr_vm_init(struct kvm_memattr_mtrr_vm *vm, u8 phys_bits)
{
	*vm = (struct kvm_memattr_mtrr_vm) {
		.committed.phys_bits = phys_bits,
		.cd_span = KVM_MEMATTR_PREFETCH_PAGES,
	};
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_vm_init);

/**
 * kvm_memattr_mtrr_block() - The largest block a fault may map.
 * @m: the committed MTRRs.
 * @gfn: the faulting frame.
 * @max_pages: the largest block the fault may map there (1, 512 or 262144
 *	frames, as the memslot and the host mapping allow).
 * @cr0_cd: the faulting vCPU has CR0.CD=1.
 *
 * A vCPU with caches disabled maps 4K: its leaf is UC whatever the block,
 * and clearing CD must zap all of it, though only its frame is recorded
 * (see fault_span()). A huge leaf that KVM later split in place (an
 * executable huge page with NX huge pages, dirty logging) would leave its
 * other pieces UC.
 *
 * Return: @max_pages, lowered until @m gives the block around @gfn one
 * type; 1 with @cr0_cd.
 */
u64 kvm_memattr_mtrr_block(const struct kvm_memattr_mtrrs *m, u64 gfn,
			   u64 max_pages, bool cr0_cd)
{
	u64 pages = cr0_cd ? 1 : max_pages;

	while (pages > 1 &&
	       !kvm_memattr_mtrr_uniform(m, gfn & ~(pages - 1), pages))
		pages = pages > PAGES_2M ? PAGES_2M : 1;
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_block);

/*
 * What a fault records. With caches enabled: its block, at least the
 * surrounding 2M, so that a commit that changes any part of a block finds
 * the leaf over it.
 *
 * With CR0.CD set the leaf is UC with IPAT whatever the MTRRs say; CD's
 * clear zaps every frame recorded with it set, since the MTRRs never give
 * IPAT, and a zap takes every leaf over a frame it covers, huge or not.
 * The frames of a 4K leaf and of the neighbours prefetched with it
 * (&kvm_memattr_mtrr_vm.cd_span) are enough. A larger span would take the
 * leaves other vCPUs installed around it, which the next vCPU to run with
 * CD set, in a rendezvous where every CPU disables its caches in turn,
 * faults in and records again.
 */
static void fault_span(const struct kvm_memattr_mtrr_vm *vm, u64 gfn,
		       u64 pages, bool cr0_cd, u64 *start, u64 *end)
{
	u64 span = cr0_cd ? vm->cd_span : gfn_max(pages, PAGES_2M);

	*start = gfn & ~(span - 1);
	*end = *start + span;
}

/**
 * kvm_memattr_mtrr_vm_recorded() - Whether a fault would record nothing
 *	new.
 * @vm: the state.
 * @gfn: the faulting frame.
 * @pages: the block it maps, from kvm_memattr_mtrr_block().
 * @cr0_cd: the faulting vCPU has CR0.CD=1.
 *
 * Lets a fault skip kvm_memattr_mtrr_vm_fault(), and its lock, once an
 * earlier fault recorded the block: recorded frames stay recorded until a
 * change zaps them.
 *
 * Return: true if the block is recorded in the set @cr0_cd selects.
 */
bool kvm_memattr_mtrr_vm_recorded(const struct kvm_memattr_mtrr_vm *vm,
				  u64 gfn, u64 pages, bool cr0_cd)
{
	const struct kvm_memattr_gfn_ranges *set = cr0_cd ? &vm->mapped_cd :
							     &vm->mapped;
	unsigned int i, nr = set->nr;
	u64 start, end;

	/* A reader racing with a writer retries; it must not overrun. */
	if (nr > KVM_MEMATTR_GFN_RANGES)
		nr = KVM_MEMATTR_GFN_RANGES;
	fault_span(vm, gfn, pages, cr0_cd, &start, &end);
	/* The ranges are disjoint and not adjacent: one must hold it all. */
	for (i = 0; i < nr; i++)
		if (set->r[i].start <= start && end <= set->r[i].end)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_vm_recorded);

/**
 * kvm_memattr_mtrr_vm_fault() - A fault may install an entry.
 * @vm: the state.
 * @gfn: the faulting frame.
 * @max_pages: the largest block the fault may map there (1, 512 or 262144
 *	frames, as the memslot and the host mapping allow).
 * @cr0_cd: the faulting vCPU has CR0.CD=1.
 *
 * Lowers the block until the committed MTRRs give it one type, and records
 * it, at least the surrounding 2M (prefetching fills in the neighbours of
 * a 4K entry); with CR0.CD set, the block is 4K and only the frame and
 * its prefetched neighbours are recorded (see fault_span()). Must run
 * under the same lock as the functions that change @vm, and before the
 * fault reads @vm->committed to decide the entry's type: either the fault
 * sees the new MTRRs, or the change sees the fault's frames.
 *
 * Return: the largest block, in frames, the fault may map.
 */
u64 kvm_memattr_mtrr_vm_fault(struct kvm_memattr_mtrr_vm *vm, u64 gfn,
			      u64 max_pages, bool cr0_cd)
{
	u64 pages = kvm_memattr_mtrr_block(&vm->committed, gfn, max_pages,
					   cr0_cd);
	u64 start, end;

	fault_span(vm, gfn, pages, cr0_cd, &start, &end);
	kvm_memattr_ranges_add(cr0_cd ? &vm->mapped_cd : &vm->mapped, start,
			       end);
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_vm_fault);

/*
 * Make @m the VM's MTRRs. Entries installed from the old ones are stale
 * where the decision differs.
 */
static void commit(struct kvm_memattr_mtrr_vm *vm,
		   const struct kvm_memattr_mtrrs *m, union kvm_memattr_facts f,
		   struct kvm_memattr_gfn_ranges *zap)
{
	f.cr0_cd = 0;
	kvm_memattr_mtrr_diff(&vm->committed, f, m, f, &vm->mapped, zap);
	vm->committed = *m;
}

/*
 * Entries installed with CR0.CD=1 are stale where the CD rules differ from
 * what the MTRRs give; the others now follow the MTRRs. Entries that vCPUs
 * still at CR0.CD=1 install later are recorded again.
 */
static void cd_cleared(struct kvm_memattr_mtrr_vm *vm,
		       union kvm_memattr_facts f,
		       struct kvm_memattr_gfn_ranges *zap)
{
	union kvm_memattr_facts cd = f;
	unsigned int i;

	cd.cr0_cd = 1;
	f.cr0_cd = 0;
	kvm_memattr_mtrr_diff(&vm->committed, cd, &vm->committed, f,
			      &vm->mapped_cd, zap);
	for (i = 0; i < vm->mapped_cd.nr; i++)
		kvm_memattr_ranges_add(&vm->mapped, vm->mapped_cd.r[i].start,
				       vm->mapped_cd.r[i].end);
	vm->mapped_cd.nr = 0;
}

/**
 * kvm_memattr_mtrr_vm_write() - A vCPU wrote one of its MTRRs.
 * @vm: the state.
 * @m: the vCPU's MTRRs, the write included.
 * @cr0_cd: the vCPU has CR0.CD=1.
 * @pending: the vCPU's; set while it has MTRR writes to commit.
 * @f: the VM's facts (&union kvm_memattr_facts, x86-ept).
 * @zap: frames to zap are added here.
 *
 * With caches enabled the write takes effect now. With CR0.CD=1 the vCPU
 * is programming its MTRRs, and they are committed when it clears CD.
 */
void kvm_memattr_mtrr_vm_write(struct kvm_memattr_mtrr_vm *vm,
			       const struct kvm_memattr_mtrrs *m, bool cr0_cd,
			       bool *pending, union kvm_memattr_facts f,
			       struct kvm_memattr_gfn_ranges *zap)
{
	*pending = cr0_cd;
	if (!cr0_cd)
		commit(vm, m, f, zap);
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_vm_write);

/**
 * kvm_memattr_mtrr_vm_cr0() - A vCPU changed CR0.CD.
 * @vm: the state.
 * @m: the vCPU's MTRRs.
 * @cr0_cd: the vCPU's new CR0.CD.
 * @pending: the vCPU's, see kvm_memattr_mtrr_vm_write().
 * @f: the VM's facts (x86-ept).
 * @zap: frames to zap are added here.
 *
 * Setting CD changes nothing yet: entries the vCPU installs from now on
 * are recorded apart. Clearing it commits the MTRRs the vCPU wrote while
 * CD was set, if any, and zaps the entries installed with CD set that the
 * MTRRs now map differently. A vCPU that clears CD without having written
 * its MTRRs, as an AP loading the BSP's CR0 before it copies the BSP's
 * MTRRs, or a hot-added vCPU, commits nothing: its MTRRs are not the
 * guest's yet.
 */
void kvm_memattr_mtrr_vm_cr0(struct kvm_memattr_mtrr_vm *vm,
			     const struct kvm_memattr_mtrrs *m, bool cr0_cd,
			     bool *pending, union kvm_memattr_facts f,
			     struct kvm_memattr_gfn_ranges *zap)
{
	if (cr0_cd)
		return;
	if (*pending)
		commit(vm, m, f, zap);
	*pending = false;
	cd_cleared(vm, f, zap);
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_vm_cr0);

/**
 * kvm_memattr_mtrr_vm_nc_dma() - The VM's first non-coherent DMA device
 *	arrived, or its last one left.
 * @vm: the state.
 * @zap: every frame is added here.
 *
 * Every entry goes, and what faults recorded with it. Faults record their
 * blocks only while KVM honors the MTRRs, which it does only with
 * non-coherent DMA, and a transition races with faults and changes that
 * read the device count before it: a fault that found none recorded
 * nothing and may still type its entry from the MTRRs, which a commit can
 * then change without finding it; a commit or CD clear that found none
 * diffed as if every MTRR type mapped RAM WB. No diff of the transition
 * can tell which entries those left. Transitions are rare (a device is
 * added or removed), and 6.12 zaps every frame on them too unless the VMM
 * disabled KVM_X86_QUIRK_IGNORE_GUEST_PAT.
 */
void kvm_memattr_mtrr_vm_nc_dma(struct kvm_memattr_mtrr_vm *vm,
				struct kvm_memattr_gfn_ranges *zap)
{
	kvm_memattr_ranges_add(zap, 0, KVM_MEMATTR_GFN_ALL);
	vm->mapped.nr = 0;
	vm->mapped_cd.nr = 0;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_vm_nc_dma);
