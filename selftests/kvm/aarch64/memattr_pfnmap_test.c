// SPDX-License-Identifier: GPL-2.0-only
/*
 * memattr_pfnmap_test - stage-2 memory types of VM_PFNMAP memory from a
 * provider other than vfio-pci: what the host's page protection and
 * VM_ALLOW_ANY_UNCACHED alone decide, cacheable device memory included.
 *
 * The provider is memattr_testmem.ko (tools/testing/selftests/kvm/
 * memattr_testmem), which maps memory the kernel left alone ("mem=" on
 * the command line) with the protection the mmap offset asks for. The
 * module is loaded from the directory of this program, or from
 * $MEMATTR_TESTMEM.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sizes.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"
#include "vfio_bar.h"

#define MEM_GPA		(64ULL << 30)
#define MEM_SLOT	1
#define MEM_SIZE	SZ_4M

/* memattr_testmem's mmap offset encoding */
#define TESTMEM_CACHEABLE	0ULL
#define TESTMEM_WC		1ULL
#define TESTMEM_DEVICE		2ULL
#define TESTMEM_TYPE_SHIFT	40
#define TESTMEM_NC_ALLOWED	BIT_ULL(42)

#define PATTERN	0x0123456789abcdefULL

static bool guest_saw_iabt;

static void guest_iabt_handler(struct ex_regs *regs)
{
	WRITE_ONCE(guest_saw_iabt, true);
	regs->pc = regs->regs[30];
}

static void guest_code(uint64_t gva, uint64_t exec)
{
	uint64_t *mem = (uint64_t *)gva;

	if (exec) {
		((void (*)(void))gva)();
		GUEST_SYNC1(READ_ONCE(guest_saw_iabt));
	} else {
		GUEST_SYNC1(READ_ONCE(mem[0]));
		WRITE_ONCE(mem[1], PATTERN);
	}
	GUEST_DONE();
}

/* Memory the device tree has and the kernel does not: [start, end). */
static bool unmanaged_memory(uint64_t *start, uint64_t *end)
{
	unsigned long long s, e, ram_end = 0;
	uint8_t reg[16];
	char line[256];
	FILE *f;
	int fd, i;

	f = fopen("/proc/iomem", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "System RAM") && sscanf(line, "%llx-%llx", &s, &e) == 2 &&
		    e + 1 > ram_end)
			ram_end = e + 1;
	fclose(f);

	fd = open("/proc/device-tree/memory@40000000/reg", O_RDONLY);
	if (fd < 0)
		return false;
	if (read(fd, reg, sizeof(reg)) != sizeof(reg)) {
		close(fd);
		return false;
	}
	close(fd);
	for (s = 0, e = 0, i = 0; i < 8; i++) {
		s = s << 8 | reg[i];
		e = e << 8 | reg[8 + i];
	}
	*start = (ram_end + SZ_2M - 1) & ~(uint64_t)(SZ_2M - 1);
	*end = s + e;
	return *end > *start + MEM_SIZE;
}

static int load_testmem(void)
{
	char exe[512], path[600], params[96];
	uint64_t start, end;
	const char *mod;
	ssize_t n;
	int fd, r;

	if (!access("/dev/memattr_testmem", F_OK))
		return 0;
	if (!unmanaged_memory(&start, &end))
		return -ENOMEM;
	mod = getenv("MEMATTR_TESTMEM");
	if (!mod) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return -errno;
		exe[n] = 0;
		snprintf(path, sizeof(path), "%s/memattr_testmem.ko", dirname(exe));
		mod = path;
	}
	fd = open(mod, O_RDONLY);
	if (fd < 0)
		return -ENOENT;
	snprintf(params, sizeof(params), "base=0x%lx size=0x%lx", start, end - start);
	r = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return r && errno != EEXIST ? -errno : 0;
}

FIXTURE(pfnmap) {
	int fd;
	void *hva;
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
};

FIXTURE_VARIANT(pfnmap) {
	uint64_t type;
	bool nc_allowed;
	const char *memtype;	/* NULL: cacheable, decided by the capability */
};

FIXTURE_VARIANT_ADD(pfnmap, device) {
	.type = TESTMEM_DEVICE, .memtype = "Device-nGnRE",
};

FIXTURE_VARIANT_ADD(pfnmap, device_nc_allowed) {
	.type = TESTMEM_DEVICE, .nc_allowed = true, .memtype = "Normal-NC",
};

/* Write-combining on the host without the flag: KVM keeps Device. */
FIXTURE_VARIANT_ADD(pfnmap, wc) {
	.type = TESTMEM_WC, .memtype = "Device-nGnRE",
};

FIXTURE_VARIANT_ADD(pfnmap, wc_nc_allowed) {
	.type = TESTMEM_WC, .nc_allowed = true, .memtype = "Normal-NC",
};

