// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EPT memory types KVM installs, read back from the leaves themselves
 * (the kvmmmu:kvm_mmu_set_spte tracepoint reports every leaf KVM sets):
 * memory type (bits 5:3) and IPAT (bit 6) for guest RAM and for a host
 * MMIO BAR, without and with KVM_CAP_X86_HONOR_GUEST_MTRRS, without and
 * with non-coherent DMA. Non-coherent DMA is registered as a VMM does it:
 * the VFIO group of a device bound to vfio-pci, here a no-IOMMU group,
 * added to the KVM-VFIO device.
 *
 * With the capability and non-coherent DMA, the guest programs its MTRRs
 * as firmware and Linux do (CR0.CD set, MTRRs disabled, written, enabled,
 * CD cleared), through the five steps of the per-VM MTRR discussion
 * (a fixed range UC, CD set, MTRRs disabled, the range made WB and
 * MTRRs enabled, CD cleared), through a reboot in which an AP loads the
 * BSP's CR0 before it syncs its MTRRs, as EDK2's MpInitLib does, and
 * through an AP the VMM resets while it programs its MTRRs.
 *
 * A nested guest's accesses get shadow EPT leaves for the same frames: an
 * MTRR change L1 commits must reach those too.
 *
 * Linux's order too, with 2 and 4 vCPUs and a hot-added one: APs that load
 * a CR0 with caches enabled before they copy the BSP's MTRRs, and an MTRR
 * rendezvous; the leaves zapped on the way (the kvm_tdp_mmu_spte_changed
 * tracepoint) must all be ones a vCPU with caches disabled installed. A
 * vCPU migrated while its guest programs its MTRRs, and faults racing
 * with MTRR commits that split the block they map.
 *
 * The leaves' sizes too: a 2M block the MTRRs give one type is one 2M
 * leaf, a block a range boundary splits 4K leaves.
 *
 * Needs VMX with EPT (under emulation, Bochs has it); skips elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/bits.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "spte_trace.h"
#include "vfio_bar.h"
#include "vmx.h"

#define DATA_GPA	0x40000000ULL	/* four 2M blocks of RAM */
#define DATA_SLOT	11
#define BLOCK		0x200000ULL
#define DATA_SIZE	(4 * BLOCK)
#define BAR_GPA		0xc0000000ULL
#define BAR_SLOT	10
#define LOW_GVA		0x60000000ULL	/* an alias of the first MiB */
#define FIXED_UC_GPA	0xc0000ULL	/* MTRRfix4K_C0000, byte 0 */

#define MSR_MTRR_BASE0	0x200
#define MSR_MTRR_MASK0	0x201
#define MSR_FIX64K	0x250
#define MSR_FIX16K	0x258
#define MSR_FIX4K	0x268
#define MSR_DEFTYPE	0x2ff
#define MTRR_E_FE_WB	0xc06ULL	/* enabled, fixed enabled, default WB */
#define MTRR_ALL_WB	0x0606060606060606ULL
#define MTRR_VALID	BIT_ULL(11)

#define EPT_MT(t)	((uint64_t)(t) << 3)
#define EPT_IPAT	BIT_ULL(6)
#define EPT_BITS	(EPT_MT(7) | EPT_IPAT)
#define UC		0
#define WB		6

#define VGA_VENDOR	0x1234		/* Bochs's pcivga, QEMU's bochs-display */
#define VGA_DEVICE	0x1111
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
#define MAX_VCPUS	5

/* The MTRR values the guest programs: one variable range, fixed ranges. */
struct mtrrs {
	uint64_t base0, mask0;
	uint64_t fix4k_c0000;
};

/* Pages the guest touches. */
static uint64_t touch(uint64_t gva)
{
	return READ_ONCE(*(uint64_t *)gva);
}

static void set_cr0(uint64_t val)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(val) : "memory");
}

/* Linux's cache_disable(): CD set, caches flushed, MTRRs disabled. */
static void cache_disable(void)
{
	set_cr0((get_cr0() | X86_CR0_CD) & ~X86_CR0_NW);
	__asm__ __volatile__("wbinvd" : : : "memory");
	wrmsr(MSR_DEFTYPE, 0);
}

/* The fixed and variable ranges; MTRRdefType enables them last. */
static void mtrr_write(const struct mtrrs *m)
{
	int i;

	wrmsr(MSR_FIX64K, MTRR_ALL_WB);
	wrmsr(MSR_FIX16K, MTRR_ALL_WB);
	wrmsr(MSR_FIX16K + 1, MTRR_ALL_WB);
	wrmsr(MSR_FIX4K, m->fix4k_c0000);
	for (i = 1; i < 8; i++)
		wrmsr(MSR_FIX4K + i, MTRR_ALL_WB);
	wrmsr(MSR_MTRR_BASE0, m->base0);
	wrmsr(MSR_MTRR_MASK0, m->mask0);
}

/* Linux's cache_enable(): MTRRs enabled, then CD cleared. */
static void cache_enable(void)
{
	wrmsr(MSR_DEFTYPE, MTRR_E_FE_WB);
	set_cr0(get_cr0() & ~(X86_CR0_CD | X86_CR0_NW));
}

static void program(const struct mtrrs *m)
{
	cache_disable();
	mtrr_write(m);
	cache_enable();
}

/*
 * Programs @m, then touches the UC variable range (block 0), a WB block
 * (1), the UC fixed range and the BAR; sets CD and touches block 2;
 * clears CD and touches block 2 again.
 */
