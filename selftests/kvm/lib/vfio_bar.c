// SPDX-License-Identifier: GPL-2.0-only
/*
 * Map vfio-pci BARs for guests and read back their stage-2 mappings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/vfio.h>

#include "test_util.h"
#include "ucall_common.h"
#include "vfio_bar.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000

static int read_hex(const char *path, unsigned long *val)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%lx", val);
	fclose(f);
	return n == 1 ? 0 : -EINVAL;
}

static int write_path(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Read a one-value file without its trailing newline. */
static int read_path(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return 0;
}

/* Size of BAR @index of @bdf from sysfs, 0 if it is not a memory BAR. */
static uint64_t sysfs_bar_size(const char *bdf, int index)
{
	unsigned long long start, end, flags;
	char path[512];
	uint64_t size = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (i = 0; i <= index; i++) {
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		if (i == index && (flags & IORESOURCE_MEM) && end)
			size = end - start + 1;
	}
	fclose(f);
	return size;
}

bool vfio_bar_find(uint16_t vendor, uint16_t device, int index,
		   uint64_t size, char *bdf, size_t len)
{
	char path[512];
	unsigned long v, d;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/sys/bus/pci/drivers/vfio-pci");
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		if (!strchr(de->d_name, ':'))
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/vendor", de->d_name);
		if (read_hex(path, &v) || v != vendor)
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/device", de->d_name);
		if (read_hex(path, &d) || d != device)
			continue;
		if (size && sysfs_bar_size(de->d_name, index) != size)
			continue;
		snprintf(bdf, len, "%s", de->d_name);
		closedir(dir);
		return true;
	}
	closedir(dir);
	return false;
}

static void read_resources(struct vfio_bar_dev *dev)
{
	unsigned long long start, end, flags;
	char path[512];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource", dev->bdf);
	f = fopen(path, "r");
	TEST_ASSERT(f, "open %s", path);
	for (i = 0; i < VFIO_BAR_MAX; i++) {
		TEST_ASSERT(fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3,
			    "parse %s", path);
		if (!(flags & IORESOURCE_MEM) || !end)
			continue;
		dev->bar[i].phys = start;
		dev->bar[i].prefetchable = flags & IORESOURCE_PREFETCH;
		dev->bar[i].mem64 = flags & IORESOURCE_MEM_64;
	}
	fclose(f);
}

