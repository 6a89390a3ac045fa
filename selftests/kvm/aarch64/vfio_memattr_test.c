// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_memattr_test - pass the BARs of emulated vfio-pci devices through to
 * a guest and check what KVM installed at stage 2, what the guest sees, and
 * how vfio-pci classifies and lets administrators override each BAR.
 *
 * Devices (QEMU): ivshmem-plain with 64 MiB and with 1 GiB (BAR2: 64-bit
 * prefetchable, RAM-backed), edu (BAR0: non-prefetchable registers),
 * bochs-display (BAR0: prefetchable VRAM, BAR2: registers), pci-testdev
 * (BAR0: non-prefetchable registers, named by the memattr_quirks parameter
 * the harness boots with), all bound to vfio-pci.
 *
 * QEMU does not model memory types, so the memory type is read from the
 * kernel (stage2_page_tables, memattr, the kvm_memattr_map tracepoint),
 * never inferred from the guest's accesses.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/pci_regs.h>
#include <linux/sizes.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"
#include "vfio_bar.h"

/* Guest physical and virtual address of the BAR: 1 GiB aligned. */
#define BAR_GPA		(64ULL << 30)
#define BAR_SLOT	1

#define EDU_ID		0x00
#define EDU_LIVENESS	0x04
#define EDU_ID_VALUE	0x010000ed
#define BOCHS_DISPI	0x500	/* VBE index register array, 16-bit */

#define PATTERN_HOST	0x1122334455667788ULL
#define PATTERN_GUEST	0xfeedfacecafef00dULL

enum bar_kind {
	BAR_MEMORY,		/* plain memory: any access, round trip */
	BAR_EDU_REGS,		/* edu: 32-bit registers below 0x80 */
	BAR_BOCHS_REGS,		/* bochs-display: 16-bit VBE registers */
	BAR_READ_ONLY,		/* one 32-bit read at offset 0 */
};

enum guest_op {
	OP_ACCESS,		/* the kind's read and write round trip */
	OP_TOUCH_ALL,		/* read every page, twice */
	OP_TOUCH_MANY,		/* read every page, eight times */
	OP_EXEC,		/* branch into the BAR */
	OP_PROBE,		/* every 4K of the first 4M, then every 2M */
};

static bool guest_saw_iabt;

static void guest_iabt_handler(struct ex_regs *regs)
{
	WRITE_ONCE(guest_saw_iabt, true);
	/* Return from the branch into the BAR. */
	regs->pc = regs->regs[30];
}

static void guest_code(uint64_t gva, uint64_t size, uint64_t kind, uint64_t op)
{
	uint64_t *mem = (uint64_t *)gva;
	uint32_t *regs32 = (uint32_t *)gva;
	uint16_t *regs16 = (uint16_t *)gva;
	uint64_t off, sum = 0;
	int pass;

	switch (op) {
	case OP_TOUCH_ALL:
	case OP_TOUCH_MANY:
		for (pass = 0; pass < (op == OP_TOUCH_ALL ? 2 : 8); pass++) {
			sum = 0;
			for (off = 0; off < size; off += 4096)
				sum += READ_ONCE(*(uint32_t *)(gva + off));
			GUEST_SYNC1(sum);
		}
		break;
	case OP_PROBE:
		for (off = 0; off < size && off < SZ_4M; off += 4096)
			sum += READ_ONCE(*(uint32_t *)(gva + off));
		for (; off < size; off += SZ_2M)
			sum += READ_ONCE(*(uint32_t *)(gva + off));
		GUEST_SYNC1(sum);
		break;
	case OP_EXEC:
		((void (*)(void))gva)();
		GUEST_SYNC1(READ_ONCE(guest_saw_iabt));
		break;
	case OP_ACCESS:
		switch (kind) {
		case BAR_MEMORY:
			GUEST_SYNC1(READ_ONCE(mem[0]));
			WRITE_ONCE(mem[1], PATTERN_GUEST);
			GUEST_SYNC1(READ_ONCE(mem[1]));
			break;
		case BAR_EDU_REGS:
			GUEST_SYNC1(READ_ONCE(regs32[EDU_ID / 4]));
			WRITE_ONCE(regs32[EDU_LIVENESS / 4], 0x12345678);
			GUEST_SYNC1(READ_ONCE(regs32[EDU_LIVENESS / 4]));
			break;
		case BAR_BOCHS_REGS:
			GUEST_SYNC1(READ_ONCE(regs16[BOCHS_DISPI / 2]));
			break;
		case BAR_READ_ONLY:
			GUEST_SYNC1(READ_ONCE(regs32[0]));
			break;
		}
		break;
	}
	GUEST_DONE();
}

/* A VM with one vCPU and BAR @index of @dev at BAR_GPA. */
struct bar_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu[2];
	void *hva;
	uint64_t size;
};

/*
 * A VM whose memslot BAR_SLOT maps @size bytes at @hva to BAR_GPA + @offset
 * (the offset in the BAR, so that IPA and PA stay congruent), and whose
 * vCPUs run @op over it.
 */
static void bar_vm_create_at(struct bar_vm *b, void *hva, uint64_t offset,
			     uint64_t size, int nr_vcpus, enum bar_kind kind,
			     enum guest_op op)
{
	int i;

	b->hva = hva;
	b->size = size;
	/* Room for the guest page tables that map the whole range. */
	b->vm = __vm_create_with_vcpus(VM_SHAPE_DEFAULT, nr_vcpus,
				       size / getpagesize(), guest_code,
				       b->vcpu);
	vm_set_user_memory_region(b->vm, BAR_SLOT, 0, BAR_GPA + offset, size,
				  hva);
	virt_map(b->vm, BAR_GPA + offset, BAR_GPA + offset,
		 size / b->vm->page_size);
	vm_init_descriptor_tables(b->vm);
	vm_install_sync_handler(b->vm, VECTOR_SYNC_CURRENT, ESR_EC_IABT,
				guest_iabt_handler);
	for (i = 0; i < nr_vcpus; i++) {
		vcpu_init_descriptor_tables(b->vcpu[i]);
		vcpu_args_set(b->vcpu[i], 4, BAR_GPA + offset, size,
			      (uint64_t)kind, (uint64_t)op);
	}
}

/* The whole BAR, mapped where blocks of up to 1G are possible. */
static void bar_vm_create(struct bar_vm *b, struct vfio_bar_dev *dev, int index,
			  int nr_vcpus, enum bar_kind kind, enum guest_op op)
{
	uint64_t size = dev->bar[index].size;

	TEST_ASSERT(size, "BAR%d of %s is not a memory BAR", index, dev->bdf);
	bar_vm_create_at(b, vfio_bar_mmap(dev, index, size < SZ_1G ? size : SZ_1G),
			 0, size, nr_vcpus, kind, op);
}

