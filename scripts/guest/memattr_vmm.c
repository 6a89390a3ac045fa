// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "real VMM" layer: Debian's own arm64 qemu-system-aarch64, unchanged,
 * runs in the L1 guest and passes the emulated devices through with
 * -device vfio-pci to an L2 Linux guest (the project's Image, with the
 * initramfs of scripts/guest-l2/init.c). L2's userspace reads and writes
 * every BAR through sysfs resource files; this program, in L1:
 *
 *   - writes a pattern into each memory BAR through its own sysfs
 *     resource mmap before QEMU starts (qword 0 of every 4 KiB page);
 *   - starts QEMU, forwards L2's console to its own ("L2| " lines) and
 *     collects L2's per-BAR report (the BAR's address in L2 is an IPA of
 *     QEMU's VM in L1);
 *   - when L2 says it is done, reads the stage-2 dump of QEMU's VM,
 *     /sys/kernel/debug/kvm/<qemu-pid>-<vmfd>/stage2_page_tables, and
 *     checks memory type, execute-never, that every page L2 touched is
 *     mapped, and the leaf sizes;
 *   - lets L2 power off, then reads back the pattern L2 wrote (qword 1 of
 *     every page);
 *   - checks L1's and L2's kernel logs for warnings.
 *
 * Output: one TAP line per assertion and "# Totals:" (scripts/results.py),
 * and the table of "make demo" as lines starting with "#T ".
 *
 * --break=type|leaves|data|xn|mapped|id inverts one expectation, to show
 * that the assertions can fail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sizes.h>

#include "pci_config.h"
#include "vfio_bar.h"

#define QEMU		"/usr/bin/qemu-system-aarch64"
#define L2_KERNEL	"/vmm/Image"
#define L2_INITRD	"/vmm/l2.cpio.gz"
#define PAGE		4096UL
#define L1_PATTERN	0x4c31000000000000ULL	/* as scripts/guest-l2/init.c */
#define L2_PATTERN	0x4c32000000000000ULL
#define DEADLINE	480			/* seconds for QEMU and L2 */

enum what { MEM, EDU, VBE };

static struct bar {
	const char *dev;
	uint16_t vendor, device;
	int index;
	uint64_t size;		/* tells the two ivshmem devices apart */
	enum what what;
	const char *type;	/* expected stage-2 memory type */
	uint64_t min_leaf;	/* all leaves at least this (0: not checked) */
	uint64_t max_leaf;	/* all leaves at most this (0: not checked) */

	char bdf[16];
	uint64_t l1_size;
	void *l1;		/* L1's sysfs resource mapping */
	/* L2's report */
	bool seen;
	uint64_t ipa, l2_size;
	char l2[96];
	/* the stage-2 dump over [ipa, ipa + l2_size) */
	bool dump;
	char types[64];
	unsigned long leaves[4];	/* per level 0..3 */
	uint64_t touched, mapped;	/* bytes L2 touched; of those, mapped */
	bool any_exec;
	/* L1's read back */
	unsigned long l2_bad;
} bars[] = {
	{ "ivshmem-plain", 0x1af4, 0x1110, 2, SZ_64M, MEM, "Normal-NC", SZ_2M, 0 },
	{ "ivshmem-plain", 0x1af4, 0x1110, 2, SZ_1G, MEM, "Normal-NC", SZ_1G, 0 },
	{ "edu", 0x1234, 0x11e8, 0, 0, EDU, "Device-nGnRE", 0, SZ_4K },
	{ "bochs-display", 0x1234, 0x1111, 0, 0, MEM, "Normal-NC", 0, 0 },
	{ "bochs-display", 0x1234, 0x1111, 2, 0, VBE, "Device-nGnRE", 0, SZ_4K },
};
#define NR_BARS (sizeof(bars) / sizeof(bars[0]))

static const char *const splats[] = {
	"WARNING: CPU", "BUG: ", "Oops", "Kernel panic", "Unable to handle kernel",
	"INFO: task", "possible circular locking", "inconsistent lock state",
	"WARNING: possible", "WARNING: suspicious", "bad unlock balance",
	"sleeping function called from invalid context", "UBSAN:", "KASAN:",
};