void vfio_bar_open(struct vfio_bar_dev *dev, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[512], link[512];
	unsigned long v;
	ssize_t n;
	int i, r;

	memset(dev, 0, sizeof(*dev));
	snprintf(dev->bdf, sizeof(dev->bdf), "%s", bdf);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/vendor", bdf);
	TEST_ASSERT(!read_hex(path, &v), "read %s", path);
	dev->vendor = v;
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/device", bdf);
	TEST_ASSERT(!read_hex(path, &v), "read %s", path);
	dev->device = v;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	TEST_ASSERT(n > 0, "%s has no IOMMU group", bdf);
	link[n] = 0;

	dev->container = open("/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(dev->container >= 0, "open /dev/vfio/vfio");
	TEST_ASSERT(ioctl(dev->container, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
		    "VFIO API version");

	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	dev->group = open(path, O_RDWR);
	TEST_ASSERT(dev->group >= 0, "open %s", path);
	r = ioctl(dev->group, VFIO_GROUP_GET_STATUS, &status);
	TEST_ASSERT(!r && (status.flags & VFIO_GROUP_FLAGS_VIABLE),
		    "group %s not viable", path);
	r = ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container);
	TEST_ASSERT(!r, "VFIO_GROUP_SET_CONTAINER");
	r = ioctl(dev->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	TEST_ASSERT(!r, "VFIO_SET_IOMMU");
	dev->fd = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	TEST_ASSERT(dev->fd >= 0, "VFIO_GROUP_GET_DEVICE_FD %s", bdf);

	read_resources(dev);
	for (i = 0; i < VFIO_BAR_MAX; i++) {
		struct vfio_region_info info = {
			.argsz = sizeof(info),
			.index = VFIO_PCI_BAR0_REGION_INDEX + i,
		};

		if (!dev->bar[i].phys)
			continue;
		r = ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &info);
		TEST_ASSERT(!r, "VFIO_DEVICE_GET_REGION_INFO BAR%d", i);
		dev->bar[i].size = info.size;
		dev->bar[i].offset = info.offset;
		dev->bar[i].mmap = info.flags & VFIO_REGION_INFO_FLAG_MMAP;
	}
}

void vfio_bar_close(struct vfio_bar_dev *dev)
{
	if (dev->fd > 0)
		close(dev->fd);
	if (dev->group > 0)
		close(dev->group);
	if (dev->container > 0)
		close(dev->container);
	dev->fd = -1;
	dev->group = -1;
	dev->container = -1;
}

void *vfio_bar_mmap(struct vfio_bar_dev *dev, int index, uint64_t align)
{
	uint64_t size = dev->bar[index].size;
	void *area, *hva;
	uint64_t start;

	TEST_ASSERT(size && dev->bar[index].mmap, "BAR%d cannot be mmap()ed", index);
	if (align < getpagesize())
		align = getpagesize();

	/* Reserve an aligned window, then map the BAR over it. */
	area = mmap(NULL, size + align, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(area != MAP_FAILED, "reserve %llu bytes",
		    (unsigned long long)(size + align));
	start = ((uint64_t)area + align - 1) & ~(align - 1);
	hva = mmap((void *)start, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, dev->fd, dev->bar[index].offset);
	TEST_ASSERT(hva == (void *)start, "mmap BAR%d: %s", index, strerror(errno));
	if (start > (uint64_t)area)
		munmap(area, start - (uint64_t)area);
	munmap((void *)(start + size), (uint64_t)area + size + align - start - size);
	return hva;
}

void *vfio_bar_mmap_range(struct vfio_bar_dev *dev, int index,
			  uint64_t offset, uint64_t len, uint64_t align,
			  uint64_t skew)
{
	void *area, *hva;
	uint64_t start;

	TEST_ASSERT(dev->bar[index].mmap && offset + len <= dev->bar[index].size,
		    "BAR%d cannot be mmap()ed at %#lx+%#lx", index, offset, len);
	if (!align) {
		hva = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			   dev->fd, dev->bar[index].offset + offset);
		TEST_ASSERT(hva != MAP_FAILED, "mmap BAR%d: %s", index,
			    strerror(errno));
		return hva;
	}
	area = mmap(NULL, len + 2 * align, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(area != MAP_FAILED, "reserve %#lx bytes", len + 2 * align);
	start = (((uint64_t)area + align - 1) & ~(align - 1)) + skew;
	hva = mmap((void *)start, len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, dev->fd, dev->bar[index].offset + offset);
	TEST_ASSERT(hva == (void *)start, "mmap BAR%d: %s", index, strerror(errno));
	if (start > (uint64_t)area)
		munmap(area, start - (uint64_t)area);
	munmap((void *)(start + len), (uint64_t)area + len + 2 * align - start - len);
	return hva;
}

static void bar_attr_path(char *buf, size_t len, const char *bdf, int index,
			  const char *attr)
{
	snprintf(buf, len, PCI_DEVICES "/%s/memattr/bar%d_%s", bdf, index, attr);
}

int vfio_bar_sysfs_write(const char *bdf, int index, const char *attr,
			 const char *val)
{
	char path[512];

	bar_attr_path(path, sizeof(path), bdf, index, attr);
	return write_path(path, val);
}

int vfio_bar_sysfs_read(const char *bdf, int index, const char *attr,
			char *buf, size_t len)
{
	char path[512];

	bar_attr_path(path, sizeof(path), bdf, index, attr);
	return read_path(path, buf, len);
}

void vm_debugfs_path(struct kvm_vm *vm, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "/sys/kernel/debug/kvm/%d-%d/%s", getpid(), vm->fd,
		 file);
}

uint64_t s2_level_size(int level)
{
	/* Stage 2 uses the host's granule: 8-byte entries per table page. */
	int shift = __builtin_ctz(getpagesize());

	return 1ULL << (shift + (shift - 3) * (3 - level));
}

static const char *const memtypes[] = {
	"Normal-WB", "Normal-NC", "Normal-WT", "Device-nGnRnE", "Device-nGnRE",
	"Device-nGRE", "Device-GRE",
};

/*
 * A line is "0x<start>-0x<end>   <size><unit> <level> <attributes>", the
 * attributes being "F" (invalid), R, W, X (execute-never), AF, BLK, the
 * memory type and "MemAttr=0x<n>"; a range of zero entries has none.
 */
int s2_lookup(struct kvm_vm *vm, uint64_t gpa, struct s2_range *r)
{
	char path[512], line[512], size[32], tok[64];
	unsigned long long start, end;
	int level, off, n, i;
	bool invalid;
	FILE *f;

	vm_debugfs_path(vm, "stage2_page_tables", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "0x%llx-0x%llx %31s %d%n", &start, &end, size,
			   &level, &off) != 4)
			continue;
		if (gpa < start || gpa >= end)
			continue;
		memset(r, 0, sizeof(*r));
		invalid = false;
		r->start = start;
		r->end = end;
		r->level = level;
		r->exec = true;
		r->memattr = -1;
		for (n = off; sscanf(line + n, "%63s%n", tok, &i) == 1; n += i) {
			unsigned int t;

			if (!strcmp(tok, "F"))
				invalid = true;
			else if (!strcmp(tok, "R"))
				r->read = true;
			else if (!strcmp(tok, "W"))
				r->write = true;
			else if (!strcmp(tok, "X"))	/* execute-never */
				r->exec = false;
			else if (!strcmp(tok, "BLK"))
				r->block = true;
			else if (sscanf(tok, "MemAttr=%x", &t) == 1)
				r->memattr = t;
			for (t = 0; t < ARRAY_SIZE(memtypes); t++)
				if (!strcmp(tok, memtypes[t]))
					snprintf(r->memtype, sizeof(r->memtype),
						 "%s", memtypes[t]);
		}
		/*
		 * ptdump prints no attribute at all for a range of zero
		 * entries, "F" for invalid ones with other bits set, and a
		 * memory type for every valid leaf.
		 */
		r->valid = r->memtype[0] && !invalid;
		r->exec &= r->valid;
		fclose(f);
		return 0;
	}
	fclose(f);
	return -ERANGE;
}