static void bar_vm_destroy(struct bar_vm *b)
{
	if (b->vm)
		kvm_vm_free(b->vm);
	if (b->hva && b->hva != MAP_FAILED)
		munmap(b->hva, b->size);
	memset(b, 0, sizeof(*b));
}

static void run_to_done(struct kvm_vcpu *vcpu)
{
	while (run_to_ucall(vcpu, NULL) != UCALL_DONE)
		;
}

/* ---- every BAR --------------------------------------------------------- */

FIXTURE(bar) {
	struct vfio_bar_dev dev;
	struct bar_vm b;
};

FIXTURE_VARIANT(bar) {
	const char *device_name;
	uint16_t vendor, device;
	int index;
	uint64_t size;		/* picks one of several same devices */
	enum bar_kind kind;
	const char *class;	/* vfio-pci's class and reason */
	const char *class_reason;
	const char *memtype;	/* stage-2 type */
	const char *largest;	/* largest stage-2 leaf */
	long faults;		/* mappings to touch every page */
};

FIXTURE_VARIANT_ADD(bar, ivshmem64m_bar2) {
	.device_name = "ivshmem-plain (64 MiB)",
	.vendor = 0x1af4, .device = 0x1110, .index = 2, .size = SZ_64M,
	.kind = BAR_MEMORY,
	.class = "normal-nc", .class_reason = "prefetchable",
	.memtype = "Normal-NC", .largest = "2M", .faults = 32,
};

FIXTURE_VARIANT_ADD(bar, ivshmem1g_bar2) {
	.device_name = "ivshmem-plain (1 GiB)",
	.vendor = 0x1af4, .device = 0x1110, .index = 2, .size = SZ_1G,
	.kind = BAR_MEMORY,
	.class = "normal-nc", .class_reason = "prefetchable",
	.memtype = "Normal-NC", .largest = "1G", .faults = 1,
};

FIXTURE_VARIANT_ADD(bar, edu_bar0) {
	.device_name = "edu",
	.vendor = 0x1234, .device = 0x11e8, .index = 0, .kind = BAR_EDU_REGS,
	.class = "device", .class_reason = "not-prefetchable",
	.memtype = "Device-nGnRE", .largest = "4K", .faults = 256,
};

FIXTURE_VARIANT_ADD(bar, bochs_bar0) {
	.device_name = "bochs-display",
	.vendor = 0x1234, .device = 0x1111, .index = 0, .kind = BAR_MEMORY,
	.class = "normal-nc", .class_reason = "prefetchable",
	.memtype = "Normal-NC", .largest = "2M", .faults = 8,
};

FIXTURE_VARIANT_ADD(bar, bochs_bar2) {
	.device_name = "bochs-display",
	.vendor = 0x1234, .device = 0x1111, .index = 2, .kind = BAR_BOCHS_REGS,
	.class = "device", .class_reason = "not-prefetchable",
	.memtype = "Device-nGnRE", .largest = "4K", .faults = 1,
};

/* Listed tolerant of Normal-NC by the boot's memattr_quirks parameter. */
FIXTURE_VARIANT_ADD(bar, pci_testdev_bar0) {
	.device_name = "pci-testdev",
	.vendor = 0x1b36, .device = 0x0005, .index = 0, .kind = BAR_READ_ONLY,
	.class = "normal-nc", .class_reason = "quirk-tolerant",
	.memtype = "Normal-NC", .largest = "4K", .faults = 1,
};

FIXTURE_SETUP(bar)
{
	char bdf[16];

	if (!vfio_bar_find(variant->vendor, variant->device, variant->index,
			   variant->size, bdf, sizeof(bdf)))
		SKIP(return, "no %s bound to vfio-pci", variant->device_name);
	vfio_bar_open(&self->dev, bdf);
}

FIXTURE_TEARDOWN(bar)
{
	bar_vm_destroy(&self->b);
	vfio_bar_close(&self->dev);
}

/* The guest and the host see the same bytes through their own mappings. */
TEST_F_TIMEOUT(bar, guest_access, 120)
{
	uint64_t *mem, val;

	bar_vm_create(&self->b, &self->dev, variant->index, 1, variant->kind,
		      OP_ACCESS);
	mem = self->b.hva;
	switch (variant->kind) {
	case BAR_MEMORY:
		WRITE_ONCE(mem[0], PATTERN_HOST);
		WRITE_ONCE(mem[1], 0);
		run_to_ucall(self->b.vcpu[0], &val);
		EXPECT_EQ(val, PATTERN_HOST);
		run_to_ucall(self->b.vcpu[0], &val);
		EXPECT_EQ(val, PATTERN_GUEST);
		EXPECT_EQ(READ_ONCE(mem[1]), PATTERN_GUEST);
		break;
	case BAR_EDU_REGS:
		run_to_ucall(self->b.vcpu[0], &val);
		EXPECT_EQ(val, EDU_ID_VALUE);
		run_to_ucall(self->b.vcpu[0], &val);
		EXPECT_EQ(val, ~0x12345678U);
		break;
	case BAR_BOCHS_REGS:
		run_to_ucall(self->b.vcpu[0], &val);
		EXPECT_EQ(val & 0xfff0, 0xb0c0);
		break;
	case BAR_READ_ONLY:
		/* What the VMM reads through its own mapping. */
		run_to_ucall(self->b.vcpu[0], &val);
		EXPECT_EQ(val, READ_ONCE(*(uint32_t *)mem));
		break;
	}
	EXPECT_EQ(run_to_ucall(self->b.vcpu[0], NULL), UCALL_DONE);
}

/*
 * vfio-pci's class in sysfs, the memory type and XN KVM installed
 * (stage2_page_tables) and what KVM knows of the mapping (memattr).
 */
TEST_F_TIMEOUT(bar, stage2_memory_type, 120)
{
	struct memattr_line l;
	struct s2_range r;
	char buf[64];

	ASSERT_EQ(vfio_bar_sysfs_read(self->dev.bdf, variant->index, "class",
				      buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, variant->class);
	ASSERT_EQ(vfio_bar_sysfs_read(self->dev.bdf, variant->index, "reason",
				      buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, variant->class_reason);

	bar_vm_create(&self->b, &self->dev, variant->index, 1, variant->kind,
		      OP_ACCESS);
	run_to_done(self->b.vcpu[0]);

	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA, &r), 0);
	EXPECT_TRUE(r.valid);
	EXPECT_STREQ(r.memtype, variant->memtype);
	/* The encoding, the same with and without FWB. */
	EXPECT_EQ(r.memattr, strcmp(variant->memtype, "Normal-NC") ? 0x1 : 0x5);
	EXPECT_FALSE(r.exec);

	/* What KVM knows from the VMA: vfio-pci's host type and flags. */
	ASSERT_EQ(memattr_lookup(self->b.vm, BAR_GPA, &l), 0);
	EXPECT_EQ(l.start, BAR_GPA);
	EXPECT_EQ(l.end, BAR_GPA + self->b.size);
	EXPECT_STREQ(l.host, "Device-nGnRnE");
	EXPECT_STREQ(l.flags, strcmp(variant->class, "normal-nc") ? "-" : "nc");
	EXPECT_STREQ(l.type, variant->memtype);
	EXPECT_STREQ(l.reason, strcmp(variant->class, "normal-nc") ?
			       "device" : "normal-nc");
}