static int passed, failed;
static const char *broken = "";
static char l2_splat[160], l1_splat[160];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One TAP result. What the check measured, in parentheses at the end of
 * the text, goes to a "# " line before it, so that the test's name is
 * the same in every run.
 */
static void check(bool ok, const char *fmt, ...)
{
	char text[512], *detail;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	detail = strstr(text, " (");
	n = strlen(text);
	if (detail && text[n - 1] == ')') {
		text[n - 1] = 0;
		*detail = 0;
		printf("# %s: %s\n", text, detail + 2);
	}
	printf("%s %d - %s\n", ok ? "ok" : "not ok", passed + failed + 1, text);
	fflush(stdout);
	ok ? passed++ : failed++;
}

static const char *splat_in(const char *line)
{
	unsigned int i;

	for (i = 0; i < sizeof(splats) / sizeof(splats[0]); i++)
		if (strstr(line, splats[i]))
			return splats[i];
	return NULL;
}

static const char *size_str(uint64_t size, char *buf, size_t len)
{
	if (size >= SZ_1G)
		snprintf(buf, len, "%lu GiB", (unsigned long)(size >> 30));
	else if (size >= SZ_1M)
		snprintf(buf, len, "%lu MiB", (unsigned long)(size >> 20));
	else
		snprintf(buf, len, "%lu KiB", (unsigned long)(size >> 10));
	return buf;
}

static const char *name(struct bar *b)
{
	static char buf[64];
	char sz[16];

	snprintf(buf, sizeof(buf), "%s BAR%d %s", b->dev, b->index,
		 size_str(b->l1_size ? b->l1_size : b->size, sz, sizeof(sz)));
	return buf;
}

static uint64_t level_size(int level)
{
	return 1ULL << (12 + 9 * (3 - level));
}

/* "1G x1, 2M x32": the leaves over the BAR, largest first. */
static const char *histogram(struct bar *b, char *buf, size_t len)
{
	static const char *const unit[] = { "512G", "1G", "2M", "4K" };
	size_t n = 0;
	int l;

	buf[0] = 0;
	for (l = 0; l < 4; l++)
		if (b->leaves[l])
			n += snprintf(buf + n, len - n, "%s%s x%lu", n ? ", " : "",
				      unit[l], b->leaves[l]);
	if (!n)
		snprintf(buf, len, "-");
	return buf;
}


/*
 * Enable memory decoding on the device and on every bridge above it: a
 * root port nobody enabled yet (no driver) forwards nothing to the BAR.
 */
static int enable_path(const char *bdf)
{
	char path[300], real[PATH_MAX], *c, *save = NULL;
	unsigned int d, b, s, f;
	int r = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (!realpath(path, real))
		return -1;
	for (c = strtok_r(real, "/", &save); c; c = strtok_r(NULL, "/", &save))
		if (sscanf(c, "%x:%x:%x.%x", &d, &b, &s, &f) == 4 && pci_enable_memory(c))
			r = -1;
	return r;
}

static void *map_resource(struct bar *b)
{
	char path[300];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
		 b->bdf, b->index);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("# open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	p = mmap(NULL, b->l1_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		printf("# mmap %s: %s\n", path, strerror(errno));
		return NULL;
	}
	return p;
}