bool s2_fwb(struct kvm_vm *vm, uint64_t ram_gpa)
{
	struct s2_range r;

	TEST_ASSERT(!s2_lookup(vm, ram_gpa, &r) && r.valid,
		    "RAM at %#lx is not mapped at stage 2", ram_gpa);
	TEST_ASSERT(!strcmp(r.memtype, "Normal-WB") &&
		    (r.memattr == 0x6 || r.memattr == 0xf),
		    "RAM at %#lx is %s MemAttr=%#x, not Normal-WB (0x6 or 0xf)",
		    ram_gpa, r.memtype, r.memattr);
	return r.memattr == 0x6;
}

int memattr_lookup(struct kvm_vm *vm, uint64_t gpa, struct memattr_line *l)
{
	char path[512], line[512];
	unsigned long long start, end;
	FILE *f;

	vm_debugfs_path(vm, "memattr", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		memset(l, 0, sizeof(*l));
		if (sscanf(line, "0x%llx-0x%llx %23s %23s %23s %31s", &start,
			   &end, l->host, l->flags, l->type, l->reason) != 6)
			continue;
		if (gpa < start || gpa >= end)
			continue;
		l->start = start;
		l->end = end;
		fclose(f);
		return 0;
	}
	fclose(f);
	return -ERANGE;
}

