// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading back the leaves KVM's x86 MMU installs from its tracepoints.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "spte_trace.h"
#include "test_util.h"

void tracing_write(const char *file, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), TRACING "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	TEST_ASSERT(fd >= 0, "open %s: %s", path, strerror(errno));
	TEST_ASSERT(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		    "write %s", path);
	close(fd);
}

FILE *trace_open(void)
{
	FILE *f = fopen(TRACING "/trace", "r");

	TEST_ASSERT(f, "open " TRACING "/trace: %s", strerror(errno));
	return f;
}

bool spte_trace_parse(const char *line, uint64_t *gfn, uint64_t *spte,
		      int *level)
{
	unsigned long long g, s;
	const char *ev;
	int l;

	ev = strstr(line, "kvm_mmu_set_spte: ");
	if (!ev || sscanf(ev, "kvm_mmu_set_spte: gfn %llx spte %llx (%*[^)]) level %d",
			  &g, &s, &l) != 3)
		return false;
	*gfn = g;
	*spte = s;
	*level = l;
	return true;
}