/* Find the devices; write L1's pattern into the memory BARs. */
static void prepare(void)
{
	unsigned long long s, e, fl;
	char path[300], line[128], cls[32], why[48] = "";
	unsigned int i;
	uint64_t off;
	FILE *f;
	int n;

	for (i = 0; i < NR_BARS; i++) {
		struct bar *b = &bars[i];

		if (!vfio_bar_find(b->vendor, b->device, 2, b->size, b->bdf,
				   sizeof(b->bdf))) {
			printf("# %s: no device bound to vfio-pci\n", b->dev);
			b->bdf[0] = 0;
			continue;
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", b->bdf);
		f = fopen(path, "r");
		for (n = 0; f && fgets(line, sizeof(line), f); n++)
			if (n == b->index && sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3 && e > s)
				b->l1_size = e - s + 1;
		if (f)
			fclose(f);
		if (vfio_bar_sysfs_read(b->bdf, b->index, "class", cls, sizeof(cls)) ||
		    vfio_bar_sysfs_read(b->bdf, b->index, "reason", why, sizeof(why)))
			snprintf(cls, sizeof(cls), "(no classification)");
		printf("# %s %s BAR%d: vfio-pci class %s (%s)\n", b->dev, b->bdf,
		       b->index, cls, why);
		if (enable_path(b->bdf))
			printf("# %s: cannot enable memory decoding\n", b->bdf);
		if (b->what != MEM)
			continue;
		b->l1 = map_resource(b);
		if (!b->l1)
			continue;
		for (off = 0; off < b->l1_size; off += PAGE) {
			volatile uint64_t *q = (volatile uint64_t *)((char *)b->l1 + off);

			q[0] = L1_PATTERN | off / PAGE;
			q[1] = 0;
		}
		/* Broken on purpose: L2 then finds one page wrong. */
		if (!strcmp(broken, "data"))
			*(volatile uint64_t *)b->l1 = 0;
	}
}

/* "@@l2 bar VVVV:DDDD N 0xSTART 0xSIZE WHAT" */
static void l2_report(const char *line)
{
	unsigned int vendor, device, index, i;
	unsigned long long ipa, size;
	int n;

	if (sscanf(line, "@@l2 bar %x:%x %u %llx %llx %n", &vendor, &device,
		   &index, &ipa, &size, &n) != 5)
		return;
	for (i = 0; i < NR_BARS; i++) {
		struct bar *b = &bars[i];

		if (b->seen || b->vendor != vendor || b->device != device ||
		    b->index != (int)index || (b->size && b->size != size))
			continue;
		b->seen = true;
		b->ipa = ipa;
		b->l2_size = size;
		snprintf(b->l2, sizeof(b->l2), "%s", line + n);
		/* L2 touches every page of a memory BAR, the first of the others. */
		b->touched = b->what == MEM || !strcmp(broken, "mapped") ? size : PAGE;
		return;
	}
}

/* The stage-2 dump of QEMU's VM, over each BAR L2 reported. */
static int read_stage2(pid_t qemu)
{
	char dir[300], path[600], line[512], tok[64], prefix[32];
	unsigned long long start, end;
	int level, off, n, l, found = 0;
	struct dirent *de;
	unsigned int i;
	DIR *d;
	FILE *f = NULL;

	snprintf(prefix, sizeof(prefix), "%d-", qemu);
	d = opendir("/sys/kernel/debug/kvm");
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(dir, sizeof(dir), "/sys/kernel/debug/kvm/%s", de->d_name);
		found++;
	}
	if (d)
		closedir(d);
	if (found != 1) {
		printf("# %d debugfs directories of QEMU's VM (pid %d)\n", found, qemu);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/stage2_page_tables", dir);
	f = fopen(path, "r");
	if (!f) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("# stage-2 dump: %s\n", path);
	while (fgets(line, sizeof(line), f)) {
		bool valid, xn = false, invalid = false;
		char type[24] = "";

		if (sscanf(line, "0x%llx-0x%llx %63s %d%n", &start, &end, tok,
			   &level, &off) != 4 || level < 0 || level > 3)
			continue;
		for (n = off; sscanf(line + n, "%63s%n", tok, &l) == 1; n += l) {
			if (!strcmp(tok, "F"))
				invalid = true;
			else if (!strcmp(tok, "X"))
				xn = true;
			else if (!strncmp(tok, "Normal-", 7) || !strncmp(tok, "Device-", 7))
				snprintf(type, sizeof(type), "%.23s", tok);
		}
		valid = type[0] && !invalid;
		for (i = 0; i < NR_BARS; i++) {
			struct bar *b = &bars[i];
			uint64_t a, sz = level_size(level);
			uint64_t lo, hi;

			if (!b->seen || !valid || end <= b->ipa || start >= b->ipa + b->l2_size)
				continue;
			b->dump = true;
			if (!strstr(b->types, type))
				snprintf(b->types + strlen(b->types),
					 sizeof(b->types) - strlen(b->types), "%s%s",
					 b->types[0] ? "," : "", type);
			b->any_exec |= !xn;
			for (a = start; a < end; a += sz)
				if (a + sz > b->ipa && a < b->ipa + b->l2_size)
					b->leaves[level]++;
			lo = start > b->ipa ? start : b->ipa;
			hi = end < b->ipa + b->touched ? end : b->ipa + b->touched;
			if (hi > lo)
				b->mapped += hi - lo;
		}
	}
	fclose(f);
	return 0;
}

/* After QEMU is gone: L2's pattern, qword 1 of every page. */
static void read_back(void)
{
	unsigned int i;
	uint64_t off;

	for (i = 0; i < NR_BARS; i++) {
		struct bar *b = &bars[i];

		if (b->what != MEM || !b->l1)
			continue;
		/* vfio-pci may have restored a command register without it. */
		if (enable_path(b->bdf))
			printf("# %s: cannot enable memory decoding\n", b->bdf);
		for (off = 0; off < b->l1_size; off += PAGE) {
			volatile uint64_t *q = (volatile uint64_t *)((char *)b->l1 + off);
			uint64_t want = L2_PATTERN | off / PAGE;

			if (!strcmp(broken, "data") && !off)
				want = 0;
			if (q[1] != want)
				b->l2_bad++;
		}
	}
}

/*
 * Where QEMU mapped each vfio region: a stage-2 block needs the VA
 * congruent with the IPA, so the VA's alignment bounds the leaf size.
 */
static void qemu_maps(pid_t pid)
{
	unsigned long long s, e, off;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "vfio") ||
		    sscanf(line, "%llx-%llx %*s %llx", &s, &e, &off) != 3)
			continue;
		printf("# QEMU maps vfio region %llu (+0x%llx) at VA 0x%llx, %llu KiB: %s\n",
		       off >> 40, off & ((1ULL << 40) - 1), s, (e - s) >> 10,
		       !(s & (SZ_1G - 1)) ? "1G-aligned" :
		       !(s & (SZ_2M - 1)) ? "2M-aligned" : "4K-aligned");
	}
	fclose(f);
}