static void guest_basic(const struct mtrrs *m)
{
	program(m);
	touch(DATA_GPA);
	touch(DATA_GPA + BLOCK);
	touch(LOW_GVA + FIXED_UC_GPA);
	touch(BAR_GPA);
	GUEST_SYNC(1);
	set_cr0(get_cr0() | X86_CR0_CD);
	touch(DATA_GPA + 2 * BLOCK);
	GUEST_SYNC(2);
	set_cr0(get_cr0() & ~X86_CR0_CD);
	touch(DATA_GPA + 2 * BLOCK);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/*
 * Programs @m with its variable range moved to the upper half of block 0,
 * then touches both halves of block 0 and block 1.
 */
static void guest_split(const struct mtrrs *m)
{
	struct mtrrs split = *m;

	split.base0 = (DATA_GPA + BLOCK / 2) | UC;
	split.mask0 = m->mask0 | BLOCK / 2;
	program(&split);
	touch(DATA_GPA);
	touch(DATA_GPA + BLOCK / 2);
	touch(DATA_GPA + BLOCK);
	GUEST_DONE();
}

/* Seed 002's five steps, with a host check after 1, 2 and 5. */
static void guest_five_steps(const struct mtrrs *m)
{
	struct mtrrs wb = *m;

	/* 1: the fixed range at 0xc0000 is UC, and so is its leaf. */
	program(m);
	touch(LOW_GVA + FIXED_UC_GPA);
	GUEST_SYNC(1);
	/* 2: CR0.CD=1; a page first touched now is UC, guest PAT ignored. */
	set_cr0(get_cr0() | X86_CR0_CD);
	touch(DATA_GPA + 2 * BLOCK);
	GUEST_SYNC(2);
	/* 3: MTRRs disabled, nothing zapped yet. */
	wrmsr(MSR_DEFTYPE, 0);
	/* 4: the fixed range becomes WB, MTRRs enabled. */
	wb.fix4k_c0000 = MTRR_ALL_WB;
	mtrr_write(&wb);
	wrmsr(MSR_DEFTYPE, MTRR_E_FE_WB);
	/* 5: CR0.CD=0: both pages must be zapped and come back WB. */
	set_cr0(get_cr0() & ~X86_CR0_CD);
	touch(LOW_GVA + FIXED_UC_GPA);
	touch(DATA_GPA + 2 * BLOCK);
	touch(DATA_GPA);
	GUEST_SYNC(5);
	GUEST_DONE();
}

/* A BSP, booted again by every reboot: programs @m, touches block 1. */
static void guest_bsp(const struct mtrrs *m)
{
	for (;;) {
		program(m);
		touch(DATA_GPA + BLOCK);
		GUEST_SYNC(1);
	}
}

/*
 * An AP as OVMF brings it up. It starts with CD=1 and reset MTRRs (the
 * host put them there); ApWakeupFunction loads the BSP's CR0, CD=0,
 * before MtrrSetAllMtrrs programs the BSP's MTRRs.
 */
static void guest_ap(const struct mtrrs *m, uint64_t bsp_cr0)
{
	for (;;) {
		set_cr0(bsp_cr0);
		touch(DATA_GPA + 2 * BLOCK);
		GUEST_SYNC(2);
		program(m);
		touch(DATA_GPA + 3 * BLOCK);
		GUEST_SYNC(3);
	}
}

/*
 * An AP stopped in the middle of programming its MTRRs: CD set, MTRRs
 * written, CD never cleared (parked, or reset mid-window). The VMM then
 * resets it, and it loads the BSP's CR0, CD=0, as OVMF's APs do.
 */
static void guest_ap_parked(const struct mtrrs *m, uint64_t bsp_cr0)
{
	struct mtrrs uc = *m;

	/* What it was writing: block 2 UC. */
	uc.base0 = (DATA_GPA + 2 * BLOCK) | UC;
	cache_disable();
	mtrr_write(&uc);
	GUEST_SYNC(1);
	set_cr0(bsp_cr0);
	touch(DATA_GPA + 2 * BLOCK);
	GUEST_SYNC(2);
	GUEST_DONE();
}

/*
 * Programs @m (block 0 UC) and touches block 0; then reprograms the MTRRs
 * with block 0 WB and enables them, and is migrated (the host restores
 * it) before it clears CD; then clears CD and touches block 0 again.
 */
static void guest_migrated(const struct mtrrs *m)
{
	struct mtrrs wb = *m;

	program(m);
	touch(DATA_GPA);
	GUEST_SYNC(1);
	wb.mask0 = 0;
	cache_disable();
	mtrr_write(&wb);
	wrmsr(MSR_DEFTYPE, MTRR_E_FE_WB);
	GUEST_SYNC(2);
	set_cr0(get_cr0() & ~(X86_CR0_CD | X86_CR0_NW));
	touch(DATA_GPA);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/* A vCPU whose MTRRs the host restores: it touches block 0 each round. */
static void guest_restored(const struct mtrrs *m)
{
	program(m);
	for (;;) {
		touch(DATA_GPA);
		GUEST_SYNC(1);
	}
}

/* L2 touches block 1 before and after L1 changes its MTRRs. */
static void guest_l2(void)
{
	touch(DATA_GPA + BLOCK);
	GUEST_SYNC(1);
	vmcall();
	touch(DATA_GPA + BLOCK);
	GUEST_SYNC(2);
	vmcall();
}

/*
 * L1 runs L2 behind an identity EPT, then moves its UC variable range
 * from block 0 to block 1 with caches enabled: each write commits.
 */
static void guest_l1(const struct mtrrs *m, struct vmx_pages *vmx)
{
	unsigned long l2_stack[64];

	program(m);
	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, guest_l2, &l2_stack[64]);
	GUEST_ASSERT(!vmlaunch());
	GUEST_ASSERT_EQ(vmreadz(VM_EXIT_REASON), EXIT_REASON_VMCALL);

	wrmsr(MSR_MTRR_MASK0, 0);
	wrmsr(MSR_MTRR_BASE0, (DATA_GPA + BLOCK) | UC);
	wrmsr(MSR_MTRR_MASK0, m->mask0);

	vmwrite(GUEST_RIP, vmreadz(GUEST_RIP) + vmreadz(VM_EXIT_INSTRUCTION_LEN));
	GUEST_ASSERT(!vmresume());
	GUEST_ASSERT_EQ(vmreadz(VM_EXIT_REASON), EXIT_REASON_VMCALL);
	GUEST_DONE();
}

/*
 * Touches the upper half of every block until the host says stop; an exit
 * each round, without which the host thread did not get the one CPU
 * back under Bochs.
 */
static void guest_race_toucher(const struct mtrrs *m, uint64_t bsp_cr0,
			       uint64_t *stop)
{
	uint32_t eax, ebx, ecx, edx;
	int i;

	do {
		for (i = 0; i < 4; i++)
			touch(DATA_GPA + i * BLOCK + BLOCK / 2);
		cpuid(0, &eax, &ebx, &ecx, &edx);
	} while (!READ_ONCE(*stop));
	GUEST_DONE();
}

/* Enables the MTRRs, all WB; the host then commits through this vCPU. */
static void guest_race_committer(const struct mtrrs *m)
{
	struct mtrrs wb = { .fix4k_c0000 = MTRR_ALL_WB };

	program(&wb);
	GUEST_DONE();
}

/*
 * Linux's cache_cpu_init(), which its MTRR rendezvous and every CPU it
 * brings up run: CD set, MTRRs disabled, the BSP's MTRRs written,
 * MTRRs enabled, CD cleared.
 */
static void guest_linux(const struct mtrrs *m, uint64_t bsp_cr0)
{
	/* What firmware left: the MTRRs programmed, RAM touched. */
	program(m);
	touch(DATA_GPA);
	touch(DATA_GPA + BLOCK);
	GUEST_SYNC(1);
	for (;;) {
		program(m);
		GUEST_SYNC(3);
	}
}

/*
 * A CPU Linux brings up, at boot or hot-added: it comes out of INIT or
 * reset with CD set, its trampoline loads a CR0 with caches enabled, and
 * only then does it copy the BSP's MTRRs (cache_ap_online()). Then it
 * joins every rendezvous.
 */
static void guest_linux_ap(const struct mtrrs *m, uint64_t bsp_cr0)
{
	set_cr0(bsp_cr0);
	touch(DATA_GPA + 2 * BLOCK);
	GUEST_SYNC(2);
	for (;;) {
		program(m);
		touch(DATA_GPA + 3 * BLOCK);
		GUEST_SYNC(3);
	}
}

static uint64_t run_to_sync(struct kvm_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		return uc.args[1];
	case UCALL_DONE:
		return 0;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
	default:
		TEST_FAIL("unexpected exit %s",
			  exit_reason_str(vcpu->run->exit_reason));
	}
	return 0;
}