struct s2_leaves s2_count_leaves(struct kvm_vm *vm, uint64_t gpa,
				 uint64_t size)
{
	struct s2_leaves n = {};
	struct s2_range r;
	uint64_t a;

	for (a = gpa; a < gpa + size; a = r.end) {
		TEST_ASSERT(!s2_lookup(vm, a, &r), "no stage-2 dump line at %#lx", a);
		if (!r.valid) {
			n.invalid++;
			continue;
		}
		if (r.start < gpa || r.end > gpa + size)
			n.crosses = true;
		/* A line may cover several leaves of the same kind. */
		switch (s2_level_size(r.level)) {
		case 1ULL << 30:
			n.blocks_1g += (r.end - r.start) >> 30;
			break;
		case 1ULL << 21:
			n.blocks_2m += (r.end - r.start) >> 21;
			break;
		default:
			n.pages += (r.end - r.start) / getpagesize();
			break;
		}
	}
	return n;
}

static void config_rw(struct vfio_bar_dev *dev, int offset, void *buf,
		      size_t len, bool write)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	ssize_t n;

	TEST_ASSERT(!ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &info),
		    "config region info");
	n = write ? pwrite(dev->fd, buf, len, info.offset + offset) :
		    pread(dev->fd, buf, len, info.offset + offset);
	TEST_ASSERT(n == (ssize_t)len, "config space %s at %#x",
		    write ? "write" : "read", offset);
}

uint16_t vfio_bar_config_read16(struct vfio_bar_dev *dev, int offset)
{
	uint16_t val;

	config_rw(dev, offset, &val, sizeof(val), false);
	return val;
}

void vfio_bar_config_write16(struct vfio_bar_dev *dev, int offset, uint16_t val)
{
	config_rw(dev, offset, &val, sizeof(val), true);
}

int module_param_write(const char *module, const char *param, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, param);
	return write_path(path, val);
}

int module_param_read(const char *module, const char *param, char *buf,
		      size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, param);
	return read_path(path, buf, len);
}

#define TRACING	"/sys/kernel/tracing"

int trace_event_enable(const char *event, bool on)
{
	char path[256];

	snprintf(path, sizeof(path), TRACING "/events/%s/enable", event);
	return write_path(path, on ? "1" : "0");
}

void trace_clear(void)
{
	int fd = open(TRACING "/trace", O_WRONLY | O_TRUNC);

	TEST_ASSERT(fd >= 0, "clear " TRACING "/trace");
	close(fd);
}

int trace_count(const char *event, const char *const *needles)
{
	char line[1024], name[128];
	int n = 0, i;
	FILE *f;

	f = fopen(TRACING "/trace", "r");
	TEST_ASSERT(f, "open " TRACING "/trace");
	snprintf(name, sizeof(name), " %s: ", event);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, name))
			continue;
		for (i = 0; needles[i] && strstr(line, needles[i]); i++)
			;
		n += !needles[i];
	}
	fclose(f);
	return n;
}

int trace_guest_faults(uint64_t gpa, uint64_t size)
{
	char line[1024];
	unsigned long long ipa;
	int n = 0;
	FILE *f;
	char *p;

	f = fopen(TRACING "/trace", "r");
	TEST_ASSERT(f, "open " TRACING "/trace");
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, " kvm_guest_fault: ipa ");
		if (!p || sscanf(p, " kvm_guest_fault: ipa %llx", &ipa) != 1)
			continue;
		n += ipa >= gpa && ipa < gpa + size;
	}
	fclose(f);
	return n;
}

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	TEST_ASSERT(fd >= 0, "open /dev/kmsg");
	lseek(fd, 0, SEEK_END);
	return fd;
}

bool kmsg_find(int fd, const char *const *needles)
{
	char rec[2048];
	ssize_t n;
	int i;

	/* One record per read; EAGAIN once there is no more. */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		for (i = 0; needles[i]; i++)
			if (strstr(rec, needles[i]))
				return true;
	}
	return false;
}

int run_to_ucall(struct kvm_vcpu *vcpu, uint64_t *val)
{
	struct ucall uc;
	int cmd;

	vcpu_run(vcpu);
	cmd = get_ucall(vcpu, &uc);
	if (cmd == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(cmd == UCALL_SYNC || cmd == UCALL_DONE,
		    "unexpected exit %s",
		    exit_reason_str(vcpu->run->exit_reason));
	if (val)
		*val = uc.args[0];
	return cmd;
}
