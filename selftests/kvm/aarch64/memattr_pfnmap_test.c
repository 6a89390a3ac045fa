// SPDX-License-Identifier: GPL-2.0-only
/*
 * memattr_pfnmap_test - stage-2 memory types of VM_PFNMAP memory from a
 * provider other than vfio-pci: what the host's page protection and
 * VM_ALLOW_ANY_UNCACHED alone decide, cacheable device memory and kernel
 * RAM mapped VM_PFNMAP included, and how a refusal reaches the VMM.
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
#define TESTMEM_RAM		3ULL
#define TESTMEM_TYPE_SHIFT	40
#define TESTMEM_NC_ALLOWED	BIT_ULL(42)
#define TESTMEM_EXACT		BIT_ULL(43)
#define TESTMEM_FAULT_WC	BIT_ULL(44)

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
	bool exact;		/* VM_EXACT_MEMTYPE */
	bool fault_wc;		/* pages mapped write-combining on fault */
	/* NULL: cacheable device memory, decided by the capability */
	const char *memtype;
	const char *refused;	/* refused on every CPU, with this reason */
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

/*
 * Memory that tolerates no alias of another type: the host's Device-nGnRnE
 * is forced; a host type stage 2 cannot force is refused.
 */
FIXTURE_VARIANT_ADD(pfnmap, device_exact) {
	.type = TESTMEM_DEVICE, .exact = true, .memtype = "Device-nGnRnE",
};

FIXTURE_VARIANT_ADD(pfnmap, wc_exact) {
	.type = TESTMEM_WC, .exact = true, .memtype = "Normal-NC",
	.refused = "refuse-not-exact",
};

/* Coherent device memory: Normal-WB with FWB and DIC, refused otherwise. */
FIXTURE_VARIANT_ADD(pfnmap, cacheable) {
	.type = TESTMEM_CACHEABLE,
};

/*
 * A driver may map the pages of a VMA with another memory type than the
 * VMA's protection, as TTM maps a buffer in VRAM write-combining in a VMA
 * created cacheable: KVM takes the type the host maps the page with, and
 * neither maps it cacheable nor refuses it as cacheable.
 */
FIXTURE_VARIANT_ADD(pfnmap, wc_pages_in_cacheable_vma) {
	.type = TESTMEM_CACHEABLE, .fault_wc = true, .memtype = "Device-nGnRE",
};

FIXTURE_VARIANT_ADD(pfnmap, wc_pages_in_cacheable_vma_nc_allowed) {
	.type = TESTMEM_CACHEABLE, .fault_wc = true, .nc_allowed = true,
	.memtype = "Normal-NC",
};

/*
 * Kernel RAM a driver maps VM_PFNMAP (DRM/TTM, remap_pfn_range() of kernel
 * pages): Normal-WB on every CPU, as any RAM, whatever FWB and DIC say.
 */
FIXTURE_VARIANT_ADD(pfnmap, kernel_ram) {
	.type = TESTMEM_RAM, .memtype = "Normal-WB",
};