/*
 * The memory type and IPAT of the last leaf KVM installed over @gpa since
 * the trace was cleared, or ~0 if there is none; its level (1 for 4K, 2
 * for 2M) in @found_level, 0 if there is none. The guest touched @gpa
 * after any zap, so the last leaf is the current one.
 */
static uint64_t leaf_at(uint64_t gpa, int *found_level)
{
	uint64_t g, spte, found = ~0ULL;
	char line[512];
	int level;
	FILE *f;

	*found_level = 0;
	f = trace_open();
	while (fgets(line, sizeof(line), f)) {
		if (!spte_trace_parse(line, &g, &spte, &level))
			continue;
		if (gpa >> 12 >= g && gpa >> 12 < g + (1ULL << (9 * (level - 1)))) {
			found = spte & EPT_BITS;
			*found_level = level;
		}
	}
	fclose(f);
	return found;
}

static uint64_t leaf(uint64_t gpa)
{
	int level;

	return leaf_at(gpa, &level);
}

struct vm_setup {
	bool cap, nc_dma;
	int nr_vcpus;
	void *code[MAX_VCPUS];
};

struct test_vm {
	const char *skip;	/* why vm_setup() failed */
	char thp[16];		/* THP_ENABLED before the test, or "" */
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu[MAX_VCPUS];
	struct mtrrs *mtrrs;	/* host view of the guest's copy */
	vm_vaddr_t mtrrs_gva;
	int container, group, device, kvm_vfio;
	void *bar;
	uint64_t bar_size;
};

/*
 * Open the VGA's VFIO no-IOMMU group, as a VMM does, for its BAR0 and its
 * group fd. Returns false if there is no such device.
 */
static bool noiommu_open(struct test_vm *t)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info), .index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	char bdf[16], path[256], link[256];
	ssize_t n;

	if (!vfio_bar_find(VGA_VENDOR, VGA_DEVICE, 0, 0, bdf, sizeof(bdf)))
		return false;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, link, sizeof(link) - 1);
	TEST_ASSERT(n > 0, "%s has no group", bdf);
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%s", basename(link));
	t->group = open(path, O_RDWR);
	TEST_ASSERT(t->group >= 0, "open %s: %s", path, strerror(errno));
	t->container = open("/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(t->container >= 0, "open /dev/vfio/vfio");
	TEST_ASSERT(!ioctl(t->group, VFIO_GROUP_SET_CONTAINER, &t->container),
		    "VFIO_GROUP_SET_CONTAINER");
	TEST_ASSERT(!ioctl(t->container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU),
		    "VFIO_SET_IOMMU no-IOMMU");
	t->device = ioctl(t->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	TEST_ASSERT(t->device >= 0, "VFIO_GROUP_GET_DEVICE_FD %s", bdf);
	TEST_ASSERT(!ioctl(t->device, VFIO_DEVICE_GET_REGION_INFO, &info),
		    "BAR0 region info");
	t->bar_size = info.size;
	t->bar = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      t->device, info.offset);
	TEST_ASSERT(t->bar != MAP_FAILED, "mmap BAR0: %s", strerror(errno));
	return true;
}

/* The MTRRs of the first boot: 0xc0000 UC, block 0 UC, the rest WB. */
static void default_mtrrs(struct kvm_vm *vm, struct mtrrs *m)
{
	m->fix4k_c0000 = MTRR_ALL_WB & ~0xffULL;
	m->base0 = DATA_GPA | UC;
	m->mask0 = (~(BLOCK - 1) & GENMASK_ULL(vm->pa_bits - 1, 0)) |
		   MTRR_VALID;
}

/*
 * KVM maps a 2M leaf only where the host maps the memory with a huge
 * page. Linux turns THP off on machines with less than 512 MiB, as the
 * Bochs guest is: the admin may turn it on, and the RAM regions madvise.
 * The setting found is kept in @t->thp, for vm_teardown(). Returns false
 * without THP.
 */
static bool thp_on(struct test_vm *t)
{
	char buf[64] = "", *sel, *end;
	int fd = open(THP_ENABLED, O_RDWR);

	if (fd < 0)
		return false;
	TEST_ASSERT(read(fd, buf, sizeof(buf) - 1) > 0, "read " THP_ENABLED);
	sel = strchr(buf, '[');
	end = sel ? strchr(sel, ']') : NULL;
	TEST_ASSERT(end && end - sel - 1 < (long)sizeof(t->thp),
		    "no setting in " THP_ENABLED ": %s", buf);
	memcpy(t->thp, sel + 1, end - sel - 1);
	if (!strcmp(t->thp, "never"))
		TEST_ASSERT(pwrite(fd, "madvise", 7, 0) == 7,
			    "write " THP_ENABLED);
	close(fd);
	return true;
}

/* Puts back the THP setting thp_on() found. */
static void thp_restore(struct test_vm *t)
{
	int fd;

	if (strcmp(t->thp, "never"))
		return;
	fd = open(THP_ENABLED, O_WRONLY);
	TEST_ASSERT(fd >= 0 && write(fd, "never", 5) == 5,
		    "restore " THP_ENABLED);
	close(fd);
	t->thp[0] = 0;
}