/* Run QEMU to the end of L2; returns its wait status, -1 if it hung. */
static int run_qemu(double *l2_done)
{
	int in[2], out[2], status, r, nbar = 0;
	char *argv[64], devs[NR_BARS][40], buf[4096], line[1024];
	bool done = false;
	size_t len = 0;
	double start = now();
	unsigned int i, j, argc = 0;
	pid_t pid;

	argv[argc++] = QEMU;
	argv[argc++] = "-M";
	argv[argc++] = "virt,gic-version=3";
	argv[argc++] = "-accel";
	argv[argc++] = "kvm";
	argv[argc++] = "-cpu";
	argv[argc++] = "host";
	argv[argc++] = "-smp";
	argv[argc++] = "1";
	argv[argc++] = "-m";
	argv[argc++] = "256M";
	argv[argc++] = "-nodefaults";
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-serial";
	argv[argc++] = "stdio";
	argv[argc++] = "-no-reboot";
	argv[argc++] = "-kernel";
	argv[argc++] = L2_KERNEL;
	argv[argc++] = "-initrd";
	argv[argc++] = L2_INITRD;
	argv[argc++] = "-append";
	argv[argc++] = "console=ttyAMA0 panic=-1 kunit.enable=0";
	for (i = 0; i < NR_BARS; i++) {
		bool dup = false;

		if (!bars[i].bdf[0])
			continue;
		for (j = 0; j < i; j++)
			dup |= !strcmp(bars[i].bdf, bars[j].bdf);
		if (dup)
			continue;
		snprintf(devs[nbar], sizeof(devs[nbar]), "vfio-pci,host=%s", bars[i].bdf);
		argv[argc++] = "-device";
		argv[argc++] = devs[nbar++];
	}
	argv[argc] = NULL;
	printf("#");
	for (i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);

	if (pipe(in) || pipe(out))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		execv(QEMU, argv);
		printf("exec %s: %s\n", QEMU, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);

	for (;;) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		char *nl;

		if (now() - start > DEADLINE) {
			printf("# QEMU still running after %d s: killed\n", DEADLINE);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		r = poll(&p, 1, 1000);
		if (r <= 0)
			continue;
		r = read(out[0], buf, sizeof(buf));
		if (r <= 0)
			break;
		for (i = 0; i < (unsigned int)r; i++) {
			if (buf[i] == '\r')
				continue;
			if (len < sizeof(line) - 1)
				line[len++] = buf[i];
			if (buf[i] != '\n')
				continue;
			line[len] = 0;
			len = 0;
			if ((nl = strchr(line, '\n')))
				*nl = 0;
			printf("L2| %s\n", line);
			if (splat_in(line) && !l2_splat[0])
				snprintf(l2_splat, sizeof(l2_splat), "%.159s", line);
			if (!strncmp(line, "@@l2 bar ", 9))
				l2_report(line);
			if (!strcmp(line, "@@l2 done") && !done) {
				done = true;
				*l2_done = now() - start;
				read_stage2(pid);
				qemu_maps(pid);
				/* L2 waits for one byte, then powers off. */
				if (write(in[1], "q\n", 2) != 2)
					printf("# cannot write to QEMU's serial\n");
			}
		}
		fflush(stdout);
	}
	close(out[0]);
	close(in[1]);
	waitpid(pid, &status, 0);
	printf("# QEMU ran %.1f s\n", now() - start);
	return status;
}