/*
 * Touching every page of a BAR mapped congruently takes one stage-2 fault
 * per leaf, each as large as the BAR allows: 32 for 64 MiB, 1 for 1 GiB.
 * The second pass takes none.
 */
TEST_F_TIMEOUT(bar, touch_every_page, 300)
{
	struct s2_leaves n;
	struct s2_range r;
	uint64_t gpa;

	ASSERT_EQ(trace_event_enable("kvm/kvm_guest_fault", true), 0);
	trace_clear();
	bar_vm_create(&self->b, &self->dev, variant->index, 1, variant->kind,
		      OP_TOUCH_ALL);
	run_to_ucall(self->b.vcpu[0], NULL);
	EXPECT_EQ(trace_guest_faults(BAR_GPA, self->b.size), variant->faults);
	n = s2_count_leaves(self->b.vm, BAR_GPA, self->b.size);
	EXPECT_EQ(n.invalid, 0);
	EXPECT_EQ(n.pages + n.blocks_2m + n.blocks_1g, variant->faults);

	trace_clear();
	run_to_done(self->b.vcpu[0]);
	EXPECT_EQ(trace_guest_faults(BAR_GPA, self->b.size), 0);
	trace_event_enable("kvm/kvm_guest_fault", false);

	/* Every leaf over the BAR is valid, of the largest size, XN. */
	for (gpa = BAR_GPA; gpa < BAR_GPA + self->b.size; gpa = r.end) {
		ASSERT_EQ(s2_lookup(self->b.vm, gpa, &r), 0);
		EXPECT_TRUE(r.valid);
		EXPECT_FALSE(r.exec);
		EXPECT_STREQ(r.memtype, variant->memtype);
		EXPECT_EQ(s2_level_size(r.level) == SZ_2M,
			  !strcmp(variant->largest, "2M"));
		EXPECT_EQ(s2_level_size(r.level) == SZ_1G,
			  !strcmp(variant->largest, "1G"));
		if (r.start < BAR_GPA || r.end > BAR_GPA + self->b.size)
			TH_LOG("leaf %#lx-%#lx crosses the BAR", r.start, r.end);
		EXPECT_TRUE(r.start >= BAR_GPA && r.end <= BAR_GPA + self->b.size);
	}
}

/*
 * An instruction fetch from device memory is refused: the guest takes a
 * prefetch abort, nothing executable is installed, and the VM runs on.
 */
TEST_F_TIMEOUT(bar, exec_aborts, 120)
{
	struct s2_range r;
	uint64_t val;

	bar_vm_create(&self->b, &self->dev, variant->index, 1, variant->kind,
		      OP_EXEC);
	ASSERT_EQ(run_to_ucall(self->b.vcpu[0], &val), UCALL_SYNC);
	EXPECT_EQ(val, 1);
	EXPECT_EQ(run_to_ucall(self->b.vcpu[0], NULL), UCALL_DONE);
	EXPECT_FALSE(!s2_lookup(self->b.vm, BAR_GPA, &r) && r.valid && r.exec);
}

/* ---- classification and overrides ------------------------------------- */

#define VFIO_PCI_CORE	"vfio_pci_core"

FIXTURE(override) {
	char ivshmem[16];	/* 64 MiB ivshmem: prefetchable BAR2 */
	char edu[16];		/* edu: non-prefetchable BAR0 */
	struct vfio_bar_dev dev;
	struct bar_vm b;
};

FIXTURE_SETUP(override)
{
	if (!vfio_bar_find(0x1af4, 0x1110, 2, SZ_64M, self->ivshmem,
			   sizeof(self->ivshmem)) ||
	    !vfio_bar_find(0x1234, 0x11e8, 0, 0, self->edu, sizeof(self->edu)))
		SKIP(return, "no ivshmem (64 MiB) and edu bound to vfio-pci");
	self->dev.fd = -1;
}

/* Leave the defaults behind, whatever the test did. */
FIXTURE_TEARDOWN(override)
{
	bar_vm_destroy(&self->b);
	if (self->dev.fd > 0)
		vfio_bar_close(&self->dev);
	vfio_bar_sysfs_write(self->ivshmem, 2, "override", "auto");
	vfio_bar_sysfs_write(self->edu, 0, "override", "auto");
}