/* Undoes what vm_setup() did, also when it failed half-way. */
static void vm_teardown(struct test_vm *t)
{
	if (t->vm) {
		tracing_write("events/kvmmmu/kvm_mmu_set_spte/enable", "0");
		kvm_vm_free(t->vm);
	}
	if (t->kvm_vfio > 0)
		close(t->kvm_vfio);
	if (t->bar)
		munmap(t->bar, t->bar_size);
	if (t->device > 0)
		close(t->device);
	if (t->group > 0)
		close(t->group);
	if (t->container > 0)
		close(t->container);
	thp_restore(t);
}

/*
 * A VM with the VGA's BAR0 and four blocks of RAM mapped 1:1, the first
 * MiB aliased at LOW_GVA, and @s's capability, non-coherent DMA and vCPUs.
 * Every vCPU gets the guest's copy of the MTRRs as its first argument and
 * the first vCPU's CR0 as its second, which an AP loads as OVMF's do.
 */
static bool vm_setup(struct test_vm *t, const struct vm_setup *s)
{
	struct kvm_sregs sregs;
	int i;

	memset(t, 0, sizeof(*t));
	if (!thp_on(t)) {
		t->skip = "no transparent huge pages";
		return false;
	}
	if (!noiommu_open(t)) {
		t->skip = "no VGA bound to vfio-pci (no-IOMMU)";
		vm_teardown(t);
		return false;
	}
	t->vm = vm_create(s->nr_vcpus);
	if (s->cap)
		vm_enable_cap(t->vm, KVM_CAP_X86_HONOR_GUEST_MTRRS, 1);
	for (i = 0; i < s->nr_vcpus; i++)
		t->vcpu[i] = vm_vcpu_add(t->vm, i, s->code[i]);

	vm_userspace_mem_region_add(t->vm, VM_MEM_SRC_ANONYMOUS_THP, DATA_GPA,
				    DATA_SLOT, DATA_SIZE / getpagesize(), 0);
	virt_map(t->vm, DATA_GPA, DATA_GPA, DATA_SIZE / getpagesize());
	vm_set_user_memory_region(t->vm, BAR_SLOT, 0, BAR_GPA, t->bar_size,
				  t->bar);
	virt_map(t->vm, BAR_GPA, BAR_GPA, 1);
	virt_map(t->vm, LOW_GVA, 0, 0x100);

	t->mtrrs_gva = vm_vaddr_alloc_page(t->vm);
	t->mtrrs = addr_gva2hva(t->vm, t->mtrrs_gva);
	default_mtrrs(t->vm, t->mtrrs);
	vcpu_sregs_get(t->vcpu[0], &sregs);
	for (i = 0; i < s->nr_vcpus; i++)
		vcpu_args_set(t->vcpu[i], 2, t->mtrrs_gva, sregs.cr0);

	/* After the vCPUs, as QEMU realizes a vfio-pci device. */
	if (s->nc_dma) {
		t->kvm_vfio = kvm_create_device(t->vm, KVM_DEV_TYPE_VFIO);
		kvm_device_attr_set(t->kvm_vfio, KVM_DEV_VFIO_FILE,
				    KVM_DEV_VFIO_FILE_ADD, &t->group);
	}

	/* Whatever an earlier test left on, only the leaves KVM sets. */
	tracing_write("trace_clock", "local");
	tracing_write("events/kvmmmu/kvm_tdp_mmu_spte_changed/enable", "0");
	tracing_write("events/kvmmmu/kvm_mmu_set_spte/enable", "1");
	tracing_write("trace", "");
	return true;
}

static bool have_ept(void)
{
	return kvm_is_tdp_enabled() && host_cpu_is_intel;
}

/* The leaf over @gpa must have memory type and IPAT @bits. */
static void expect_leaf(struct __test_metadata *_metadata, uint64_t gpa,
			uint64_t bits, const char *what)
{
	uint64_t found = leaf(gpa);

	EXPECT_EQ(found, bits)
		TH_LOG("%s at %#lx: leaf bits %#lx, expected %#lx", what, gpa,
		       found, bits);
}

/* The leaf over @gpa must have memory type and IPAT @bits and @level. */
static void expect_leaf_level(struct __test_metadata *_metadata, uint64_t gpa,
			      uint64_t bits, int level, const char *what)
{
	int found_level;
	uint64_t found = leaf_at(gpa, &found_level);

	EXPECT_EQ(found, bits)
		TH_LOG("%s at %#lx: leaf bits %#lx, expected %#lx", what, gpa,
		       found, bits);
	EXPECT_EQ(found_level, level)
		TH_LOG("%s at %#lx: leaf level %d, expected %d", what, gpa,
		       found_level, level);
}

/*
 * Without non-coherent DMA, or without the capability, the guest's MTRRs
 * and CR0.CD change nothing, as in 6.12: RAM is WB, with IPAT only while
 * no device does non-coherent DMA; host MMIO is UC without IPAT.
 */
FIXTURE(basic) {
	struct test_vm t;
};

FIXTURE_VARIANT(basic) {
	bool cap, nc_dma;
	uint64_t ram;
};

FIXTURE_VARIANT_ADD(basic, default) {
	.cap = false, .nc_dma = false, .ram = EPT_MT(WB) | EPT_IPAT,
};

FIXTURE_VARIANT_ADD(basic, nc_dma) {
	.cap = false, .nc_dma = true, .ram = EPT_MT(WB),
};

FIXTURE_VARIANT_ADD(basic, cap_without_nc_dma) {
	.cap = true, .nc_dma = false, .ram = EPT_MT(WB) | EPT_IPAT,
};

FIXTURE_SETUP(basic)
{
	struct vm_setup s = {
		.cap = variant->cap, .nc_dma = variant->nc_dma,
		.nr_vcpus = 1, .code = { guest_basic },
	};

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&self->t, &s))
		SKIP(return, "%s", self->t.skip);
}

FIXTURE_TEARDOWN(basic)
{
	if (self->t.vm)
		vm_teardown(&self->t);
}

TEST_F(basic, leaves)
{
	struct kvm_vcpu *vcpu = self->t.vcpu[0];

	ASSERT_EQ(run_to_sync(vcpu), 1);
	expect_leaf(_metadata, DATA_GPA, variant->ram, "MTRR UC RAM");
	expect_leaf(_metadata, DATA_GPA + BLOCK, variant->ram, "MTRR WB RAM");
	expect_leaf(_metadata, FIXED_UC_GPA, variant->ram, "fixed-range UC RAM");
	expect_leaf(_metadata, BAR_GPA, EPT_MT(UC), "BAR");
	ASSERT_EQ(run_to_sync(vcpu), 2);
	expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, variant->ram, "RAM touched with CD=1");
	ASSERT_EQ(run_to_sync(vcpu), 3);
	expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, variant->ram, "RAM after CD=0");
}

