// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_CAP_X86_HONOR_GUEST_MTRRS: one guest MTRR state per VM, committed by
 * MTRR writes and CR0.CD transitions, and one zapper at a time for the
 * union of what concurrent vCPUs queued. What to zap is decided in
 * memattr_mtrr.c; this file adds the locking, the vCPU state and the zaps.
 */
#include <kunit/visibility.h>
#include <linux/kvm_host.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <asm/mtrr.h>
#include <asm/vmx.h>

#include "cpuid.h"
#include "memattr.h"
#include "memattr_mtrr.h"
#include "memattr_vm.h"
#include "mmu.h"
#include "mmu/mmu_internal.h"
#include "mmu/spte.h"
#include "x86.h"

/**
 * kvm_memattr_ept_vm_facts() - The VM-wide facts of an EPT mapping.
 * @kvm: the VM.
 *
 * Return: facts with backing RAM, CR0.CD clear and no guest MTRR type.
 */
union kvm_memattr_facts kvm_memattr_ept_vm_facts(struct kvm *kvm)
{
	union kvm_memattr_facts f = { .word = 0 };

	f.self_snoop = static_cpu_has(X86_FEATURE_SELFSNOOP);
	f.nc_dma = kvm_arch_has_noncoherent_dma(kvm);
	f.ignore_guest_pat = kvm_check_has_quirk(kvm,
						 KVM_X86_QUIRK_IGNORE_GUEST_PAT);
	f.cd_nw_cleared = kvm_check_has_quirk(kvm, KVM_X86_QUIRK_CD_NW_CLEARED);
	f.honor_guest_mtrr = !!kvm->arch.memattr;
	return f;
}

/* The largest block a shadow EPT leaf for a nested guest maps. */
#define PAGES_1G	KVM_PAGES_PER_HPAGE(PG_LEVEL_1G)

/**
 * kvm_memattr_guest_mtrr() - The committed guest MTRR type of a frame.
 * @vcpu: the faulting vCPU of a VM that honors its MTRRs.
 * @gfn: the frame.
 *
 * Return: an x86 &enum kvm_memtype.
 */
u8 kvm_memattr_guest_mtrr(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	struct kvm_memattr_x86 *ma = vcpu->kvm->arch.memattr;
	unsigned int seq;
	u8 type;

	/*
	 * A guest without MTRRs never enables them, and its memory is WB, as
	 * it was when KVM last honored guest MTRRs, not the UC of disabled
	 * MTRRs.
	 */
	if (!guest_cpuid_has(vcpu, X86_FEATURE_MTRR))
		return KVM_MEMTYPE_WB;

	/*
	 * A TDP fault recorded its block in __kvm_memattr_tdp_fault(), after
	 * its mmu_invalidate_seq snapshot: a commit from then on zaps the
	 * block and makes the fault stale, so any consistent read will do.
	 */
	if (!is_guest_mode(vcpu)) {
		do {
			seq = read_seqcount_begin(&ma->seq);
			type = kvm_memattr_mtrr_type(&ma->mtrr.committed, gfn);
		} while (read_seqcount_retry(&ma->seq, seq));
		return type;
	}

	spin_lock(&ma->lock);
	/*
	 * Shadow EPT for a nested guest does not fault through
	 * kvm_tdp_page_fault(), and its leaves are not limited to blocks of
	 * one MTRR type: record the whole 1G block a leaf can map (not what
	 * kvm_memattr_mtrr_vm_fault() would shrink it to), in the set of
	 * the CR0.CD its type is decided with, so that the next commit or
	 * CD clear zaps it.
	 */
	write_seqcount_begin(&ma->seq);
	kvm_memattr_ranges_add(kvm_read_cr0_bits(vcpu, X86_CR0_CD) ?
			       &ma->mtrr.mapped_cd : &ma->mtrr.mapped,
			       gfn & ~(PAGES_1G - 1),
			       (gfn & ~(PAGES_1G - 1)) + PAGES_1G);
	write_seqcount_end(&ma->seq);
	type = kvm_memattr_mtrr_type(&ma->mtrr.committed, gfn);
	spin_unlock(&ma->lock);
	return type;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_guest_mtrr);

