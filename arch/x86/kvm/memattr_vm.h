/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-VM state of KVM_CAP_X86_HONOR_GUEST_MTRRS, shared by
 * memattr_vm.c and its KUnit tests, which play a concurrent vCPU.
 */
#ifndef __ARCH_X86_KVM_MEMATTR_VM_H
#define __ARCH_X86_KVM_MEMATTR_VM_H

#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>

#include "memattr_mtrr.h"

/**
 * struct kvm_memattr_x86 - A VM's honored guest MTRRs.
 * @lock: protects @mtrr, @zap_queue and @zapping. TDP faults take it
 *	before mmu_lock, and only to record a block no fault recorded
 *	before; shadow EPT faults for a nested guest take it inside
 *	mmu_lock. It is never held across a zap.
 * @seq: lets faults read @mtrr without @lock; every change of @mtrr is a
 *	write section of it.
 * @mtrr: the committed MTRRs and the frames whose entries depend on them.
 * @zap_queue: frames queued for zapping and not yet taken by a zapper.
 * @zapping: zappers that took frames from @zap_queue and have not zapped
 *	them yet.
 * @zap_lock: held by the vCPU that zaps; the others wait for it and then
 *	find their frames zapped.
 * @pending: by vCPU index, the vCPUs whose guest wrote MTRRs with CR0.CD
 *	set and has not cleared it since, nor had them written by the VMM.
 * @restored: by vCPU index, the vCPUs whose MTRRs the VMM set with CR0.CD
 *	set, and whose CR0.CD neither the VMM nor the guest has cleared
 *	since.
 *
 * A VMM sets MTRRs with CR0.CD set for two reasons: to restore a vCPU,
 * whose saved CR0 it sets next (KVM_SET_SREGS), or to reset one, after
 * which the guest's firmware programs them. Only the first must commit:
 * an AP that OVMF wakes after a reboot loads the BSP's CR0, clearing CD,
 * while it still has its reset MTRRs, and they are not the guest's.
 */
struct kvm_memattr_x86 {
	spinlock_t lock;	/* @mtrr, @zap_queue, @pending, @restored */
	seqcount_spinlock_t seq;
	struct kvm_memattr_mtrr_vm mtrr;
	struct kvm_memattr_gfn_ranges zap_queue;
	unsigned int zapping;
	struct mutex zap_lock;		/* one zapper at a time */
	DECLARE_BITMAP(pending, KVM_MAX_VCPUS);
	DECLARE_BITMAP(restored, KVM_MAX_VCPUS);
};

#endif /* __ARCH_X86_KVM_MEMATTR_VM_H */