/*
 * Honored: RAM takes the guest's MTRR type without IPAT, and UC with IPAT
 * while the faulting vCPU has CR0.CD=1; clearing CD zaps those. Host MMIO
 * stays UC without IPAT.
 */
TEST(honored_leaves)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 1,
		.code = { guest_basic },
	};
	struct kvm_vcpu *vcpu;
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	vcpu = t.vcpu[0];

	ASSERT_EQ(run_to_sync(vcpu), 1);
	/* A block of one MTRR type is one 2M leaf, of either type. */
	expect_leaf_level(_metadata, DATA_GPA, EPT_MT(UC), 2, "MTRR UC RAM");
	expect_leaf_level(_metadata, DATA_GPA + BLOCK, EPT_MT(WB), 2,
			  "MTRR WB RAM");
	expect_leaf(_metadata, FIXED_UC_GPA, EPT_MT(UC), "fixed-range UC RAM");
	expect_leaf(_metadata, BAR_GPA, EPT_MT(UC), "BAR");
	ASSERT_EQ(run_to_sync(vcpu), 2);
	/* 4K: clearing CD zaps it, which a split in place would defeat. */
	expect_leaf_level(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(UC) | EPT_IPAT,
			  1, "RAM touched with CD=1");
	ASSERT_EQ(run_to_sync(vcpu), 3);
	expect_leaf_level(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(WB), 2,
			  "RAM after CD=0");
	vm_teardown(&t);
}

/*
 * A block whose halves have two MTRR types is mapped with 4K leaves, each
 * of its half's type; the uniform block next to it still with one 2M leaf.
 */
TEST(split_leaves)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 1,
		.code = { guest_split },
	};
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);

	ASSERT_EQ(run_to_sync(t.vcpu[0]), 0);
	expect_leaf_level(_metadata, DATA_GPA, EPT_MT(WB), 1,
			  "WB half of a split block");
	expect_leaf_level(_metadata, DATA_GPA + BLOCK / 2, EPT_MT(UC), 1,
			  "UC half of a split block");
	expect_leaf_level(_metadata, DATA_GPA + BLOCK, EPT_MT(WB), 2,
			  "uniform WB block");
	vm_teardown(&t);
}

TEST(five_steps)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 1,
		.code = { guest_five_steps },
	};
	struct kvm_vcpu *vcpu;
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	vcpu = t.vcpu[0];

	ASSERT_EQ(run_to_sync(vcpu), 1);
	expect_leaf(_metadata, FIXED_UC_GPA, EPT_MT(UC), "step 1, fixed range UC");
	ASSERT_EQ(run_to_sync(vcpu), 2);
	expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(UC) | EPT_IPAT,
		    "step 2, touched with CD=1");
	ASSERT_EQ(run_to_sync(vcpu), 5);
	expect_leaf(_metadata, FIXED_UC_GPA, EPT_MT(WB), "step 5, fixed range now WB");
	expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(WB),
		    "step 5, touched with CD=1 before");
	expect_leaf(_metadata, DATA_GPA, EPT_MT(UC), "step 5, variable range UC");
	vm_teardown(&t);
}

#define SPTE_CHANGED	"kvm_tdp_mmu_spte_changed: as id "

/*
 * Parses a kvm_tdp_mmu_spte_changed line of the trace in which a present
 * EPT entry (R, W or X set) became non-present: its first frame, level and
 * old value. Returns false for any other line.
 */
static bool zap_parse(const char *line, uint64_t *gfn, int *level,
		      uint64_t *old)
{
	unsigned long long g, o, n;
	const char *ev = strstr(line, SPTE_CHANGED);
	int as;

	if (!ev || sscanf(ev + strlen(SPTE_CHANGED),
			  "%d gfn %llx level %d old_spte %llx new_spte %llx",
			  &as, &g, level, &o, &n) != 5 ||
	    !(o & 7) || (n & 7))
		return false;
	*gfn = g;
	*old = o;
	return true;
}

/*
 * Leaves KVM zapped since the trace was cleared, from
 * kvmmmu:kvm_tdp_mmu_spte_changed: a present leaf (R, W or X set; level
 * 1, or 2 with bit 7) replaced by a non-present SPTE. In @leaves[0] the
 * 4K ones, in @leaves[1] the 2M ones, in @leaves[2] those of either size
 * that a vCPU with caches enabled installed: not UC with IPAT.
 */
static void zapped(int leaves[3])
{
	uint64_t g, old;
	char line[512];
	int level;
	FILE *f;

	memset(leaves, 0, 3 * sizeof(*leaves));
	f = trace_open();
	while (fgets(line, sizeof(line), f)) {
		if (!zap_parse(line, &g, &level, &old) ||
		    (level > 1 && !(old & BIT_ULL(7))) || level > 2)
			continue;
		leaves[level - 1]++;
		if ((old & EPT_BITS) != (EPT_MT(UC) | EPT_IPAT))
			leaves[2]++;
	}
	fclose(f);
}

#define MAX_CD_LEAVES	4096

/*
 * UC leaves with IPAT, which only a vCPU with caches disabled installs,
 * that KVM installed since the trace was cleared and has not zapped since
 * (kvm_mmu_set_spte and kvm_tdp_mmu_spte_changed). Once every vCPU has
 * cleared CD, there must be none. How many KVM installed, zapped or not,
 * in @seen.
 */
static int cd_leaves_left(int *seen)
{
	static uint64_t left[MAX_CD_LEAVES];
	uint64_t g, spte, old;
	int level, i, n = 0;
	char line[512];
	FILE *f;

	*seen = 0;
	f = trace_open();
	while (fgets(line, sizeof(line), f)) {
		if (!spte_trace_parse(line, &g, &spte, &level)) {
			if (!zap_parse(line, &g, &level, &old))
				continue;
			spte = 0;
		}
		/* A leaf set or zapped over a frame replaces what was there. */
		for (i = 0; i < n; i++)
			if (left[i] >= g &&
			    left[i] < g + (1ULL << (9 * (level - 1))))
				left[i--] = left[--n];
		if (spte && (spte & EPT_BITS) == (EPT_MT(UC) | EPT_IPAT)) {
			TEST_ASSERT(n < MAX_CD_LEAVES, "too many UC leaves");
			left[n++] = g;
			(*seen)++;
		}
	}
	fclose(f);
	return n;
}