static void *map_testmem(int fd, uint64_t type, bool nc_allowed, bool exact,
			 bool fault_wc, void *at)
{
	uint64_t off = type << TESTMEM_TYPE_SHIFT |
		       (nc_allowed ? TESTMEM_NC_ALLOWED : 0) |
		       (exact ? TESTMEM_EXACT : 0) |
		       (fault_wc ? TESTMEM_FAULT_WC : 0);
	void *area;

	if (!at) {
		/* 2 MiB aligned, so that block mappings are possible. */
		area = mmap(NULL, MEM_SIZE + SZ_2M, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		TEST_ASSERT(area != MAP_FAILED, "reserve");
		at = (void *)(((uint64_t)area + SZ_2M - 1) & ~(uint64_t)(SZ_2M - 1));
	}
	return mmap(at, MEM_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, fd, off);
}

FIXTURE_SETUP(pfnmap)
{
	int r;

	r = load_testmem();
	if (r)
		SKIP(return, "memattr_testmem not available: %s", strerror(-r));
	self->fd = open("/dev/memattr_testmem", O_RDWR);
	ASSERT_GE(self->fd, 0);
	self->hva = map_testmem(self->fd, variant->type, variant->nc_allowed,
				variant->exact, variant->fault_wc, NULL);
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
 * Map @hva at MEM_GPA: KVM accepts the memslot whatever the memory is,
 * as whether it may be mapped depends on each pfn.
 */
static void add_memslot(struct __test_metadata *_metadata, struct kvm_vm *vm,
			struct kvm_vcpu *vcpu, void *hva, uint64_t exec)
{
	ASSERT_EQ(__vm_set_user_memory_region(vm, MEM_SLOT, 0, MEM_GPA,
					      MEM_SIZE, hva), 0)
		TH_LOG("memslot over the mapping refused: %s", strerror(errno));
	virt_map(vm, MEM_GPA, MEM_GPA, MEM_SIZE / vm->page_size);
	vcpu_args_set(vcpu, 2, MEM_GPA, exec);
}

static const char *const no_cacheable[] = {
	"refuse-no-fwb", "refuse-no-dic", NULL,
};

/*
 * The reasons KVM may give for refusing the variant's memory on this CPU,
 * or NULL if it maps it: cacheable device memory (@memtype NULL) where the
 * CPU cannot map it cacheable, and what every CPU refuses.
 */
static const char *const *refusal(const char *memtype, const char *refused,
				  struct kvm_vm *vm)
{
	static const char *one[2];

	if (refused) {
		one[0] = refused;
		return one;
	}
	if (!memtype &&
	    vm_check_cap(vm, KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED) <= 0)
		return no_cacheable;
	return NULL;
}

/*
 * The guest's first access to MEM_GPA is refused: KVM_RUN fails with
 * EFAULT, the kernel logs and traces the page and the reason (one of
 * @reasons), and nothing is mapped.
 */
static void expect_refusal(struct __test_metadata *_metadata,
			   struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			   const char *const *reasons)
{
	char gfn[32];
	const char *needles[3] = { "reason ", gfn, NULL };
	struct s2_range r;
	int kmsg, i, n = 0;

	snprintf(gfn, sizeof(gfn), "gfn %#llx ", MEM_GPA >> 12);
	ASSERT_EQ(trace_event_enable("kvm/kvm_memattr_refuse", true), 0);
	trace_clear();
	kmsg = kmsg_open();

	EXPECT_EQ(_vcpu_run(vcpu), -1);
	EXPECT_EQ(errno, EFAULT);

	for (i = 0; reasons[i]; i++) {
		char reason[64];

		snprintf(reason, sizeof(reason), "reason %s", reasons[i]);
		needles[0] = reason;
		n += trace_count("kvm_memattr_refuse", needles);
	}
	EXPECT_EQ(n, 1) TH_LOG("kvm_memattr_refuse events naming %s...", reasons[0]);
	EXPECT_TRUE(kmsg_find(kmsg, reasons)) TH_LOG("no log line naming %s...",
						     reasons[0]);
	close(kmsg);
	trace_event_enable("kvm/kvm_memattr_refuse", false);

	EXPECT_FALSE(!s2_lookup(vm, MEM_GPA, &r) && r.valid);
}

TEST_F_TIMEOUT(pfnmap, stage2_memory_type, 120)
{
	const char *const *reasons;
	uint64_t *mem = self->hva;
	struct memattr_line l;
	struct s2_range r;
	uint64_t val;

	add_memslot(_metadata, self->vm, self->vcpu, self->hva, 0);
	reasons = refusal(variant->memtype, variant->refused, self->vm);
	if (reasons) {
		expect_refusal(_metadata, self->vm, self->vcpu, reasons);
		return;
	}
	WRITE_ONCE(mem[0], PATTERN);
	EXPECT_EQ(run_to_ucall(self->vcpu, &val), UCALL_SYNC);
	EXPECT_EQ(val, PATTERN);
	EXPECT_EQ(run_to_ucall(self->vcpu, &val), UCALL_DONE);
	EXPECT_EQ(READ_ONCE(mem[1]), PATTERN);

	ASSERT_EQ(s2_lookup(self->vm, MEM_GPA, &r), 0);
	EXPECT_TRUE(r.valid);
	EXPECT_STREQ(r.memtype, variant->memtype ?: "Normal-WB");
	if (!strcmp(r.memtype, "Normal-WB")) {
		/*
		 * Forced write-back like the guest's RAM (its page tables at
		 * vm->pgd), never FWB's "stage 1 decides" (0x7).
		 */
		EXPECT_EQ(r.memattr, s2_fwb(self->vm, self->vm->pgd) ? 0x6 : 0xf);
	} else {
		EXPECT_EQ(r.memattr, !strcmp(r.memtype, "Normal-NC") ? 0x5 :
				     !strcmp(r.memtype, "Device-nGnRE") ? 0x1 : 0x0);
		EXPECT_FALSE(r.exec);
	}

	/*
	 * The memattr file tells what the policy gives device memory behind
	 * the VMA; kernel RAM is RAM whatever the VMA says.
	 */
	if (variant->type == TESTMEM_RAM || variant->fault_wc)
		return;
	ASSERT_EQ(memattr_lookup(self->vm, MEM_GPA, &l), 0);
	EXPECT_EQ(l.start, MEM_GPA);
	EXPECT_STREQ(l.type, variant->memtype ?: "Normal-WB");
}

#define AARCH64_RET	0xd65f03c0

TEST_F_TIMEOUT(pfnmap, exec, 120)
{
	bool ram = variant->type == TESTMEM_RAM || !variant->memtype;
	const char *const *reasons;
	uint32_t *insn = self->hva;
	uint64_t aborted;

	add_memslot(_metadata, self->vm, self->vcpu, self->hva, 1);
	reasons = refusal(variant->memtype, variant->refused, self->vm);
	if (reasons && !variant->refused) {
		expect_refusal(_metadata, self->vm, self->vcpu, reasons);
		return;
	}
	/* Where execution is allowed, the guest's call returns at once. */
	WRITE_ONCE(insn[0], AARCH64_RET);
	EXPECT_EQ(run_to_ucall(self->vcpu, &aborted), UCALL_SYNC);
	/* Device and Normal-NC never execute; cacheable memory may. */
	EXPECT_EQ(aborted, !ram);
}

/*
 * A VM that uses MTE never maps cacheable device memory: it has no
 * allocation tag storage. The VMM can only get it there by replacing an
 * MTE-capable mapping under an existing memslot, which KVM cannot see
 * until the fault.
 */
TEST(mte_refuses_cacheable_device_memory)
{
	static const char *const mte[] = { "refuse-mte", NULL };
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	void *hva, *area;
	int fd, r;

	if (!kvm_has_cap(KVM_CAP_ARM_MTE))
		SKIP(return, "no MTE");
	r = load_testmem();
	if (r)
		SKIP(return, "memattr_testmem not available: %s", strerror(-r));
	fd = open("/dev/memattr_testmem", O_RDWR);
	ASSERT_GE(fd, 0);

	vm = __vm_create(VM_SHAPE_DEFAULT, 1, 0);
	vm_enable_cap(vm, KVM_CAP_ARM_MTE, 0);
	vcpu = vm_vcpu_add(vm, 0, guest_code);

	/* Anonymous memory may hold tags: the memslot is accepted. */
	area = mmap(NULL, MEM_SIZE + SZ_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(area, MAP_FAILED);
	hva = (void *)(((uint64_t)area + SZ_2M - 1) & ~(uint64_t)(SZ_2M - 1));
	add_memslot(_metadata, vm, vcpu, hva, 0);

	/* Then cacheable device memory replaces it. */
	ASSERT_EQ(map_testmem(fd, TESTMEM_CACHEABLE, false, false, false, hva),
		  hva);
	expect_refusal(_metadata, vm, vcpu, mte);

	kvm_vm_free(vm);
	munmap(area, MEM_SIZE + SZ_2M);
	close(fd);
}

TEST_HARNESS_MAIN
