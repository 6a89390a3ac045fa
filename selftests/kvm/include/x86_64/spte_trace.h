/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The leaves KVM's x86 MMU installs, as the kvmmmu:kvm_mmu_set_spte
 * tracepoint reports them: what the hardware walks, not what KVM meant to
 * install.
 */
#ifndef SELFTEST_KVM_SPTE_TRACE_H
#define SELFTEST_KVM_SPTE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TRACING		"/sys/kernel/tracing"

/* Writes @val to the tracefs file @file; the test fails if it cannot. */
void tracing_write(const char *file, const char *val);

/* Opens the trace for reading; the test fails if it cannot. */
FILE *trace_open(void);

/*
 * Parses a kvm_mmu_set_spte line of the trace: the leaf's first frame,
 * its value and its level (1 for 4K, 2 for 2M, 3 for 1G). Returns false
 * for any other line.
 */
bool spte_trace_parse(const char *line, uint64_t *gfn, uint64_t *spte,
		      int *level);

#endif /* SELFTEST_KVM_SPTE_TRACE_H */