/*
 * Prints the leaves zapped since @before, labelled "@run @n, @step", and
 * updates @before. Returns how many of them a vCPU with caches enabled
 * installed.
 */
static int print_zapped(int before[3], const char *run, int n,
			const char *step)
{
	int now[3], cached;

	zapped(now);
	cached = now[2] - before[2];
	printf("# %s %d, %s: %d 4K and %d 2M leaves zapped, %d not installed with CR0.CD set\n",
	       run, n, step, now[0] - before[0], now[1] - before[1], cached);
	memcpy(before, now, sizeof(now));
	return cached;
}

/* The MTRR MSRs the guests program, in the order a VMM writes them. */
static const uint32_t mtrr_msrs[] = {
	MSR_DEFTYPE, MSR_FIX64K, MSR_FIX16K, MSR_FIX16K + 1,
	MSR_FIX4K, MSR_FIX4K + 1, MSR_FIX4K + 2, MSR_FIX4K + 3,
	MSR_FIX4K + 4, MSR_FIX4K + 5, MSR_FIX4K + 6, MSR_FIX4K + 7,
	MSR_MTRR_BASE0, MSR_MTRR_MASK0,
};

/* What a VMM does at reset: CR0 with CD and NW, then MTRRs at 0. */
static void reset_vcpu(struct kvm_vcpu *vcpu)
{
	struct kvm_sregs sregs;
	unsigned int i;

	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr0 |= X86_CR0_CD | X86_CR0_NW;
	vcpu_sregs_set(vcpu, &sregs);
	for (i = 0; i < ARRAY_SIZE(mtrr_msrs); i++)
		vcpu_set_msr(vcpu, mtrr_msrs[i], 0);
}

/*
 * Two boots of a two-vCPU VM. In each, the BSP programs the MTRRs; then
 * the AP, still with its reset MTRRs, loads the BSP's CR0 (CD=0) and
 * touches RAM, which must stay WB: a CD=0 that follows no MTRR write
 * commits nothing. Then it programs the BSP's MTRRs.
 */
TEST(ovmf_reboot)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 2,
		.code = { guest_bsp, guest_ap },
	};
	struct kvm_vcpu *bsp, *ap;
	int boot, zaps[3] = { 0 };
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	bsp = t.vcpu[0];
	ap = t.vcpu[1];
	/* The cost, in leaves zapped, of each step (printed, not checked). */
	tracing_write("events/kvmmmu/kvm_tdp_mmu_spte_changed/enable", "1");

	for (boot = 0; boot < 2; boot++) {
		reset_vcpu(bsp);
		reset_vcpu(ap);
		print_zapped(zaps, "boot", boot, "VMM reset");
		ASSERT_EQ(run_to_sync(bsp), 1);
		print_zapped(zaps, "boot", boot, "BSP programs the MTRRs");
		expect_leaf(_metadata, DATA_GPA + BLOCK, EPT_MT(WB), "BSP's RAM");
		ASSERT_EQ(run_to_sync(ap), 2);
		print_zapped(zaps, "boot", boot, "AP loads the BSP's CR0");
		expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(WB),
			    "AP's RAM after it loaded the BSP's CR0");
		expect_leaf(_metadata, DATA_GPA + BLOCK, EPT_MT(WB),
			    "BSP's RAM after the AP loaded the BSP's CR0");
		ASSERT_EQ(run_to_sync(ap), 3);
		print_zapped(zaps, "boot", boot, "AP syncs the MTRRs");
		expect_leaf(_metadata, DATA_GPA + 3 * BLOCK, EPT_MT(WB),
			    "AP's RAM after it synced the MTRRs");
		expect_leaf(_metadata, DATA_GPA + BLOCK, EPT_MT(WB),
			    "BSP's RAM after the AP synced the MTRRs");
	}
	tracing_write("events/kvmmmu/kvm_tdp_mmu_spte_changed/enable", "0");
	vm_teardown(&t);
}

/*
 * What a VMM restoring a vCPU does: KVM_SET_SREGS with CD set, the MTRR
 * MSRs, then KVM_SET_SREGS with the saved CR0, CD clear. Clearing CD
 * through SREGS commits the restored MTRRs, which make block 0 WB.
 */
static void restore_block0_wb(struct kvm_vcpu *vcpu)
{
	struct kvm_sregs sregs;

	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr0 |= X86_CR0_CD;
	vcpu_sregs_set(vcpu, &sregs);
	vcpu_set_msr(vcpu, MSR_MTRR_MASK0, 0);
	sregs.cr0 &= ~X86_CR0_CD;
	vcpu_sregs_set(vcpu, &sregs);
}

TEST(sregs_restore)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 1,
		.code = { guest_restored },
	};
	struct kvm_vcpu *vcpu;
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	vcpu = t.vcpu[0];

	ASSERT_EQ(run_to_sync(vcpu), 1);
	expect_leaf(_metadata, DATA_GPA, EPT_MT(UC), "MTRR UC RAM");
	restore_block0_wb(vcpu);
	ASSERT_EQ(run_to_sync(vcpu), 1);
	expect_leaf(_metadata, DATA_GPA, EPT_MT(WB), "RAM after the restore");
	vm_teardown(&t);
}

/*
 * What the destination VMM of a migration does with a vCPU: KVM_SET_SREGS
 * with the saved CR0 (CD set here), then every MTRR MSR (QEMU's order).
 */
static void restore_vcpu(struct kvm_vcpu *vcpu)
{
	uint64_t val[ARRAY_SIZE(mtrr_msrs)];
	struct kvm_sregs sregs;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mtrr_msrs); i++)
		val[i] = vcpu_get_msr(vcpu, mtrr_msrs[i]);
	vcpu_sregs_get(vcpu, &sregs);
	vcpu_sregs_set(vcpu, &sregs);
	for (i = 0; i < ARRAY_SIZE(mtrr_msrs); i++)
		vcpu_set_msr(vcpu, mtrr_msrs[i], val[i]);
}

/*
 * A vCPU migrated after its guest enabled new MTRRs (block 0 WB) but
 * before it cleared CD: the VMM wrote them, with CD set, on the
 * destination. When the guest clears CD, they are the guest's and must be
 * committed: block 0 is WB, not what the VM had before (UC).
 */
TEST(migrated_while_programming)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 1,
		.code = { guest_migrated },
	};
	struct kvm_vcpu *vcpu;
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	vcpu = t.vcpu[0];

	ASSERT_EQ(run_to_sync(vcpu), 1);
	expect_leaf(_metadata, DATA_GPA, EPT_MT(UC), "MTRR UC RAM");
	ASSERT_EQ(run_to_sync(vcpu), 2);
	restore_vcpu(vcpu);
	ASSERT_EQ(run_to_sync(vcpu), 3);
	expect_leaf(_metadata, DATA_GPA, EPT_MT(WB),
		    "RAM after the migrated guest cleared CD");
	vm_teardown(&t);
}

