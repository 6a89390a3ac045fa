/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MTRRs honored per VM: the MTRR state a VM's EPT entries follow,
 * the guest-physical ranges whose entries depend on it, and which ranges a
 * change must zap. The policy itself is kvm_memattr_resolve_ept(); this
 * file only asks it, range by range, whether a change makes a difference.
 *
 * Pure code, no locks and no allocation: arch/x86/kvm/memattr.c adds the
 * locking and the zapping, and the userspace tests and the zap-cost
 * benchmark drive the same file.
 */
#ifndef __KVM_X86_MEMATTR_MTRR_H
#define __KVM_X86_MEMATTR_MTRR_H

#include <linux/kvm_memattr.h>

#define KVM_MEMATTR_MTRR_NR_VAR		8
#define KVM_MEMATTR_GFN_RANGES		16
/* Every frame: the end of what kvm_zap_gfn_range(kvm, 0, ~0) zaps. */
#define KVM_MEMATTR_GFN_ALL		(~0ULL >> 12)
/* The 4K leaves KVM's shadow MMU installs with a fault, aligned. */
#define KVM_MEMATTR_PREFETCH_PAGES	8

/**
 * struct kvm_memattr_mtrrs - One vCPU's MTRR MSRs, as the guest wrote them.
 * @var: MTRRphysBase0, MTRRphysMask0, MTRRphysBase1, ...
 * @fixed_64k: MTRRfix64K_00000.
 * @fixed_16k: MTRRfix16K_80000 and MTRRfix16K_A0000.
 * @fixed_4k: MTRRfix4K_C0000 to MTRRfix4K_F8000.
 * @deftype: MTRRdefType.
 * @phys_bits: the vCPU's MAXPHYADDR, which bounds the variable ranges.
 *
 * The MSR fields are laid out as &struct kvm_mtrr.
 */
struct kvm_memattr_mtrrs {
	u64 var[2 * KVM_MEMATTR_MTRR_NR_VAR];
	u64 fixed_64k;
	u64 fixed_16k[2];
	u64 fixed_4k[8];
	u64 deftype;
	u8 phys_bits;
};

/**
 * struct kvm_memattr_gfn_ranges - A bounded set of guest frame ranges.
 * @nr: number of ranges in use.
 * @r: sorted, disjoint, non-adjacent [start, end) ranges.
 *
 * Adding a range to a full set merges the two ranges with the smallest gap
 * between them: the set may grow, never lose a frame.
 */
struct kvm_memattr_gfn_ranges {
	unsigned int nr;
	struct {
		u64 start;
		u64 end;
	} r[KVM_MEMATTR_GFN_RANGES];
};

/**
 * struct kvm_memattr_mtrr_vm - What a VM's EPT entries follow.
 * @committed: the MTRRs faults resolve against; the last vCPU to program
 *	its MTRRs with caches enabled (CR0.CD=0), or to clear CR0.CD after
 *	writing them, sets them.
 * @mapped: frames that may have an entry installed from @committed.
 * @mapped_cd: frames that may have an entry installed by a vCPU with
 *	CR0.CD=1, which the policy resolves without the MTRRs, since a vCPU
 *	last cleared CR0.CD.
 * @cd_span: the aligned frames a fault with CR0.CD=1 records: those of the
 *	4K leaves it may install, %KVM_MEMATTR_PREFETCH_PAGES by default, 1
 *	where the MMU installs only the faulting leaf (the TDP MMU).
 */
struct kvm_memattr_mtrr_vm {
	struct kvm_memattr_mtrrs committed;
	struct kvm_memattr_gfn_ranges mapped;
	struct kvm_memattr_gfn_ranges mapped_cd;
	u64 cd_span;
};

u8 kvm_memattr_mtrr_type(const struct kvm_memattr_mtrrs *m, u64 gfn);
bool kvm_memattr_mtrr_uniform(const struct kvm_memattr_mtrrs *m, u64 gfn,
			      u64 npages);
u64 kvm_memattr_mtrr_gfn_limit(const struct kvm_memattr_mtrrs *m);

void kvm_memattr_ranges_add(struct kvm_memattr_gfn_ranges *set, u64 start,
			    u64 end);
bool kvm_memattr_ranges_contain(const struct kvm_memattr_gfn_ranges *set,
				u64 gfn);
u64 kvm_memattr_ranges_pages(const struct kvm_memattr_gfn_ranges *set);

void kvm_memattr_mtrr_diff(const struct kvm_memattr_mtrrs *a,
			   union kvm_memattr_facts fa,
			   const struct kvm_memattr_mtrrs *b,
			   union kvm_memattr_facts fb,
			   const struct kvm_memattr_gfn_ranges *within,
			   struct kvm_memattr_gfn_ranges *out);

void kvm_memattr_mtrr_vm_init(struct kvm_memattr_mtrr_vm *vm, u8 phys_bits);
u64 kvm_memattr_mtrr_block(const struct kvm_memattr_mtrrs *m, u64 gfn,
			   u64 max_pages, bool cr0_cd);
bool kvm_memattr_mtrr_vm_recorded(const struct kvm_memattr_mtrr_vm *vm,
				  u64 gfn, u64 pages, bool cr0_cd);
u64 kvm_memattr_mtrr_vm_fault(struct kvm_memattr_mtrr_vm *vm, u64 gfn,
			      u64 max_pages, bool cr0_cd);
void kvm_memattr_mtrr_vm_write(struct kvm_memattr_mtrr_vm *vm,
			       const struct kvm_memattr_mtrrs *m, bool cr0_cd,
			       bool *pending, union kvm_memattr_facts f,
			       struct kvm_memattr_gfn_ranges *zap);
void kvm_memattr_mtrr_vm_cr0(struct kvm_memattr_mtrr_vm *vm,
			     const struct kvm_memattr_mtrrs *m, bool cr0_cd,
			     bool *pending, union kvm_memattr_facts f,
			     struct kvm_memattr_gfn_ranges *zap);
void kvm_memattr_mtrr_vm_nc_dma(struct kvm_memattr_mtrr_vm *vm,
				struct kvm_memattr_gfn_ranges *zap);

#endif /* __KVM_X86_MEMATTR_MTRR_H */