static void expect_class(struct __test_metadata *_metadata, const char *bdf,
			 int index, const char *class, const char *reason)
{
	char buf[64];

	ASSERT_EQ(vfio_bar_sysfs_read(bdf, index, "class", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, class);
	ASSERT_EQ(vfio_bar_sysfs_read(bdf, index, "reason", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, reason);
}

/*
 * Map BAR @index of @bdf with @dev and @b, access it as @kind, and return
 * the stage-2 mapping at its start in @r.
 */
static void mapped_range(struct __test_metadata *_metadata,
			 struct vfio_bar_dev *dev, struct bar_vm *b,
			 const char *bdf, int index, enum bar_kind kind,
			 struct s2_range *r)
{
	vfio_bar_open(dev, bdf);
	bar_vm_create(b, dev, index, 1, kind, OP_ACCESS);
	if (kind == BAR_MEMORY)
		run_to_ucall(b->vcpu[0], NULL);
	else
		run_to_done(b->vcpu[0]);
	ASSERT_EQ(s2_lookup(b->vm, BAR_GPA, r), 0);
	ASSERT_TRUE(r->valid);
	bar_vm_destroy(b);
	vfio_bar_close(dev);
}

TEST_F_TIMEOUT(override, device_on_prefetchable_bar, 120)
{
	struct s2_range r;

	ASSERT_EQ(vfio_bar_sysfs_write(self->ivshmem, 2, "override", "device"), 0);
	expect_class(_metadata, self->ivshmem, 2, "device", "override");
	mapped_range(_metadata, &self->dev, &self->b, self->ivshmem, 2,
		     BAR_MEMORY, &r);
	EXPECT_STREQ(r.memtype, "Device-nGnRE");

	ASSERT_EQ(vfio_bar_sysfs_write(self->ivshmem, 2, "override", "auto\n"), 0);
	expect_class(_metadata, self->ivshmem, 2, "normal-nc", "prefetchable");
	mapped_range(_metadata, &self->dev, &self->b, self->ivshmem, 2,
		     BAR_MEMORY, &r);
	EXPECT_STREQ(r.memtype, "Normal-NC");
}

TEST_F_TIMEOUT(override, normal_nc_on_register_bar, 120)
{
	struct s2_range r;

	ASSERT_EQ(vfio_bar_sysfs_write(self->edu, 0, "override", "normal-nc"), 0);
	expect_class(_metadata, self->edu, 0, "normal-nc", "override");
	mapped_range(_metadata, &self->dev, &self->b, self->edu, 0,
		     BAR_EDU_REGS, &r);
	EXPECT_STREQ(r.memtype, "Normal-NC");
}

/*
 * There is no cacheable override: only a provider that knows its memory is
 * coherent and maps it cacheable itself may make it cacheable, and
 * vfio-pci's own kernel mapping of a BAR is uncached. Refused as a bad
 * value, whatever the CPU, and nothing changes.
 */
TEST_F(override, cacheable_is_not_an_override)
{
	char buf[64];

	EXPECT_EQ(vfio_bar_sysfs_write(self->ivshmem, 2, "override", "cacheable"),
		  -EINVAL);
	ASSERT_EQ(vfio_bar_sysfs_read(self->ivshmem, 2, "override", buf,
				      sizeof(buf)), 0);
	EXPECT_STREQ(buf, "auto");
	expect_class(_metadata, self->ivshmem, 2, "normal-nc", "prefetchable");
}

/* Bad values are -EINVAL and change nothing. */
TEST_F(override, bad_values)
{
	static const char * const bad[] = {
		"Normal-NC", "normal_nc", "device ", "cacheable\n\n", "wb", "\n",
	};
	char buf[64];
	unsigned int i;

	ASSERT_EQ(vfio_bar_sysfs_write(self->edu, 0, "override", "device"), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(vfio_bar_sysfs_write(self->edu, 0, "override", bad[i]),
			  -EINVAL);
		ASSERT_EQ(vfio_bar_sysfs_read(self->edu, 0, "override", buf,
					      sizeof(buf)), 0);
		EXPECT_STREQ(buf, "device");
	}
	/* A BAR that is not a memory BAR has no attributes. */
	EXPECT_EQ(vfio_bar_sysfs_write(self->edu, 1, "override", "device"), -ENOENT);
}

/* An open device keeps its mappings' attributes: no change while open. */
TEST_F(override, busy_while_open)
{
	char buf[64];

	vfio_bar_open(&self->dev, self->ivshmem);
	EXPECT_EQ(vfio_bar_sysfs_write(self->ivshmem, 2, "override", "device"),
		  -EBUSY);
	ASSERT_EQ(vfio_bar_sysfs_read(self->ivshmem, 2, "override", buf,
				      sizeof(buf)), 0);
	EXPECT_STREQ(buf, "auto");
}

/* Only CAP_SYS_ADMIN may change a BAR's class. */
TEST_F(override, needs_cap_sys_admin)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	char buf[64];

	/* The test runs in its own process: drop the capability for good. */
	ASSERT_EQ(syscall(SYS_capget, &hdr, data), 0);
	data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	ASSERT_EQ(syscall(SYS_capset, &hdr, data), 0);

	EXPECT_EQ(vfio_bar_sysfs_write(self->edu, 0, "override", "device"), -EPERM);
	ASSERT_EQ(vfio_bar_sysfs_read(self->edu, 0, "override", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "auto");
}

static bool param_is(const char *param, const char *val)
{
	char buf[128];

	return !module_param_read(VFIO_PCI_CORE, param, buf, sizeof(buf)) &&
	       !strcmp(buf, val);
}

/*
 * Containment is a property of the platform, fixed at boot: the parameter
 * cannot change at run time, and prefetchable BARs are Normal-NC only
 * where the boot said the platform contains Normal-NC faults. Without it,
 * they are Device and asking for Normal-NC is refused. The harness boots
 * once without containment to check that branch.
 */
TEST_F_TIMEOUT(override, containment_fixed_at_boot, 120)
{
	bool contained = param_is("nc_containment", "Y");
	struct s2_range r;

	ASSERT_TRUE(contained || param_is("nc_containment", "N"));
	EXPECT_NE(module_param_write(VFIO_PCI_CORE, "nc_containment",
				     contained ? "N" : "Y"), 0);
	EXPECT_TRUE(param_is("nc_containment", contained ? "Y" : "N"));

	if (contained) {
		expect_class(_metadata, self->ivshmem, 2, "normal-nc", "prefetchable");
		mapped_range(_metadata, &self->dev, &self->b, self->ivshmem, 2,
			     BAR_MEMORY, &r);
		EXPECT_STREQ(r.memtype, "Normal-NC");
		return;
	}
	expect_class(_metadata, self->ivshmem, 2, "device", "not-contained");
	EXPECT_EQ(vfio_bar_sysfs_write(self->ivshmem, 2, "override", "normal-nc"),
		  -EOPNOTSUPP);
	mapped_range(_metadata, &self->dev, &self->b, self->ivshmem, 2,
		     BAR_MEMORY, &r);
	EXPECT_STREQ(r.memtype, "Device-nGnRE");
}

/*
 * The quirk parameter is given at boot (vfio-pci-core is built in, so it
 * is parsed before the slab allocator exists) and cannot change later. The
 * main boots list pci-testdev as tolerant of Normal-NC; the boot without
 * containment lists edu as intolerant of Normal-NC and pci-testdev as
 * intolerant of any alias of another memory type, which KVM then maps
 * Device-nGnRnE, forced, as the host does.
 */
#define QUIRKS_MAIN	"1b36:0005:tolerant"
#define QUIRKS_PLATFORM	"1234:11e8:intolerant,1b36:0005:mismatch-intolerant"
/*
 * The boot without containment gives the parameter a second time, after
 * QUIRKS_PLATFORM: a list whose first entry is good and whose second has
 * no tolerance. It must be refused whole, with a log line naming the bad
 * entry, leaving QUIRKS_PLATFORM as it was; applied entry by entry, it
 * would make pci-testdev tolerant of Normal-NC.
 */
#define QUIRKS_MALFORMED_BAD	"1234:11e8"
#define QUIRKS_MALFORMED	"1b36:0005:tolerant," QUIRKS_MALFORMED_BAD

/* Whether the boot's kernel log, still whole in the ring, has @needle. */
static bool boot_log_has(const char *needle)
{
	const char *const needles[] = { needle, NULL };
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	bool found;

	if (fd < 0)
		return false;
	found = kmsg_find(fd, needles);
	close(fd);
	return found;
}

static bool cmdline_has(const char *needle)
{
	char buf[4096];
	FILE *f = fopen("/proc/cmdline", "r");
	bool found;

	if (!f)
		return false;
	found = fgets(buf, sizeof(buf), f) && strstr(buf, needle);
	fclose(f);
	return found;
}

TEST_F_TIMEOUT(override, quirk_parameter, 120)
{
	bool main_boot = param_is("memattr_quirks", QUIRKS_MAIN);
	char testdev[16];
	struct s2_range r;

	ASSERT_TRUE(main_boot || param_is("memattr_quirks", QUIRKS_PLATFORM))
		TH_LOG("boot with vfio_pci_core.memattr_quirks=" QUIRKS_MAIN
		       " or " QUIRKS_PLATFORM);
	EXPECT_NE(module_param_write(VFIO_PCI_CORE, "memattr_quirks", ""), 0);
	EXPECT_TRUE(param_is("memattr_quirks", main_boot ? QUIRKS_MAIN :
						     QUIRKS_PLATFORM));
	ASSERT_TRUE(vfio_bar_find(0x1b36, 0x0005, 0, 0, testdev, sizeof(testdev)))
		TH_LOG("no pci-testdev bound to vfio-pci");

	if (main_boot) {
		ASSERT_TRUE(param_is("nc_containment", "Y"));
		expect_class(_metadata, testdev, 0, "normal-nc", "quirk-tolerant");
		mapped_range(_metadata, &self->dev, &self->b, testdev, 0,
			     BAR_READ_ONLY, &r);
		EXPECT_STREQ(r.memtype, "Normal-NC");
		return;
	}

	ASSERT_TRUE(cmdline_has(" vfio_pci_core.memattr_quirks=" QUIRKS_MALFORMED " "))
		TH_LOG("boot with vfio_pci_core.memattr_quirks=" QUIRKS_MALFORMED
		       " after " QUIRKS_PLATFORM);
	EXPECT_TRUE(boot_log_has("memattr_quirks: bad entry '"
				 QUIRKS_MALFORMED_BAD "'"));

	expect_class(_metadata, self->edu, 0, "device", "quirk-intolerant");
	EXPECT_EQ(vfio_bar_sysfs_write(self->edu, 0, "override", "normal-nc"),
		  -EINVAL);

	/* Whatever the administrator asks, short of Normal-NC (refused). */
	expect_class(_metadata, testdev, 0, "device-exact",
		     "quirk-mismatch-intolerant");
	EXPECT_EQ(vfio_bar_sysfs_write(testdev, 0, "override", "normal-nc"),
		  -EINVAL);
	ASSERT_EQ(vfio_bar_sysfs_write(testdev, 0, "override", "device"), 0);
	expect_class(_metadata, testdev, 0, "device-exact",
		     "quirk-mismatch-intolerant");
	ASSERT_EQ(vfio_bar_sysfs_write(testdev, 0, "override", "auto"), 0);

	/* Forced (0x0 with or without FWB) and never executable. */
	mapped_range(_metadata, &self->dev, &self->b, testdev, 0, BAR_READ_ONLY,
		     &r);
	EXPECT_STREQ(r.memtype, "Device-nGnRnE");
	EXPECT_EQ(r.memattr, 0x0);
	EXPECT_FALSE(r.exec);
}

/* An administrator may say the same of any BAR: the override device-exact. */
TEST_F_TIMEOUT(override, device_exact_override, 120)
{
	struct s2_range r;

	ASSERT_EQ(vfio_bar_sysfs_write(self->ivshmem, 2, "override",
				       "device-exact"), 0);
	expect_class(_metadata, self->ivshmem, 2, "device-exact", "override");
	mapped_range(_metadata, &self->dev, &self->b, self->ivshmem, 2,
		     BAR_MEMORY, &r);
	EXPECT_STREQ(r.memtype, "Device-nGnRnE");
	EXPECT_EQ(r.memattr, 0x0);
	EXPECT_FALSE(r.exec);
}

/* ---- life cycle ---------------------------------------------------------- */

static bool open_ivshmem64m(struct vfio_bar_dev *dev)
{
	char bdf[16];

	if (!vfio_bar_find(0x1af4, 0x1110, 2, SZ_64M, bdf, sizeof(bdf)))
		return false;
	vfio_bar_open(dev, bdf);
	return true;
}

static bool bar_mapped(struct kvm_vm *vm, uint64_t size)
{
	struct s2_range r;
	uint64_t gpa;

	for (gpa = BAR_GPA; gpa < BAR_GPA + size; gpa = r.end) {
		if (s2_lookup(vm, gpa, &r))
			return false;
		if (r.valid)
			return true;
	}
	return false;
}

/*
 * Disabling memory decoding zaps the BAR mappings and KVM's with them; the
 * guest maps the BAR again once decoding is back.
 */
TEST(memory_disable_zaps)
{
	struct vfio_bar_dev dev;
	struct bar_vm b = {};
	uint16_t cmd;

	if (!open_ivshmem64m(&dev))
		SKIP(return, "no ivshmem (64 MiB) bound to vfio-pci");
	bar_vm_create(&b, &dev, 2, 1, BAR_MEMORY, OP_TOUCH_ALL);
	run_to_ucall(b.vcpu[0], NULL);
	ASSERT_TRUE(bar_mapped(b.vm, b.size));

	cmd = vfio_bar_config_read16(&dev, PCI_COMMAND);
	ASSERT_TRUE(cmd & PCI_COMMAND_MEMORY);
	vfio_bar_config_write16(&dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	EXPECT_FALSE(bar_mapped(b.vm, b.size));

	vfio_bar_config_write16(&dev, PCI_COMMAND, cmd);
	run_to_ucall(b.vcpu[0], NULL);
	EXPECT_TRUE(bar_mapped(b.vm, b.size));
	bar_vm_destroy(&b);
	vfio_bar_close(&dev);
}

static void *vcpu_thread(void *arg)
{
	run_to_done(arg);
	return NULL;
}

/* Passes 2 to 7 of OP_TOUCH_MANY. */
/*
 * KVM looks a VM_PFNMAP page up by faulting it in and then reading the
 * host's page table again (hva_to_pfn_remapped()): a reset that zaps the
 * BAR in between fails KVM_RUN with EFAULT, in 6.12.117 as in mainline.
 * The vCPU's state is intact, so it runs again, as a VMM could run it.
 */
static void *vcpu_touch_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	int pass, efaults = 0;
	struct ucall uc;

	for (pass = 2; pass <= 7; pass++) {
		while (_vcpu_run(vcpu))
			TEST_ASSERT(errno == EFAULT && ++efaults < 100,
				    "KVM_RUN: %s (%d EFAULTs before)",
				    strerror(errno), efaults);
		TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_SYNC,
			    "pass %d: exit %s", pass,
			    exit_reason_str(vcpu->run->exit_reason));
	}
	return NULL;
}

/*
 * VFIO_DEVICE_RESET zaps the BAR at stage 2 before the device is reset,
 * a vCPU touching the BAR during resets waits for them, and the last pass
 * maps it again with the same type. The harness puts this ivshmem alone
 * behind a PCIe root port, so the reset is a secondary bus reset.
 */
TEST(reset_zaps)
{
	struct vfio_bar_dev dev;
	struct bar_vm b = {};
	struct s2_range r;
	pthread_t t;
	int i;

	if (!open_ivshmem64m(&dev))
		SKIP(return, "no ivshmem (64 MiB) bound to vfio-pci");
	bar_vm_create(&b, &dev, 2, 1, BAR_MEMORY, OP_TOUCH_MANY);
	run_to_ucall(b.vcpu[0], NULL);
	ASSERT_TRUE(bar_mapped(b.vm, b.size));

	ASSERT_EQ(ioctl(dev.fd, VFIO_DEVICE_RESET), 0)
		TH_LOG("VFIO_DEVICE_RESET of %s: %s", dev.bdf, strerror(errno));
	EXPECT_FALSE(bar_mapped(b.vm, b.size));

	ASSERT_EQ(pthread_create(&t, NULL, vcpu_touch_thread, b.vcpu[0]), 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(ioctl(dev.fd, VFIO_DEVICE_RESET), 0);
	pthread_join(t, NULL);
	run_to_ucall(b.vcpu[0], NULL);

	/* Mapped again, whole, in 2M blocks and with the same type. */
	ASSERT_EQ(s2_lookup(b.vm, BAR_GPA, &r), 0);
	ASSERT_TRUE(r.valid);
	EXPECT_STREQ(r.memtype, "Normal-NC");
	EXPECT_TRUE(r.block);
	EXPECT_EQ(s2_level_size(r.level), SZ_2M);
	EXPECT_EQ(r.end, BAR_GPA + b.size);
	bar_vm_destroy(&b);
	vfio_bar_close(&dev);
}

/*
 * The VMM unmaps the BAR and closes the device while the VM runs: nothing
 * stays mapped at stage 2, and the guest's next access fails KVM_RUN.
 */
TEST(close_while_running)
{
	struct vfio_bar_dev dev;
	struct bar_vm b = {};

	if (!open_ivshmem64m(&dev))
		SKIP(return, "no ivshmem (64 MiB) bound to vfio-pci");
	bar_vm_create(&b, &dev, 2, 1, BAR_MEMORY, OP_TOUCH_ALL);
	run_to_ucall(b.vcpu[0], NULL);
	ASSERT_TRUE(bar_mapped(b.vm, b.size));

	munmap(b.hva, b.size);
	b.hva = NULL;
	vfio_bar_close(&dev);
	EXPECT_FALSE(bar_mapped(b.vm, b.size));

	EXPECT_EQ(_vcpu_run(b.vcpu[0]), -1);
	EXPECT_EQ(errno, EFAULT);
	bar_vm_destroy(&b);
}

/* Two vCPUs fault the same BAR at once: both finish, no block twice. */
TEST(concurrent_vcpus)
{
	struct vfio_bar_dev dev;
	struct bar_vm b = {};
	struct s2_leaves n;
	pthread_t t[2];
	int i;

	if (!open_ivshmem64m(&dev))
		SKIP(return, "no ivshmem (64 MiB) bound to vfio-pci");
	bar_vm_create(&b, &dev, 2, 2, BAR_MEMORY, OP_TOUCH_ALL);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, vcpu_thread, b.vcpu[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	n = s2_count_leaves(b.vm, BAR_GPA, b.size);
	EXPECT_EQ(n.blocks_2m, 32);
	EXPECT_EQ(n.pages + n.blocks_1g + n.invalid, 0);
	bar_vm_destroy(&b);
	vfio_bar_close(&dev);
}

/* kvm_memattr_map reports each block with its size, type and reason. */
static const char map_event_format[] =
	"kvm_memattr_map: gfn %lx pfn %lx size %lx type %31s reason %31s";

TEST(tracepoint)
{
	struct vfio_bar_dev dev;
	struct bar_vm b = {};
	char line[512], type[32], reason[32];
	unsigned long gfn, pfn, size;
	int events = 0;
	FILE *f;

	if (!open_ivshmem64m(&dev))
		SKIP(return, "no ivshmem (64 MiB) bound to vfio-pci");
	ASSERT_EQ(trace_event_enable("kvm/kvm_memattr_map", true), 0);
	trace_clear();

	bar_vm_create(&b, &dev, 2, 1, BAR_MEMORY, OP_TOUCH_ALL);
	run_to_done(b.vcpu[0]);

	f = fopen("/sys/kernel/tracing/trace", "r");
	ASSERT_NE(f, NULL);
	while (fgets(line, sizeof(line), f)) {
		char *ev = strstr(line, "kvm_memattr_map: ");

		if (!ev || sscanf(ev, map_event_format, &gfn, &pfn, &size,
				  type, reason) != 5)
			continue;
		if (gfn < BAR_GPA >> 12 || gfn >= (BAR_GPA + b.size) >> 12)
			continue;
		events++;
		EXPECT_EQ(size, SZ_2M);
		EXPECT_EQ(gfn % (SZ_2M >> 12), 0);
		EXPECT_STREQ(type, "Normal-NC");
		EXPECT_STREQ(reason, "normal-nc");
	}
	fclose(f);
	EXPECT_EQ(events, 32);

	trace_event_enable("kvm/kvm_memattr_map", false);
	bar_vm_destroy(&b);
	vfio_bar_close(&dev);
}

/* ---- stage 2 follows the host's page tables ------------------------------ */

/*
 * Whatever the VMM does with its mapping of a BAR, stage 2 maps no page the
 * host does not map there, and maps the rest with the largest blocks the
 * host's mapping covers contiguously.
 */

/* Host and guest sums of the first word of each page must agree. */
static uint64_t host_sum(const void *hva, uint64_t size)
{
	uint64_t off, sum = 0;

	for (off = 0; off < size; off += 4096)
		sum += READ_ONCE(*(const uint32_t *)(hva + off));
	return sum;
}

/* Write a different word at the start of each page of a BAR mapping. */
static void fill_pages(void *hva, uint64_t size, uint32_t seed)
{
	uint64_t off;

	for (off = 0; off < size; off += 4096)
		WRITE_ONCE(*(uint32_t *)(hva + off), seed ^ (off >> 12) * 2654435761u);
}

FIXTURE(placement) {
	struct vfio_bar_dev dev;
	struct bar_vm b;
	uint64_t size;
};

FIXTURE_VARIANT(placement) {
	uint64_t size;		/* of the ivshmem BAR2 */
	int leaves_2m, leaves_1g;
};

FIXTURE_VARIANT_ADD(placement, ivshmem64m) {
	.size = SZ_64M, .leaves_2m = 32,
};

FIXTURE_VARIANT_ADD(placement, ivshmem1g) {
	.size = SZ_1G, .leaves_1g = 1,
};

FIXTURE_SETUP(placement)
{
	char bdf[16];

	/* The block sizes and fault counts below are those of 4 KiB pages. */
	if (getpagesize() != SZ_4K)
		SKIP(return, "%d-byte pages", getpagesize());
	if (!vfio_bar_find(0x1af4, 0x1110, 2, variant->size, bdf, sizeof(bdf)))
		SKIP(return, "no ivshmem with a %lu MiB BAR2", variant->size >> 20);
	vfio_bar_open(&self->dev, bdf);
	self->size = variant->size;
	ASSERT_EQ(trace_event_enable("kvm/kvm_guest_fault", true), 0);
	trace_clear();
}

FIXTURE_TEARDOWN(placement)
{
	trace_event_enable("kvm/kvm_guest_fault", false);
	bar_vm_destroy(&self->b);
	vfio_bar_close(&self->dev);
}

/* The probe pattern's faults, and the leaves it leaves behind. */
static void probe(struct __test_metadata *_metadata, struct bar_vm *b,
		  int leaves_2m, int leaves_1g)
{
	struct rusage before, after;
	struct s2_leaves n;
	int faults;

	/* The VMM has not touched its mapping: the host maps nothing yet. */
	getrusage(RUSAGE_THREAD, &before);
	run_to_done(b->vcpu[0]);
	getrusage(RUSAGE_THREAD, &after);
	faults = trace_guest_faults(BAR_GPA, b->size);
	n = s2_count_leaves(b->vm, BAR_GPA, b->size);
	/* Host faults: those KVM takes on the BAR's mapping for the guest. */
	TH_LOG("%lu MiB: %d stage-2 faults, %ld host faults; leaves 4K x%d 2M x%d 1G x%d",
	       b->size >> 20, faults, after.ru_minflt - before.ru_minflt,
	       n.pages, n.blocks_2m, n.blocks_1g);
	EXPECT_EQ(faults, leaves_2m + leaves_1g);
	EXPECT_EQ(n.blocks_2m, leaves_2m);
	EXPECT_EQ(n.blocks_1g, leaves_1g);
	EXPECT_EQ(n.pages + n.invalid, 0);
	EXPECT_FALSE(n.crosses);
}

/*
 * mmap(NULL): vfio-pci places the BAR congruent with its physical address
 * up to 1G, so one fault per block: 1G x1 for 1 GiB, 2M x32 for 64 MiB.
 */
TEST_F_TIMEOUT(placement, kernel_placed, 300)
{
	uint64_t align = self->size < SZ_1G ? SZ_2M : SZ_1G;
	void *hva = vfio_bar_mmap_range(&self->dev, 2, 0, self->size, 0, 0);

	EXPECT_EQ((uint64_t)hva & (align - 1), self->dev.bar[2].phys & (align - 1))
		TH_LOG("BAR at %#lx mapped at %p", self->dev.bar[2].phys, hva);
	bar_vm_create_at(&self->b, hva, 0, self->size, 1, BAR_MEMORY, OP_PROBE);
	probe(_metadata, &self->b, variant->leaves_2m, variant->leaves_1g);
}

/*
 * MAP_FIXED 4 KiB off congruence: no huge host leaf is possible, but the
 * host maps the whole block on its first fault and stage 2 maps the block
 * over the host's 4K leaves: the same faults and leaves.
 */
TEST_F_TIMEOUT(placement, incongruent_fixed, 300)
{
	uint64_t align = self->size < SZ_1G ? self->size : SZ_1G;
	void *hva = vfio_bar_mmap_range(&self->dev, 2, 0, self->size, align,
					4096);

	bar_vm_create_at(&self->b, hva, 0, self->size, 1, BAR_MEMORY, OP_PROBE);
	probe(_metadata, &self->b, variant->leaves_2m, variant->leaves_1g);
}

/* The 64 MiB ivshmem, for what one BAR size shows. */
FIXTURE(follow) {
	struct vfio_bar_dev dev;
	struct bar_vm b;
};

FIXTURE_SETUP(follow)
{
	char bdf[16];

	/* The block sizes and fault counts below are those of 4 KiB pages. */
	if (getpagesize() != SZ_4K)
		SKIP(return, "%d-byte pages", getpagesize());
	if (!vfio_bar_find(0x1af4, 0x1110, 2, SZ_64M, bdf, sizeof(bdf)))
		SKIP(return, "no ivshmem with a 64 MiB BAR2");
	vfio_bar_open(&self->dev, bdf);
}

FIXTURE_TEARDOWN(follow)
{
	bar_vm_destroy(&self->b);
	vfio_bar_close(&self->dev);
}

/* Touch every page of the memslot, and check what the guest read. */
static struct s2_leaves touch_all(struct __test_metadata *_metadata,
				  struct bar_vm *b, uint64_t gpa, uint64_t size)
{
	uint64_t sum;

	EXPECT_EQ(run_to_ucall(b->vcpu[0], &sum), UCALL_SYNC);
	EXPECT_EQ(sum, host_sum(b->hva, b->size));
	return s2_count_leaves(b->vm, gpa, size);
}

/* A memslot over part of a BAR: blocks inside it, pages at its ragged ends. */
TEST_F_TIMEOUT(follow, memslot_part_of_bar, 120)
{
	void *hva;
	struct s2_leaves n;

	hva = vfio_bar_mmap(&self->dev, 2, SZ_64M);
	fill_pages(hva, SZ_64M, 0xba5e);
	/* BAR [1M, 7M) at BAR_GPA + 1M: blocks [2M, 4M) and [4M, 6M). */
	bar_vm_create_at(&self->b, hva + SZ_1M, SZ_1M, 6 * SZ_1M, 1, BAR_MEMORY,
			 OP_TOUCH_ALL);
	n = touch_all(_metadata, &self->b, BAR_GPA + SZ_1M, 6 * SZ_1M);
	EXPECT_EQ(n.blocks_2m, 2);
	EXPECT_EQ(n.pages, 512);
	EXPECT_FALSE(n.crosses);
	self->b.hva = NULL;
	munmap(hva, SZ_64M);
}

/*
 * Two VMAs, each half a block, map the BAR contiguously: no block spans
 * them (their flags, memory-type ones included, may differ).
 */
TEST_F_TIMEOUT(follow, vma_smaller_than_block, 120)
{
	struct s2_leaves n;
	void *hva, *second;

	hva = vfio_bar_mmap_range(&self->dev, 2, 0, SZ_2M, SZ_2M, 0);
	munmap(hva + SZ_1M, SZ_1M);
	second = mmap(hva + SZ_1M, SZ_1M, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_FIXED, self->dev.fd,
		      self->dev.bar[2].offset + SZ_1M);
	ASSERT_EQ(second, hva + SZ_1M);
	fill_pages(hva, SZ_2M, 0xf00d);
	bar_vm_create_at(&self->b, hva, 0, SZ_2M, 1, BAR_MEMORY, OP_TOUCH_ALL);
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_2M);
	EXPECT_EQ(n.pages, 512);
	EXPECT_EQ(n.blocks_2m, 0);
}

/*
 * munmap() of one page inside a mapped block unmaps the block at stage 2;
 * anonymous memory mapped into the hole is RAM there, and the rest of the
 * block is mapped around it with pages of the BAR.
 */
TEST_F_TIMEOUT(follow, hole_refilled_with_anonymous_memory, 120)
{
	struct s2_leaves n;
	struct s2_range r;
	void *hole;

	bar_vm_create(&self->b, &self->dev, 2, 1, BAR_MEMORY, OP_TOUCH_MANY);
	fill_pages(self->b.hva, SZ_64M, 0x1234);
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_64M);
	ASSERT_EQ(n.blocks_2m, 32);

	hole = self->b.hva + 5 * SZ_1M;
	ASSERT_EQ(munmap(hole, 4096), 0);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 4 * SZ_1M, &r), 0);
	EXPECT_FALSE(r.valid);
	n = s2_count_leaves(self->b.vm, BAR_GPA, SZ_64M);
	EXPECT_EQ(n.blocks_2m, 31);

	ASSERT_EQ(mmap(hole, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), hole);
	WRITE_ONCE(*(uint32_t *)hole, 0xa11ce);
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_64M);
	EXPECT_EQ(n.blocks_2m, 31);
	EXPECT_EQ(n.pages, 512);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 5 * SZ_1M, &r), 0);
	EXPECT_STREQ(r.memtype, "Normal-WB");
	EXPECT_EQ(s2_level_size(r.level), 4096);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 5 * SZ_1M + 4096, &r), 0);
	EXPECT_STREQ(r.memtype, "Normal-NC");
	EXPECT_EQ(s2_level_size(r.level), 4096);
}