/*
 * An AP the VMM resets while it programs its MTRRs (CD set, MTRRs
 * written) loses what it wrote: when it then clears CD without writing
 * again, it commits nothing, and RAM keeps the BSP's MTRRs (block 2 WB).
 */
TEST(reset_while_programming)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 2,
		.code = { guest_bsp, guest_ap_parked },
	};
	struct kvm_vcpu *bsp, *ap;
	struct test_vm t;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	bsp = t.vcpu[0];
	ap = t.vcpu[1];

	ASSERT_EQ(run_to_sync(bsp), 1);
	ASSERT_EQ(run_to_sync(ap), 1);
	reset_vcpu(ap);
	ASSERT_EQ(run_to_sync(ap), 2);
	expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(WB),
		    "RAM the reset AP touched after loading the BSP's CR0");
	vm_teardown(&t);
}

/*
 * The shadow EPT leaf of a nested guest follows L1's MTRRs, and an MTRR
 * change L1 commits zaps it like any other leaf of the frame.
 */
TEST(nested_commit)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 1,
		.code = { guest_l1 },
	};
	vm_vaddr_t vmx_gva;
	struct vmx_pages *vmx;
	struct kvm_vcpu *vcpu;
	struct test_vm t;

	if (!have_ept() || !kvm_cpu_has_ept())
		SKIP(return, "no nested EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	vcpu = t.vcpu[0];
	vmx = vcpu_alloc_vmx(t.vm, &vmx_gva);
	prepare_eptp(vmx, t.vm, 0);
	nested_map_memslot(vmx, t.vm, 0);
	nested_map(vmx, t.vm, DATA_GPA + BLOCK, DATA_GPA + BLOCK, BLOCK);
	vcpu_args_set(vcpu, 2, t.mtrrs_gva, vmx_gva);

	ASSERT_EQ(run_to_sync(vcpu), 1);
	expect_leaf(_metadata, DATA_GPA + BLOCK, EPT_MT(WB), "L2's RAM, MTRR WB");
	ASSERT_EQ(run_to_sync(vcpu), 2);
	expect_leaf(_metadata, DATA_GPA + BLOCK, EPT_MT(UC), "L2's RAM, now MTRR UC");
	ASSERT_EQ(run_to_sync(vcpu), 0);
	vm_teardown(&t);
}

/*
 * A 2M leaf KVM installed, in trace order, over a block the host had
 * split (its upper half UC) by then: trace_marker lines "split N" and
 * "unsplit N" bracket the times block N was split, from the return of
 * the KVM_SET_MSRS that split it to the start of the one that did not.
 * Counts 2M WB leaves in @uniform_2m and 4K UC leaves in @split_4k_uc.
 */
static int race_violations(int *uniform_2m, int *split_4k_uc)
{
	bool split[4] = { true, true, true, true };
	uint64_t g, spte;
	char line[512], *ev;
	int level, i, bad = 0;
	FILE *f;

	*uniform_2m = 0;
	*split_4k_uc = 0;
	f = trace_open();
	while (fgets(line, sizeof(line), f)) {
		/* "<caller>: split N", the caller a symbol or an address. */
		ev = strstr(line, ": split ");
		if (ev && sscanf(ev, ": split %d", &i) == 1 && i >= 0 && i < 4) {
			split[i] = true;
			continue;
		}
		ev = strstr(line, ": unsplit ");
		if (ev && sscanf(ev, ": unsplit %d", &i) == 1 && i >= 0 &&
		    i < 4) {
			split[i] = false;
			continue;
		}
		if (!spte_trace_parse(line, &g, &spte, &level) ||
		    g < DATA_GPA >> 12 || g >= (DATA_GPA + DATA_SIZE) >> 12)
			continue;
		i = ((g << 12) - DATA_GPA) / BLOCK;
		if (level > 1 && split[i]) {
			if (bad++ < 5)
				printf("# 2M leaf over split block %d: %s", i,
				       line);
		} else if (level > 1 && (spte & EPT_BITS) == EPT_MT(WB)) {
			(*uniform_2m)++;
		} else if (level == 1 && (spte & EPT_BITS) == EPT_MT(UC)) {
			(*split_4k_uc)++;
		}
	}
	fclose(f);
	return bad;
}

static void *run_toucher(void *vcpu)
{
	return (void *)run_to_sync(vcpu);
}

static void mark(int fd, const char *what, int block)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%s %d", what, block);

	TEST_ASSERT(write(fd, buf, n) == n, "trace_marker");
}

#define RACE_ROUNDS	100

/*
 * A fault decides how large a leaf the committed MTRRs allow, then
 * installs it. The host makes block N uniform (WB) and, some time later,
 * splits it again (upper half UC), through vCPU 1, while vCPU 0 faults
 * on every block. A fault that decided 2M while the block was uniform
 * must not install that leaf once the split is committed: the decision
 * has to be covered by the fault's mmu_invalidate_seq snapshot, so that
 * the split's zap makes the fault retry.
 */