/* Scan /dev/kmsg from @fd's position for a splat. */
static void kmsg_scan(int fd)
{
	char rec[2048];
	ssize_t n;

	if (fd < 0) {
		snprintf(l1_splat, sizeof(l1_splat), "cannot read /dev/kmsg");
		return;
	}
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		if (splat_in(rec) && !l1_splat[0])
			snprintf(l1_splat, sizeof(l1_splat), "%.159s",
				 strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
	}
	close(fd);
}

static void report(int status, double l2_done, double total)
{
	char hist[64], sz[16], access[96], type[80];
	unsigned int i, nseen = 0;

	for (i = 0; i < NR_BARS; i++)
		nseen += bars[i].seen;
	check(l2_done > 0 && nseen == NR_BARS,
	      "vmm: the L2 guest booted and reported every BAR (%u of %zu)", nseen, NR_BARS);
	check(status == 0, "vmm: QEMU exited with status 0 after L2 powered off (status %d)",
	      status);

	for (i = 0; i < NR_BARS; i++) {
		struct bar *b = &bars[i];
		const char *want = b->type;
		uint64_t min_leaf = b->min_leaf;
		unsigned int bad, pages, id, live;
		bool ok_access = false;
		int l;

		histogram(b, hist, sizeof(hist));
		if (!strcmp(broken, "type"))
			want = strcmp(want, "Normal-NC") ? "Normal-NC" : "Device-nGnRE";
		if (!strcmp(broken, "leaves") && min_leaf)
			min_leaf = SZ_1G;
		check(b->dump && !strcmp(b->types, want), "vmm: %s: stage-2 type %s (%s)",
		      name(b), want, b->types[0] ? b->types : "not mapped");
		check(b->touched && b->mapped == b->touched,
		      "vmm: %s: every 4 KiB page L2 touched is mapped (%llu of %llu KiB)",
		      name(b), (unsigned long long)b->mapped >> 10,
		      (unsigned long long)b->touched >> 10);
		check(b->dump && (b->any_exec == !strcmp(broken, "xn")),
		      "vmm: %s: execute-never", name(b));
		if (min_leaf) {
			bool ok = b->dump;

			for (l = 0; l < 4; l++)
				if (b->leaves[l] && level_size(l) < min_leaf)
					ok = false;
			check(ok, "vmm: %s: stage-2 leaves at least %s (%s)", name(b),
			      min_leaf >= SZ_1G ? "1G" : "2M", hist);
		}
		if (b->max_leaf) {
			bool ok = b->dump;

			for (l = 0; l < 4; l++)
				if (b->leaves[l] && (!strcmp(broken, "leaves") ?
						     level_size(l) < SZ_2M :
						     level_size(l) > b->max_leaf))
					ok = false;
			check(ok, "vmm: %s: stage-2 leaves 4K (%s)", name(b), hist);
		}
		switch (b->what) {
		case MEM:
			ok_access = sscanf(b->l2, "mem bad=%u pages=%u", &bad, &pages) == 2 &&
				    !bad && pages == b->l1_size / PAGE;
			check(ok_access, "vmm: %s: L2 reads what L1 wrote, every page (%s)",
			      name(b), b->l2[0] ? b->l2 : "no report");
			check(b->l1 && !b->l2_bad && b->seen,
			      "vmm: %s: L1 reads what L2 wrote, every page (%lu wrong)",
			      name(b), b->l2_bad);
			ok_access &= b->l1 && !b->l2_bad && b->seen;
			snprintf(access, sizeof(access), "%s",
				 ok_access ? "read+write ok, both ways" : "MISMATCH");
			break;
		case EDU:
			ok_access = sscanf(b->l2, "edu id=%x live=%x", &id, &live) == 2 &&
				    id == (strcmp(broken, "id") ? 0x010000ed : 0x010000ee) &&
				    live == 0xedcba987;
			check(ok_access, "vmm: %s: L2 reads ID 0x010000ed and the liveness register (%s)",
			      name(b), b->l2[0] ? b->l2 : "no report");
			snprintf(access, sizeof(access), "%s (id %08x)",
				 ok_access ? "read+write ok" : "MISMATCH", ok_access ? id : 0);
			break;
		case VBE:
			ok_access = sscanf(b->l2, "vbe id=%x", &id) == 1 &&
				    (id & 0xfff0) == (strcmp(broken, "id") ? 0xb0c0 : 0xb0d0);
			check(ok_access, "vmm: %s: L2 reads the VBE ID (%s)",
			      name(b), b->l2[0] ? b->l2 : "no report");
			snprintf(access, sizeof(access), "%s (VBE id %04x)",
				 ok_access ? "read ok" : "MISMATCH", ok_access ? id : 0);
			break;
		}
		snprintf(b->l2, sizeof(b->l2), "%s", access);
	}

	check(!l2_splat[0], "vmm: L2 kernel log free of warnings (%s)",
	      l2_splat[0] ? l2_splat : "none");
	check(!l1_splat[0], "vmm: L1 kernel log free of warnings during the run (%s)",
	      l1_splat[0] ? l1_splat : "none");

	/* The table of make demo. */
	printf("#T %-14s %-4s %-8s %-18s %-22s %s\n", "device", "BAR", "size",
	       "stage-2 type", "leaves", "L2 access (sysfs resource mmap)");
	for (i = 0; i < NR_BARS; i++) {
		struct bar *b = &bars[i];

		snprintf(type, sizeof(type), "%s%s", b->types[0] ? b->types : "not mapped",
			 b->dump && !b->any_exec ? " XN" : "");
		printf("#T %-14s %-4d %-8s %-18s %-22s %s\n", b->dev, b->index,
		       size_str(b->l1_size ? b->l1_size : b->size, sz, sizeof(sz)),
		       type, histogram(b, hist, sizeof(hist)),
		       b->seen ? b->l2 : "not seen by L2");
	}
	printf("#T (L2 reached \"done\" %.1f s after QEMU started; whole run %.1f s)\n",
	       l2_done, total);
}