/* mprotect() of a block read-only: stage 2 maps it again read-only. */
TEST_F_TIMEOUT(follow, mprotect_read_only, 120)
{
	struct s2_leaves n;
	struct s2_range r;

	bar_vm_create(&self->b, &self->dev, 2, 1, BAR_MEMORY, OP_TOUCH_MANY);
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_64M);
	ASSERT_EQ(n.blocks_2m, 32);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 4 * SZ_1M, &r), 0);
	ASSERT_TRUE(r.write);

	ASSERT_EQ(mprotect(self->b.hva + 4 * SZ_1M, SZ_2M, PROT_READ), 0);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 4 * SZ_1M, &r), 0);
	EXPECT_FALSE(r.valid && r.write);

	touch_all(_metadata, &self->b, BAR_GPA, SZ_64M);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 4 * SZ_1M, &r), 0);
	EXPECT_TRUE(r.valid);
	EXPECT_FALSE(r.write);
	ASSERT_EQ(s2_lookup(self->b.vm, BAR_GPA + 6 * SZ_1M, &r), 0);
	EXPECT_TRUE(r.valid && r.write);
}

/*
 * The VMM closes the device and maps another device's BAR at the same
 * address and file offset: the guest reads the new BAR, never the old.
 */
TEST_F_TIMEOUT(follow, replaced_by_another_bar, 120)
{
	struct vfio_bar_dev other;
	struct s2_leaves n;
	char bdf[16];
	void *hva;

	if (!vfio_bar_find(0x1af4, 0x1110, 2, SZ_1G, bdf, sizeof(bdf)))
		SKIP(return, "no second ivshmem (1 GiB)");
	bar_vm_create(&self->b, &self->dev, 2, 1, BAR_MEMORY, OP_TOUCH_MANY);
	fill_pages(self->b.hva, SZ_64M, 0x0bad);
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_64M);
	ASSERT_EQ(n.blocks_2m, 32);

	hva = self->b.hva;
	munmap(hva, SZ_64M);
	vfio_bar_close(&self->dev);
	vfio_bar_open(&other, bdf);
	ASSERT_EQ(mmap(hva, SZ_64M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		       other.fd, other.bar[2].offset), hva);
	fill_pages(hva, SZ_64M, 0x600d);
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_64M);
	EXPECT_EQ(n.blocks_2m, 32);

	bar_vm_destroy(&self->b);
	vfio_bar_close(&other);
	/* The teardown closes self->dev: open it again. */
	vfio_bar_open(&self->dev, bdf);
}

