// SPDX-License-Identifier: GPL-2.0-only
/*
 * make demo: pass every BAR of the emulated devices through to a small VM
 * that reads and writes it, then print one row per BAR with what the
 * kernel installed at stage 2, read back from debugfs and sysfs.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"
#include "vfio_bar.h"

#define BAR_GPA		(64ULL << 30)
#define BAR_SLOT	1

enum access { ACCESS_MEMORY, ACCESS_EDU, ACCESS_BOCHS };

static const struct {
	const char *name;
	uint16_t vendor, device;
	uint64_t bar2_size;	/* tells the two ivshmem devices apart */
	enum access access[VFIO_BAR_MAX];
} devices[] = {
	{ "ivshmem-plain", 0x1af4, 0x1110, SZ_64M },
	{ "ivshmem-plain", 0x1af4, 0x1110, SZ_1G },
	{ "edu", 0x1234, 0x11e8, 0, { [0] = ACCESS_EDU } },
	{ "bochs-display", 0x1234, 0x1111, 0, { [2] = ACCESS_BOCHS } },
};

/* Touch every page: read all, write all for memory BARs. */
static void guest_code(uint64_t gva, uint64_t size, uint64_t access)
{
	volatile uint32_t *r32 = (volatile uint32_t *)gva;
	volatile uint16_t *r16 = (volatile uint16_t *)gva;
	uint64_t off, sum = 0;

	switch (access) {
	case ACCESS_MEMORY:
		GUEST_SYNC1(*(volatile uint64_t *)gva);
		for (off = 0; off < size; off += 4096)
			sum += *(volatile uint64_t *)(gva + off);
		*(volatile uint64_t *)(gva + 8) = 0xfeedfacecafef00dULL;
		GUEST_SYNC1(sum);
		break;
	case ACCESS_EDU:
		GUEST_SYNC1(r32[0]);
		r32[1] = 0x12345678;
		GUEST_SYNC1(r32[1]);
		break;
	case ACCESS_BOCHS:
		GUEST_SYNC1(r16[0x500 / 2]);
		GUEST_SYNC1(r16[0x500 / 2]);
		break;
	}
	GUEST_DONE();
}

static uint64_t next_sync(struct kvm_vcpu *vcpu, bool *ok)
{
	struct ucall uc;

	vcpu_run(vcpu);
	if (get_ucall(vcpu, &uc) != UCALL_SYNC) {
		*ok = false;
		return 0;
	}
	return uc.args[0];
}

static const char *size_str(uint64_t size, char *buf, size_t len)
{
	if (size >= SZ_1G)
		snprintf(buf, len, "%lu GiB", size >> 30);
	else if (size >= SZ_1M)
		snprintf(buf, len, "%lu MiB", size >> 20);
	else
		snprintf(buf, len, "%lu KiB", size >> 10);
	return buf;
}

/* The memory type and the largest leaf over the BAR's guest range. */
static void stage2_summary(struct kvm_vm *vm, uint64_t size, char *type,
			   size_t tlen, uint64_t *largest, unsigned long *leaves)
{
	struct s2_range r;
	uint64_t gpa;

	*largest = 0;
	*leaves = 0;
	snprintf(type, tlen, "not mapped");
	for (gpa = BAR_GPA; gpa < BAR_GPA + size; gpa = r.end) {
		if (s2_lookup(vm, gpa, &r)) {
			snprintf(type, tlen, "no stage2_page_tables");
			return;
		}
		if (!r.valid)
			continue;
		if (*largest == 0)
			snprintf(type, tlen, "%s%s", r.memtype[0] ? r.memtype : "?",
				 r.exec ? "" : " XN");
		if (s2_level_size(r.level) > *largest)
			*largest = s2_level_size(r.level);
		*leaves += (r.end - r.start) / s2_level_size(r.level);
	}
}

static void demo_bar(const char *name, struct vfio_bar_dev *dev, int index,
		     enum access access)
{
	uint64_t size = dev->bar[index].size, largest, val;
	char cls[64] = "?", reason[64] = "", type[48], sz[16], leaf[16];
	char result[64];
	struct kvm_vcpu *vcpu;
	unsigned long leaves;
	volatile uint64_t *host;
	struct kvm_vm *vm;
	bool ok = true;
	void *hva;