int main(int argc, char **argv)
{
	double start = now(), l2_done = 0;
	int status = -1, kmsg, i, fds[2];
	char ver[128] = "";
	FILE *p;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--break=", 8))
			broken = argv[i] + 8;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);

	/* No shell in the initramfs: no popen(). */
	if (!pipe(fds)) {
		pid_t pid = fork();

		if (pid == 0) {
			dup2(fds[1], 1);
			dup2(fds[1], 2);
			execl(QEMU, QEMU, "--version", NULL);
			_exit(127);
		}
		close(fds[1]);
		p = fdopen(fds[0], "r");
		if (p && !fgets(ver, sizeof(ver), p))
			ver[0] = 0;
		ver[strcspn(ver, "\n")] = 0;
		if (p)
			fclose(p);
		waitpid(pid, NULL, 0);
	}
	check(!strncmp(ver, "QEMU emulator version", 21) && !access(L2_KERNEL, R_OK) &&
	      !access(L2_INITRD, R_OK),
	      "vmm: Debian's qemu-system-aarch64 runs in L1 (%s)", ver[0] ? ver : "missing");

	prepare();
	if (ver[0] && !access(L2_KERNEL, R_OK))
		status = run_qemu(&l2_done);
	read_back();
	kmsg_scan(kmsg);
	report(status, l2_done, now() - start);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", passed, failed);
	return failed ? 1 : 0;
}