/* Coherent device memory: Normal-WB with FWB and DIC, refused otherwise. */
FIXTURE_VARIANT_ADD(pfnmap, cacheable) {
	.type = TESTMEM_CACHEABLE,
};

FIXTURE_SETUP(pfnmap)
{
	uint64_t off = variant->type << TESTMEM_TYPE_SHIFT |
		       (variant->nc_allowed ? TESTMEM_NC_ALLOWED : 0);
	void *area;
	int r;

	r = load_testmem();
	if (r)
		SKIP(return, "memattr_testmem not available: %s", strerror(-r));
	self->fd = open("/dev/memattr_testmem", O_RDWR);
	ASSERT_GE(self->fd, 0);

	/* 2 MiB aligned, so that block mappings are possible. */
	area = mmap(NULL, MEM_SIZE + SZ_2M, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(area, MAP_FAILED);
	self->hva = (void *)(((uint64_t)area + SZ_2M - 1) & ~(uint64_t)(SZ_2M - 1));
	self->hva = mmap(self->hva, MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, self->fd, off);
	ASSERT_NE(self->hva, MAP_FAILED);

	self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_code);
	vm_init_descriptor_tables(self->vm);
	vcpu_init_descriptor_tables(self->vcpu);
	vm_install_sync_handler(self->vm, VECTOR_SYNC_CURRENT, ESR_EC_IABT,
				guest_iabt_handler);
}

FIXTURE_TEARDOWN(pfnmap)
{
	if (self->vm)
		kvm_vm_free(self->vm);
	if (self->hva && self->hva != MAP_FAILED)
		munmap(self->hva, MEM_SIZE);
	if (self->fd > 0)
		close(self->fd);
}

/*
 * Map @hva at MEM_GPA. Returns false if KVM refused the memslot, which it
 * must for cacheable memory (@cacheable) where the CPU lacks FWB or DIC.
 */
static bool add_memslot(struct __test_metadata *_metadata, struct kvm_vm *vm,
			struct kvm_vcpu *vcpu, void *hva, bool cacheable,
			uint64_t exec)
{
	bool supported = vm_check_cap(vm, KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED) > 0;
	int r;

	r = __vm_set_user_memory_region(vm, MEM_SLOT, 0, MEM_GPA, MEM_SIZE, hva);
	if (cacheable && !supported) {
		EXPECT_EQ(r, -1);
		EXPECT_EQ(errno, EINVAL);
		return false;
	}
	EXPECT_EQ(r, 0);
	virt_map(vm, MEM_GPA, MEM_GPA, MEM_SIZE / vm->page_size);
	vcpu_args_set(vcpu, 2, MEM_GPA, exec);
	return !r;
}

TEST_F_TIMEOUT(pfnmap, stage2_memory_type, 120)
{
	uint64_t *mem = self->hva;
	struct memattr_line l;
	struct s2_range r;

	uint64_t val;

	if (!add_memslot(_metadata, self->vm, self->vcpu, self->hva,
			 !variant->memtype, 0))
		return;
	WRITE_ONCE(mem[0], PATTERN);
	EXPECT_EQ(run_to_ucall(self->vcpu, &val), UCALL_SYNC);
	EXPECT_EQ(val, PATTERN);
	EXPECT_EQ(run_to_ucall(self->vcpu, &val), UCALL_DONE);
	EXPECT_EQ(READ_ONCE(mem[1]), PATTERN);

	ASSERT_EQ(s2_lookup(self->vm, MEM_GPA, &r), 0);
	EXPECT_TRUE(r.valid);
	EXPECT_STREQ(r.memtype, variant->memtype ?: "Normal-WB");
	EXPECT_EQ(r.exec, !variant->memtype);

	ASSERT_EQ(memattr_lookup(self->vm, MEM_GPA, &l), 0);
	EXPECT_STREQ(l.device, "-");
	EXPECT_STREQ(l.class_reason, "pfnmap");
	EXPECT_STREQ(l.type, variant->memtype ?: "Normal-WB");
	EXPECT_EQ(l.faults, 1);
}

#define AARCH64_RET	0xd65f03c0

TEST_F_TIMEOUT(pfnmap, exec, 120)
{
	uint32_t *insn = self->hva;
	uint64_t aborted;

	if (!add_memslot(_metadata, self->vm, self->vcpu, self->hva,
			 !variant->memtype, 1))
		return;
	/* Where execution is allowed, the guest's call returns at once. */
	WRITE_ONCE(insn[0], AARCH64_RET);
	EXPECT_EQ(run_to_ucall(self->vcpu, &aborted), UCALL_SYNC);
	/* Device and Normal-NC never execute; cacheable memory may. */
	EXPECT_EQ(aborted, !!variant->memtype);
}

TEST_HARNESS_MAIN