	hva = vfio_bar_mmap(dev, index, size < SZ_1G ? size : SZ_1G);
	host = hva;
	vm = __vm_create_with_one_vcpu(&vcpu, size / getpagesize(), guest_code);
	vm_set_user_memory_region(vm, BAR_SLOT, 0, BAR_GPA, size, hva);
	virt_map(vm, BAR_GPA, BAR_GPA, size / vm->page_size);
	vcpu_args_set(vcpu, 3, BAR_GPA, access == ACCESS_MEMORY ? size : 4096,
		      (uint64_t)access);

	switch (access) {
	case ACCESS_MEMORY:
		host[0] = 0x1122334455667788ULL;
		ok &= next_sync(vcpu, &ok) == 0x1122334455667788ULL;
		next_sync(vcpu, &ok);
		ok &= host[1] == 0xfeedfacecafef00dULL;
		snprintf(result, sizeof(result), "%s", ok ? "read+write ok" : "MISMATCH");
		break;
	case ACCESS_EDU:
		val = next_sync(vcpu, &ok);
		ok &= val == 0x010000ed && next_sync(vcpu, &ok) == 0xedcba987;
		snprintf(result, sizeof(result), "%s (id %08lx)",
			 ok ? "read+write ok" : "MISMATCH", val);
		break;
	case ACCESS_BOCHS:
		val = next_sync(vcpu, &ok);
		next_sync(vcpu, &ok);
		ok &= (val & 0xfff0) == 0xb0c0;
		snprintf(result, sizeof(result), "%s (VBE id %04lx)",
			 ok ? "read ok" : "MISMATCH", val);
		break;
	}

	stage2_summary(vm, size, type, sizeof(type), &largest, &leaves);
	if (vfio_bar_sysfs_read(dev->bdf, index, "class", cls, sizeof(cls)))
		snprintf(cls, sizeof(cls), "(no classification)");
	else if (!vfio_bar_sysfs_read(dev->bdf, index, "reason", reason,
				      sizeof(reason)))
		snprintf(cls + strlen(cls), sizeof(cls) - strlen(cls), " (%s)",
			 reason);
	if (largest)
		snprintf(leaf, sizeof(leaf), "%s x%lu",
			 largest >= SZ_1G ? "1G" : largest >= SZ_2M ? "2M" : "4K",
			 leaves);
	else
		snprintf(leaf, sizeof(leaf), "-");

	printf("%-14s %-4d %-8s %-5s %-30s %-18s %-10s %s\n", name, index,
	       size_str(size, sz, sizeof(sz)),
	       dev->bar[index].prefetchable ? "yes" : "no", cls, type, leaf,
	       result);
	fflush(stdout);
	kvm_vm_free(vm);
	munmap(hva, size);
}

int main(void)
{
	unsigned int i;
	int index;

	printf("%-14s %-4s %-8s %-5s %-30s %-18s %-10s %s\n", "device", "BAR",
	       "size", "pref", "class (reason)", "stage-2 type", "mapping",
	       "guest access");
	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		struct vfio_bar_dev dev;
		char bdf[16];

		if (!vfio_bar_find(devices[i].vendor, devices[i].device, 2,
				   devices[i].bar2_size, bdf, sizeof(bdf))) {
			printf("%-14s missing: not bound to vfio-pci\n", devices[i].name);
			continue;
		}
		vfio_bar_open(&dev, bdf);
		for (index = 0; index < VFIO_BAR_MAX; index++) {
			/* Sub-page register BARs cannot be mmap()ed. */
			if (!dev.bar[index].size || !dev.bar[index].mmap ||
			    dev.bar[index].size < (uint64_t)getpagesize())
				continue;
			demo_bar(devices[i].name, &dev, index,
				 devices[i].access[index]);
		}
		vfio_bar_close(&dev);
	}
	return 0;
}
