// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the L2 guest of the "real VMM" layer (static, aarch64).
 *
 * Debian's qemu-system-aarch64, running in the L1 guest, passes the
 * emulated devices through with -device vfio-pci; this program runs in the
 * L2 Linux guest it boots. It reads and writes every passed-through BAR
 * through sysfs "resource" files, the way a guest's userspace driver
 * would, and prints one line per BAR on the console for the program in L1
 * (scripts/guest/memattr_vmm.c), which owns all the checks:
 *
 *   @@l2 bar VENDOR:DEVICE BAR START SIZE WHAT
 *
 * START is the BAR's address in L2 (an IPA of QEMU's VM in L1). WHAT is
 * "mem bad=N pages=N" for the memory BARs (every 4 KiB page: check the
 * qword L1 wrote at offset 0, write L2's at offset 8), "edu id=X live=X"
 * or "vbe id=X" for the register BARs, or "error ...". Then it prints
 * "@@l2 done", waits for a byte on the console and powers off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../guest/pci_config.h"

#define PAGE		4096UL
#define L1_PATTERN	0x4c31000000000000ULL	/* "L1": qword 0 of each page */
#define L2_PATTERN	0x4c32000000000000ULL	/* "L2": qword 1 of each page */

enum what { MEM, EDU, VBE };

static const struct {
	unsigned int vendor, device, bar;
	enum what what;
} bars[] = {
	{ 0x1af4, 0x1110, 2, MEM },	/* ivshmem-plain: shared memory */
	{ 0x1234, 0x11e8, 0, EDU },	/* edu: registers */
	{ 0x1234, 0x1111, 0, MEM },	/* bochs-display: VRAM */
	{ 0x1234, 0x1111, 2, VBE },	/* bochs-display: registers */
};

static unsigned int read_hex(const char *dev, const char *file)
{
	char path[300], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dev, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* Line @bar of the device's "resource" file: start and end. */
static int bar_range(const char *dev, unsigned int bar, uint64_t *start,
		     uint64_t *size)
{
	unsigned long long s, e, fl;
	char path[300], line[128];
	unsigned int i;
	FILE *f;
	int r = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; fgets(line, sizeof(line), f); i++) {
		if (i != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3 && e > s) {
			*start = s;
			*size = e - s + 1;
			r = 0;
		}
		break;
	}
	fclose(f);
	return r;
}


static void test_bar(const char *dev, unsigned int vendor, unsigned int device,
		     unsigned int bar, enum what what)
{
	char path[300], res[96];
	uint64_t start, size, off, bad = 0;
	void *p;
	int fd;

	if (bar_range(dev, bar, &start, &size)) {
		printf("@@l2 bar %04x:%04x %u 0x0 0x0 error no-resource\n",
		       vendor, device, bar);
		return;
	}
	if (pci_enable_memory(dev)) {
		snprintf(res, sizeof(res), "error enable-memory %s", strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%u", dev, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		snprintf(res, sizeof(res), "error open-resource %s", strerror(errno));
		goto out;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(res, sizeof(res), "error mmap %s", strerror(errno));
		goto out;
	}
	switch (what) {
	case MEM:
		for (off = 0; off < size; off += PAGE) {
			volatile uint64_t *q = (volatile uint64_t *)((char *)p + off);

			if (q[0] != (L1_PATTERN | off / PAGE))
				bad++;
			q[1] = L2_PATTERN | off / PAGE;
		}
		snprintf(res, sizeof(res), "mem bad=%llu pages=%llu",
			 (unsigned long long)bad, (unsigned long long)(size / PAGE));
		break;
	case EDU: {
		volatile uint32_t *r = p;
		uint32_t id = r[0], live;

		r[1] = 0x12345678;	/* liveness: reads back inverted */
		live = r[1];
		snprintf(res, sizeof(res), "edu id=0x%08x live=0x%08x", id, live);
		break;
	}
	case VBE: {
		volatile uint16_t *r = p;

		snprintf(res, sizeof(res), "vbe id=0x%04x", r[0x500 / 2]);
		break;
	}
	}
	munmap(p, size);
out:
	printf("@@l2 bar %04x:%04x %u 0x%llx 0x%llx %s\n", vendor, device, bar,
	       (unsigned long long)start, (unsigned long long)size, res);
	fflush(stdout);
}

int main(void)
{
	struct dirent *de;
	unsigned int i;
	char c;
	DIR *d;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("@@l2 start\n");

	d = opendir("/sys/bus/pci/devices");
	while (d && (de = readdir(d))) {
		unsigned int vendor, device;

		if (de->d_name[0] == '.')
			continue;
		vendor = read_hex(de->d_name, "vendor");
		device = read_hex(de->d_name, "device");
		for (i = 0; i < sizeof(bars) / sizeof(bars[0]); i++)
			if (bars[i].vendor == vendor && bars[i].device == device)
				test_bar(de->d_name, vendor, device, bars[i].bar,
					 bars[i].what);
	}
	if (d)
		closedir(d);

	printf("@@l2 done\n");
	/* L1 reads the stage-2 tables now; it sends a byte when it is done. */
	if (read(0, &c, 1) < 0)
		printf("@@l2 console read: %s\n", strerror(errno));
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