TEST(fault_commit_race)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = 2,
		.code = { guest_race_toucher, guest_race_committer },
	};
	int bad, uniform_2m, split_4k_uc, marker, i, r;
	uint64_t split_mask, *stop;
	vm_vaddr_t stop_gva;
	pthread_t toucher;
	struct test_vm t;
	void *ret;

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&t, &s))
		SKIP(return, "%s", t.skip);
	stop_gva = vm_vaddr_alloc_page(t.vm);
	stop = addr_gva2hva(t.vm, stop_gva);
	*stop = 0;
	vcpu_args_set(t.vcpu[0], 3, t.mtrrs_gva, 0, stop_gva);
	split_mask = t.mtrrs->mask0 | BLOCK / 2;
	ASSERT_EQ(run_to_sync(t.vcpu[1]), 0);

	/* Variable range N: the upper half of block N, UC. */
	for (i = 0; i < 4; i++) {
		vcpu_set_msr(t.vcpu[1], MSR_MTRR_BASE0 + 2 * i,
			     (DATA_GPA + i * BLOCK + BLOCK / 2) | UC);
		vcpu_set_msr(t.vcpu[1], MSR_MTRR_MASK0 + 2 * i, split_mask);
	}
	tracing_write("trace_clock", "global");
	tracing_write("trace", "");
	marker = open(TRACING "/trace_marker", O_WRONLY);
	ASSERT_GE(marker, 0);

	srandom(1);
	ASSERT_EQ(pthread_create(&toucher, NULL, run_toucher, t.vcpu[0]), 0);
	for (r = 0; r < RACE_ROUNDS; r++) {
		i = r % 4;
		mark(marker, "unsplit", i);
		vcpu_set_msr(t.vcpu[1], MSR_MTRR_MASK0 + 2 * i, 0);
		usleep(5000 + random() % 20000);
		vcpu_set_msr(t.vcpu[1], MSR_MTRR_MASK0 + 2 * i, split_mask);
		mark(marker, "split", i);
		usleep(random() % 4000);
	}
	WRITE_ONCE(*stop, 1);
	ASSERT_EQ(pthread_join(toucher, &ret), 0);
	ASSERT_EQ(ret, NULL);
	close(marker);

	bad = race_violations(&uniform_2m, &split_4k_uc);
	tracing_write("trace_clock", "local");
	printf("# %d rounds: %d 2M WB leaves, %d 4K UC leaves, %d 2M leaves over a split block\n",
	       RACE_ROUNDS, uniform_2m, split_4k_uc, bad);
	EXPECT_EQ(bad, 0);
	/* Both states were mapped: the race ran over both. */
	EXPECT_GT(uniform_2m, 0);
	EXPECT_GT(split_4k_uc, 0);
	vm_teardown(&t);
}

/*
 * Linux's order, on a VM with @nr_vcpus vCPUs and one hot-added: the BSP
 * programs the MTRRs (firmware), every AP loads a CR0 with caches enabled
 * while its MTRRs are still reset and only then copies the BSP's; then a
 * rendezvous in which every CPU writes the same MTRRs again; then a vCPU
 * is hot-added, reset by the VMM, and comes up the same way. Block 0 is
 * UC, blocks 1 to 3 WB throughout, whatever the vCPU count. The zaps of
 * each step are printed. After the BSP's first programming no MTRR
 * changes: every vCPU zaps only the leaves it faulted in while its caches
 * were disabled (UC with IPAT), which clearing CD must zap, and none that
 * a vCPU with caches enabled installed.
 */
FIXTURE(linux_order) {
	struct test_vm t;
};

FIXTURE_VARIANT(linux_order) {
	int nr_vcpus;
};

FIXTURE_VARIANT_ADD(linux_order, two_vcpus) {
	.nr_vcpus = 2,
};

FIXTURE_VARIANT_ADD(linux_order, four_vcpus) {
	.nr_vcpus = 4,
};

FIXTURE_SETUP(linux_order)
{
	struct vm_setup s = {
		.cap = true, .nc_dma = true, .nr_vcpus = variant->nr_vcpus,
		.code = { guest_linux, guest_linux_ap, guest_linux_ap,
			  guest_linux_ap },
	};

	if (!have_ept())
		SKIP(return, "not Intel EPT");
	if (!vm_setup(&self->t, &s))
		SKIP(return, "%s", self->t.skip);
}

FIXTURE_TEARDOWN(linux_order)
{
	if (self->t.vm)
		vm_teardown(&self->t);
}

static void expect_linux_leaves(struct __test_metadata *_metadata,
				const char *step)
{
	expect_leaf(_metadata, DATA_GPA, EPT_MT(UC), step);
	expect_leaf(_metadata, DATA_GPA + BLOCK, EPT_MT(WB), step);
}

/* Brings up @vcpu as Linux does an AP, after the VMM reset it. */
static void linux_ap_up(struct __test_metadata *_metadata,
			struct kvm_vcpu *vcpu)
{
	reset_vcpu(vcpu);
	ASSERT_EQ(run_to_sync(vcpu), 2);
	expect_leaf(_metadata, DATA_GPA + 2 * BLOCK, EPT_MT(WB),
		    "AP's RAM after it loaded the BSP's CR0");
	expect_linux_leaves(_metadata, "BSP's RAM after an AP loaded the BSP's CR0");
	ASSERT_EQ(run_to_sync(vcpu), 3);
	expect_leaf(_metadata, DATA_GPA + 3 * BLOCK, EPT_MT(WB),
		    "AP's RAM after it copied the MTRRs");
}

TEST_F(linux_order, zaps)
{
	struct test_vm *t = &self->t;
	int i, n = variant->nr_vcpus, zaps[3] = { 0 }, seen;
	struct kvm_vcpu *added;
	struct kvm_sregs bsp;

	/* Zaps are traced by the TDP MMU only. */
	if (!get_kvm_param_bool("tdp_mmu"))
		SKIP(return, "kvm.tdp_mmu=0");
	/* One order for the events of every CPU. */
	tracing_write("trace_clock", "global");
	tracing_write("events/kvmmmu/kvm_tdp_mmu_spte_changed/enable", "1");
	ASSERT_EQ(run_to_sync(t->vcpu[0]), 1);
	print_zapped(zaps, "vCPUs", n, "BSP programs the MTRRs");
	for (i = 1; i < n; i++)
		linux_ap_up(_metadata, t->vcpu[i]);
	EXPECT_EQ(print_zapped(zaps, "vCPUs", n, "APs up"), 0);
	/*
	 * The tracepoints work: the BSP's programming zapped leaves, and the
	 * APs faulted their stacks in with CD set.
	 */
	EXPECT_GT(zaps[0], 0);
	EXPECT_EQ(cd_leaves_left(&seen), 0);
	EXPECT_GT(seen, 0);

	for (i = 0; i < n; i++)
		ASSERT_EQ(run_to_sync(t->vcpu[i]), 3);
	EXPECT_EQ(print_zapped(zaps, "vCPUs", n, "rendezvous"), 0);
	EXPECT_EQ(cd_leaves_left(&seen), 0);
	expect_linux_leaves(_metadata, "RAM after the rendezvous");

	vcpu_sregs_get(t->vcpu[0], &bsp);
	added = vm_vcpu_add(t->vm, n, guest_linux_ap);
	vcpu_args_set(added, 2, t->mtrrs_gva, bsp.cr0);
	linux_ap_up(_metadata, added);
	EXPECT_EQ(print_zapped(zaps, "vCPUs", n, "hot-add"), 0);
	EXPECT_EQ(cd_leaves_left(&seen), 0);
	expect_linux_leaves(_metadata, "RAM after the hot-add");
	tracing_write("events/kvmmmu/kvm_tdp_mmu_spte_changed/enable", "0");
}

TEST_HARNESS_MAIN