/**
 * kvm_memattr_mtrrs_supported() - Whether KVM can honor guest MTRRs.
 *
 * Only EPT takes the memory type of guest RAM from KVM; NPT has no guest
 * MTRRs to emulate and shadow paging leaves them to the host.
 *
 * Return: true with EPT.
 */
bool kvm_memattr_mtrrs_supported(void)
{
	return tdp_enabled && (shadow_memtype_mask & VMX_EPT_IPAT_BIT);
}

/**
 * kvm_memattr_vm_init() - Give a VM its guest MTRR state.
 * @kvm: the VM, without vCPUs.
 *
 * Return: 0; -EBUSY once vCPUs exist; -ENOMEM.
 */
int kvm_memattr_vm_init(struct kvm *kvm)
{
	struct kvm_memattr_x86 *ma;
	int r = 0;

	ma = kzalloc(sizeof(*ma), GFP_KERNEL_ACCOUNT);
	if (!ma)
		return -ENOMEM;
	spin_lock_init(&ma->lock);
	seqcount_spinlock_init(&ma->seq, &ma->lock);
	mutex_init(&ma->zap_lock);
	kvm_memattr_mtrr_vm_init(&ma->mtrr, boot_cpu_data.x86_phys_bits);
	/* TDP faults in this VM go to the TDP MMU, which prefetches nothing. */
	if (tdp_mmu_enabled)
		ma->mtrr.cd_span = 1;

	mutex_lock(&kvm->lock);
	if (kvm->created_vcpus) {
		r = -EBUSY;
	} else if (!kvm->arch.memattr) {
		/* A non-coherent DMA transition reads it without kvm->lock. */
		smp_store_release(&kvm->arch.memattr, ma);
		ma = NULL;
	}
	mutex_unlock(&kvm->lock);
	kfree(ma);
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_vm_init);

/**
 * kvm_memattr_enable_mtrrs() - KVM_ENABLE_CAP(KVM_CAP_X86_HONOR_GUEST_MTRRS).
 * @kvm: the VM.
 * @cap: flags 0, args[0] 1, nothing else.
 *
 * Return: 0; -EINVAL for bad arguments or without EPT; -EBUSY once vCPUs
 * exist; -ENOMEM.
 */
int kvm_memattr_enable_mtrrs(struct kvm *kvm, struct kvm_enable_cap *cap)
{
	if (cap->flags || cap->args[0] != 1 || cap->args[1] || cap->args[2] ||
	    cap->args[3] || !kvm_memattr_mtrrs_supported())
		return -EINVAL;

	return kvm_memattr_vm_init(kvm);
}

void kvm_memattr_destroy_vm(struct kvm *kvm)
{
	kfree(kvm->arch.memattr);
	kvm->arch.memattr = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_destroy_vm);

static void queue(struct kvm_memattr_x86 *ma,
		  const struct kvm_memattr_gfn_ranges *frames)
{
	unsigned int i;

	lockdep_assert_held(&ma->lock);
	for (i = 0; i < frames->nr; i++)
		kvm_memattr_ranges_add(&ma->zap_queue, frames->r[i].start,
				       frames->r[i].end);
}

/*
 * Whether a zap is queued or in flight: a vCPU whose own change zaps
 * nothing still waits for it, since the MTRRs it committed, or found
 * already committed, are in effect only once the entries from before are
 * gone.
 */
static bool zap_pending(struct kvm_memattr_x86 *ma)
{
	lockdep_assert_held(&ma->lock);
	return ma->zap_queue.nr || ma->zapping;
}

/*
 * Zap what is queued. A vCPU that queued frames, or found a zap in flight,
 * returns to its guest only once they are zapped, by itself or by the vCPU
 * it waited for.
 */