/*
 * Dirty logging: a BAR memslot cannot log, and a logging memslot that gets
 * a BAR mapped over it later maps it page by page.
 */
TEST_F_TIMEOUT(follow, dirty_logging, 120)
{
	struct s2_leaves n;
	void *hva;

	hva = vfio_bar_mmap(&self->dev, 2, SZ_64M);
	self->b.vm = vm_create_barebones();
	EXPECT_EQ(__vm_set_user_memory_region(self->b.vm, BAR_SLOT,
					      KVM_MEM_LOG_DIRTY_PAGES, BAR_GPA,
					      SZ_4M, hva), -1);
	EXPECT_EQ(errno, EINVAL);
	vm_set_user_memory_region(self->b.vm, BAR_SLOT, 0, BAR_GPA, SZ_4M, hva);
	EXPECT_EQ(__vm_set_user_memory_region(self->b.vm, BAR_SLOT,
					      KVM_MEM_LOG_DIRTY_PAGES, BAR_GPA,
					      SZ_4M, hva), -1);
	EXPECT_EQ(errno, EINVAL);
	kvm_vm_free(self->b.vm);
	self->b.vm = NULL;
	munmap(hva, SZ_64M);

	/* Anonymous memory first, logging, then the BAR over it. */
	hva = mmap(NULL, 2 * SZ_4M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(hva, MAP_FAILED);
	hva = (void *)(((uint64_t)hva + SZ_4M - 1) & ~(uint64_t)(SZ_4M - 1));
	bar_vm_create_at(&self->b, hva, 0, SZ_4M, 1, BAR_MEMORY, OP_TOUCH_ALL);
	self->b.hva = NULL;
	vm_set_user_memory_region(self->b.vm, BAR_SLOT, 0, BAR_GPA, 0, hva);
	vm_set_user_memory_region(self->b.vm, BAR_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				  BAR_GPA, SZ_4M, hva);
	ASSERT_EQ(mmap(hva, SZ_4M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		       self->dev.fd, self->dev.bar[2].offset), hva);
	self->b.hva = hva;
	self->b.size = SZ_4M;
	n = touch_all(_metadata, &self->b, BAR_GPA, SZ_4M);
	EXPECT_EQ(n.pages, 1024);
	EXPECT_EQ(n.blocks_2m + n.blocks_1g, 0);
}

TEST_HARNESS_MAIN
