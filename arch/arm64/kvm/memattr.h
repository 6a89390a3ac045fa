/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 KVM and the memory-attribute core: what mmu.c asks when it maps
 * guest memory at stage 2.
 */
#ifndef __ARM64_KVM_MEMATTR_H__
#define __ARM64_KVM_MEMATTR_H__

#include <linux/kvm_host.h>
#include <linux/kvm_memattr.h>
#include <linux/mm_types.h>
#include <linux/vfio_pci_core.h>

#include <asm/kvm_pgtable.h>

/* Device-memory VMAs tracked per memslot; more are mapped page by page. */
#define KVM_MEMATTR_MAX_RANGES	8

/**
 * struct kvm_memattr_range - A device-memory VMA inside a memslot.
 * @hva_start: start of the part of the VMA inside the memslot.
 * @hva_end: its end (exclusive).
 * @file: the VMA's file at memslot creation, to recognise it later; never
 *	dereferenced.
 * @pgoff: the VMA's page offset at @hva_start, for the same purpose.
 * @desc: what vfio-pci says of the BAR, if @described.
 * @described: @desc is valid: the VMA maps a vfio-pci BAR linearly.
 * @linear: no fault found the mapping not linear; blocks are allowed.
 * @decision: the decision at memslot creation, for a data access.
 * @max_shift: the largest block mapped so far.
 * @faults: mappings installed by stage-2 faults.
 * @last: the last decision a fault took, as its u32.
 */
struct kvm_memattr_range {
	unsigned long hva_start, hva_end;
	const struct file *file;
	unsigned long pgoff;
	struct vfio_pci_memattr_desc desc;
	bool described;
	bool linear;
	struct kvm_memattr_decision decision;
	atomic_t max_shift;
	atomic_long_t faults;
	atomic_t last;
};

struct kvm_memattr_slot {
	unsigned int nr;
	struct kvm_memattr_range range[] __counted_by(nr);
};

/* A decision as one word, to store and load it atomically. */
union kvm_memattr_decision_word {
	struct kvm_memattr_decision d;
	u32 word;
};

/**
 * struct kvm_memattr_fault - What a stage-2 fault knows about its memory.
 * @facts: the facts of the VMA and the CPU; mmu.c adds backing and exec.
 * @range: the device memory range of the memslot covering the address,
 *	or NULL.
 * @block_shift: the largest block the range's physical layout allows at
 *	the address, PAGE_SHIFT if none.
 *
 * Filled under the mmap lock by kvm_memattr_fault_begin(); used after it
 * is dropped, so it holds no pointer into the VMA.
 */
struct kvm_memattr_fault {
	union kvm_memattr_facts facts;
	struct kvm_memattr_range *range;
	unsigned int block_shift;
};

int kvm_memattr_prepare_slot(struct kvm *kvm,
			     const struct kvm_memory_slot *old,
			     struct kvm_memory_slot *new,
			     enum kvm_mr_change change);
void kvm_memattr_free_slot(struct kvm_memory_slot *slot);

void kvm_memattr_fault_begin(struct kvm *kvm, struct kvm_memory_slot *slot,
			     struct vm_area_struct *vma, unsigned long hva,
			     struct kvm_memattr_fault *mf);
bool kvm_memattr_fault_linear(struct kvm_memattr_fault *mf, unsigned long hva,
			      unsigned long size, kvm_pfn_t pfn);
int kvm_memattr_s2_prot(struct kvm_memattr_decision d,
			union kvm_memattr_facts f, enum kvm_pgtable_prot *prot);
int kvm_memattr_refused(const struct kvm_memory_slot *slot, unsigned long hva,
			struct kvm_memattr_decision d);
void kvm_memattr_fault_done(struct kvm_memattr_fault *mf, gfn_t gfn,
			    kvm_pfn_t pfn, unsigned long size,
			    struct kvm_memattr_decision d);

#endif /* __ARM64_KVM_MEMATTR_H__ */
