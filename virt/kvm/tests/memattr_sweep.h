/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exhaustive sweeps of each format's input space, and the named safety
 * invariants every row must satisfy. Shared by the KUnit suite, the
 * userspace tests and "memattr sweep".
 */
#ifndef __KVM_MEMATTR_SWEEP_H
#define __KVM_MEMATTR_SWEEP_H

#include <linux/kvm_memattr.h>

#include "memattr_model.h"

/* Who provides arm64 device memory in a row. */
enum memattr_provider {
	MEMATTR_PROVIDER_KERNEL,	/* kernel RAM, no provider */
	MEMATTR_PROVIDER_VFIO,		/* a vfio-pci BAR, classified first */
	MEMATTR_PROVIDER_OTHER,		/* any other PFNMAP, facts as given */
};

/**
 * struct memattr_row - One input combination and everything it yields.
 * @arch: &enum kvm_memattr_arch.
 * @provider: &enum memattr_provider (arm64).
 * @facts: the facts the mapping policy saw.
 * @bar: BAR facts when @provider is MEMATTR_PROVIDER_VFIO.
 * @class: the classification of @bar.
 * @guest: the guest's own request.
 * @d: the mapping decision; for a refused classification, a copy of it.
 * @enc_err: result of encoding @d.
 * @enc: the encoding.
 * @eff_err: result of the architecture model.
 * @eff: the effective type.
 */
struct memattr_row {
	u8 arch;
	u8 provider;
	union kvm_memattr_facts facts;
	struct kvm_memattr_bar_facts bar;
	struct kvm_memattr_bar_decision class;
	u8 guest;
	struct kvm_memattr_decision d;
	int enc_err;
	struct kvm_memattr_enc enc;
	int eff_err;
	struct memattr_effective eff;
};

/**
 * struct memattr_expect - What one format must decide for a scenario.
 * @type: installed &enum kvm_memtype (ignored when @refuse is set).
 * @reason: &enum kvm_memattr_reason of the mapping decision, or of the BAR
 *	classification when that refuses.
 * @refuse: 0 or the positive errno.
 * @effective: effective type of the scenario's guest request.
 */
struct memattr_expect {
	u8 type;
	u8 reason;
	u8 refuse;
	u8 effective;
};

/**
 * struct memattr_case - A scenario, on arm64 and on x86.
 * @name: short identifier.
 * @what: one line for humans.
 * @arches: BIT() of each &enum kvm_memattr_arch the scenario applies to.
 * @has_bar: @bar is classified first and its class sets the device facts,
 *	as vfio-pci's VMA carries them to KVM.
 * @bar: BAR facts (@bar.arch is set per format when classifying).
 * @arm64: arm64 facts.
 * @x86: x86 facts, shared by EPT and NPT.
 * @guest_arm64: the guest's stage-1 type.
 * @guest_x86: the guest's PAT type.
 * @expect: per &enum kvm_memattr_arch.
 */
struct memattr_case {
	const char *name;
	const char *what;
	u8 arches;
	bool has_bar;
	struct kvm_memattr_bar_facts bar;
	union kvm_memattr_facts arm64;
	union kvm_memattr_facts x86;
	u8 guest_arm64;
	u8 guest_x86;
	struct memattr_expect expect[KVM_MEMATTR_NR_ARCH];
};

const struct kvm_memattr_ops *memattr_ops(enum kvm_memattr_arch arch);

/* Evaluate one row: classification (if any), policy, encoding, model. */
void memattr_row_eval(struct memattr_row *row);

/* The same with an upstream kernel's policy and vfio-pci behaviour. */
void memattr_row_eval_upstream(struct memattr_row *row,
			       const struct memattr_upstream *up);

typedef int (*memattr_row_fn)(const struct memattr_row *row, void *arg);

/**
 * memattr_sweep() - Call @fn for every input combination of @arch.
 * @arch: &enum kvm_memattr_arch.
 * @fn: callback; a non-zero return stops the sweep and is returned.
 * @arg: passed to @fn.
 *
 * Return: 0 or the first non-zero value @fn returned.
 */
int memattr_sweep(enum kvm_memattr_arch arch, memattr_row_fn fn, void *arg);

/**
 * memattr_check_safety() - Check a row against the safety invariants.
 * @row: an evaluated row.
 *
 * Return: NULL, or the name of the first invariant the row violates.
 */
const char *memattr_check_safety(const struct memattr_row *row);

/**
 * memattr_check_row() - Check a row against every invariant.
 * @row: an evaluated row.
 *
 * The safety invariants, and for rows that 6.12.117 handled safely, that
 * the default policy decides exactly what 6.12.117 did.
 *
 * Return: NULL, or the name of the first invariant the row violates.
 */
const char *memattr_check_row(const struct memattr_row *row);

/* Build the row @c presents to @arch, not yet evaluated. */
void memattr_case_row(const struct memattr_case *c,
		      enum kvm_memattr_arch arch, struct memattr_row *row);

/**
 * memattr_case_check() - Evaluate a scenario and compare with its expectation.
 * @c: the scenario.
 * @arch: &enum kvm_memattr_arch, one of @c->arches.
 * @row: filled with the evaluated row, for reports.
 *
 * Return: true if the policy decided what @c expects.
 */
bool memattr_case_check(const struct memattr_case *c,
			enum kvm_memattr_arch arch, struct memattr_row *row);

/* Format @row on one line, for failure reports. */
int memattr_row_format(char *buf, int len, const struct memattr_row *row);

#endif /* __KVM_MEMATTR_SWEEP_H */