static void zap_queued(struct kvm *kvm, struct kvm_memattr_x86 *ma)
{
	struct kvm_memattr_gfn_ranges todo;
	unsigned int i;

	mutex_lock(&ma->zap_lock);
	spin_lock(&ma->lock);
	todo = ma->zap_queue;
	ma->zap_queue.nr = 0;
	ma->zapping++;
	spin_unlock(&ma->lock);

	/* kvm_zap_gfn_range() takes kvm->srcu: ioctls may zap too. */
	for (i = 0; i < todo.nr; i++)
		kvm_zap_gfn_range(kvm, todo.r[i].start, todo.r[i].end);

	spin_lock(&ma->lock);
	ma->zapping--;
	spin_unlock(&ma->lock);
	mutex_unlock(&ma->zap_lock);
}

static void vcpu_mtrrs(struct kvm_vcpu *vcpu, struct kvm_memattr_mtrrs *m)
{
	const struct kvm_mtrr *s = &vcpu->arch.mtrr_state;

	BUILD_BUG_ON(sizeof(m->var) != sizeof(s->var) ||
		     sizeof(m->fixed_16k) != sizeof(s->fixed_16k) ||
		     sizeof(m->fixed_4k) != sizeof(s->fixed_4k));
	memcpy(m->var, s->var, sizeof(m->var));
	m->fixed_64k = s->fixed_64k;
	memcpy(m->fixed_16k, s->fixed_16k, sizeof(m->fixed_16k));
	memcpy(m->fixed_4k, s->fixed_4k, sizeof(m->fixed_4k));
	m->deftype = s->deftype;
	m->phys_bits = cpuid_maxphyaddr(vcpu);
}

/*
 * Hand a vCPU's MTRR write or CR0.CD change, by its guest or by the VMM
 * (@host), to the zap rules, and zap.
 */
static void vcpu_changed(struct kvm_vcpu *vcpu, bool cr0_cd, bool cr0_changed,
			 bool host)
{
	struct kvm_memattr_x86 *ma = vcpu->kvm->arch.memattr;
	struct kvm_memattr_gfn_ranges frames = { .nr = 0 };
	unsigned int idx = vcpu->vcpu_idx;
	struct kvm_memattr_mtrrs m;
	union kvm_memattr_facts f;
	bool pending, wait;

	vcpu_mtrrs(vcpu, &m);
	spin_lock(&ma->lock);
	/*
	 * The facts under the lock. Their nc_dma may already be what a
	 * non-coherent DMA transition waiting for the lock will find: that
	 * transition zaps every frame.
	 */
	f = kvm_memattr_ept_vm_facts(vcpu->kvm);
	write_seqcount_begin(&ma->seq);
	if (cr0_changed) {
		/*
		 * Clearing CD commits what the guest wrote with CD set, and
		 * what the VMM restored with CD set: when the VMM clears CD,
		 * or when the guest does and the restored MTRRs are enabled,
		 * as they are when a vCPU migrated between the guest enabling
		 * its new MTRRs and clearing CD. A VMM resets them disabled,
		 * and those must not commit when an AP that OVMF wakes clears
		 * CD before it copies the BSP's.
		 */
		pending = test_bit(idx, ma->pending) ||
			  (test_bit(idx, ma->restored) &&
			   (host || (m.deftype & MTRR_DEF_TYPE_E)));
		kvm_memattr_mtrr_vm_cr0(&ma->mtrr, &m, cr0_cd, &pending, f,
					&frames);
		if (!cr0_cd)
			__clear_bit(idx, ma->restored);
		__assign_bit(idx, ma->pending, pending);
	} else {
		kvm_memattr_mtrr_vm_write(&ma->mtrr, &m, cr0_cd, &pending, f,
					  &frames);
		__assign_bit(idx, host ? ma->restored : ma->pending, pending);
		/*
		 * The VMM replaced what the guest wrote (a reset, a restore):
		 * the guest's next CD clear has nothing of its own to commit.
		 */
		if (host)
			__clear_bit(idx, ma->pending);
	}
	write_seqcount_end(&ma->seq);
	queue(ma, &frames);
	wait = zap_pending(ma);
	spin_unlock(&ma->lock);
	if (wait)
		zap_queued(vcpu->kvm, ma);
}

/**
 * kvm_memattr_mtrr_written() - A vCPU wrote one of its MTRRs.
 * @vcpu: the vCPU; &kvm_vcpu_arch.mtrr_state holds the new value.
 * @host: the VMM wrote it (KVM_SET_MSRS), not the guest.
 */
void kvm_memattr_mtrr_written(struct kvm_vcpu *vcpu, bool host)
{
	if (vcpu->kvm->arch.memattr)
		vcpu_changed(vcpu, kvm_read_cr0_bits(vcpu, X86_CR0_CD), false,
			     host);
}
EXPORT_SYMBOL_IF_KUNIT(kvm_memattr_mtrr_written);

/**
 * kvm_memattr_cr0_cd_changed() - A vCPU set or cleared CR0.CD.
 * @vcpu: the vCPU.
 * @cr0: its new CR0.
 * @host: the VMM set it (KVM_SET_SREGS), not the guest.
 */
void kvm_memattr_cr0_cd_changed(struct kvm_vcpu *vcpu, unsigned long cr0,
				bool host)
{
	if (vcpu->kvm->arch.memattr)
		vcpu_changed(vcpu, cr0 & X86_CR0_CD, true, host);
}

/**
 * kvm_memattr_nc_dma_changed() - The VM's first non-coherent DMA device
 *	arrived or its last one left.
 * @kvm: the VM, kvm_arch_has_noncoherent_dma() already updated.
 *
 * Return: false if the VM does not honor guest MTRRs: the caller zaps as
 * it does without the capability.
 */
bool kvm_memattr_nc_dma_changed(struct kvm *kvm)
{
	struct kvm_memattr_x86 *ma = READ_ONCE(kvm->arch.memattr);
	struct kvm_memattr_gfn_ranges frames = { .nr = 0 };
	bool wait;

	if (!ma)
		return false;

	spin_lock(&ma->lock);
	write_seqcount_begin(&ma->seq);
	kvm_memattr_mtrr_vm_nc_dma(&ma->mtrr, &frames);
	write_seqcount_end(&ma->seq);
	queue(ma, &frames);
	wait = zap_pending(ma);
	spin_unlock(&ma->lock);
	if (wait)
		zap_queued(kvm, ma);
	return true;
}

/**
 * __kvm_memattr_tdp_fault() - A TDP fault in a VM that honors its MTRRs.
 * @vcpu: the faulting vCPU.
 * @fault: the fault, after its mmu_invalidate_seq snapshot; its max_level
 *	is lowered until the MTRRs give the block one type.
 *
 * Reads the MTRRs without the VM's lock; takes it only to record a block
 * no fault recorded before. A commit after the snapshot zaps the recorded
 * block, which makes the fault stale: it retries with the new MTRRs.
 */
void __kvm_memattr_tdp_fault(struct kvm_vcpu *vcpu,
			     struct kvm_page_fault *fault)
{
	struct kvm_memattr_x86 *ma = vcpu->kvm->arch.memattr;
	u64 max = KVM_PAGES_PER_HPAGE(fault->max_level), pages;
	bool cd = kvm_read_cr0_bits(vcpu, X86_CR0_CD);
	struct kvm_memattr_mtrrs m;
	unsigned int seq;
	bool recorded;

	do {
		seq = read_seqcount_begin(&ma->seq);
		m = ma->mtrr.committed;
		pages = kvm_memattr_mtrr_block(&m, fault->gfn, max, cd);
		recorded = kvm_memattr_mtrr_vm_recorded(&ma->mtrr, fault->gfn,
							pages, cd);
	} while (read_seqcount_retry(&ma->seq, seq));

	if (!recorded) {
		spin_lock(&ma->lock);
		write_seqcount_begin(&ma->seq);
		pages = kvm_memattr_mtrr_vm_fault(&ma->mtrr, fault->gfn, max,
						  cd);
		write_seqcount_end(&ma->seq);
		spin_unlock(&ma->lock);
	}

	while (KVM_PAGES_PER_HPAGE(fault->max_level) > pages)
		fault->max_level--;
}
EXPORT_SYMBOL_IF_KUNIT(__kvm_memattr_tdp_fault);
