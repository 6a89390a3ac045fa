// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_memattr_test - map each BAR of emulated vfio-pci devices into a
 * guest and check what KVM installed at stage 2 and what the guest sees.
 *
 * Devices (QEMU): ivshmem-plain (BAR2: 64-bit prefetchable, RAM-backed),
 * edu (BAR0: non-prefetchable registers), bochs-display (BAR0: prefetchable
 * VRAM, BAR2: non-prefetchable registers), all bound to vfio-pci.
 *
 * QEMU does not model memory types, so the memory type is read from the
 * kernel (the stage2_page_tables and memattr debugfs files), never
 * inferred from the guest's accesses.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/sizes.h>

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

enum bar_kind {
	BAR_MEMORY,		/* plain memory: any access, round trip */
	BAR_EDU_REGS,		/* edu: 32-bit registers below 0x80 */
	BAR_BOCHS_REGS,		/* bochs-display: 16-bit VBE registers */
};

#define PATTERN_HOST	0x1122334455667788ULL
#define PATTERN_GUEST	0xfeedfacecafef00dULL

static void guest_access(uint64_t gva, uint64_t kind)
{
	uint64_t *mem = (uint64_t *)gva;
	uint32_t *regs32 = (uint32_t *)gva;
	uint16_t *regs16 = (uint16_t *)gva;

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
	}
	GUEST_DONE();
}

FIXTURE(bar) {
	struct vfio_bar_dev dev;
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	void *hva;
	uint64_t size;
};

FIXTURE_VARIANT(bar) {
	const char *device_name;
	uint16_t vendor, device;
	int index;
	uint64_t size;		/* picks one of several same devices */
	enum bar_kind kind;
};

FIXTURE_VARIANT_ADD(bar, ivshmem64m_bar2) {
	.device_name = "ivshmem-plain (64 MiB)",
	.vendor = 0x1af4, .device = 0x1110, .index = 2, .size = SZ_64M,
	.kind = BAR_MEMORY,
};

FIXTURE_VARIANT_ADD(bar, ivshmem1g_bar2) {
	.device_name = "ivshmem-plain (1 GiB)",
	.vendor = 0x1af4, .device = 0x1110, .index = 2, .size = SZ_1G,
	.kind = BAR_MEMORY,
};

FIXTURE_VARIANT_ADD(bar, edu_bar0) {
	.device_name = "edu",
	.vendor = 0x1234, .device = 0x11e8, .index = 0, .kind = BAR_EDU_REGS,
};

FIXTURE_VARIANT_ADD(bar, bochs_bar0) {
	.device_name = "bochs-display",
	.vendor = 0x1234, .device = 0x1111, .index = 0, .kind = BAR_MEMORY,
};

FIXTURE_VARIANT_ADD(bar, bochs_bar2) {
	.device_name = "bochs-display",
	.vendor = 0x1234, .device = 0x1111, .index = 2, .kind = BAR_BOCHS_REGS,
};

FIXTURE_SETUP(bar)
{
	char bdf[16];

	if (!vfio_bar_find(variant->vendor, variant->device, variant->index,
			   variant->size, bdf, sizeof(bdf)))
		SKIP(return, "no %s bound to vfio-pci", variant->device_name);

	vfio_bar_open(&self->dev, bdf);
	self->size = self->dev.bar[variant->index].size;
	ASSERT_NE(self->size, 0);
	self->hva = vfio_bar_mmap(&self->dev, variant->index,
				  self->size < SZ_1G ? self->size : SZ_1G);

	/* Room for the guest page tables that map the whole BAR. */
	self->vm = __vm_create_with_one_vcpu(&self->vcpu,
					     self->size / getpagesize(),
					     guest_access);
	vm_set_user_memory_region(self->vm, BAR_SLOT, 0, BAR_GPA, self->size,
				  self->hva);
	virt_map(self->vm, BAR_GPA, BAR_GPA, self->size / self->vm->page_size);
	vcpu_args_set(self->vcpu, 2, BAR_GPA, (uint64_t)variant->kind);
}

FIXTURE_TEARDOWN(bar)
{
	if (self->vm)
		kvm_vm_free(self->vm);
	if (self->hva)
		munmap(self->hva, self->size);
	vfio_bar_close(&self->dev);
}

/* Run the vCPU to its next ucall; returns the first argument of a SYNC. */
static uint64_t run_to_sync(struct __test_metadata *_metadata,
			    struct kvm_vcpu *vcpu, bool *done)
{
	struct ucall uc;

	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_SYNC:
		*done = false;
		return uc.args[0];
	case UCALL_DONE:
		*done = true;
		return 0;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
		break;
	default:
		TH_LOG("unexpected exit %s", exit_reason_str(vcpu->run->exit_reason));
		ASSERT_TRUE(false);
	}
	return 0;
}

/* The guest and the host see the same bytes through their own mappings. */
TEST_F_TIMEOUT(bar, guest_access, 120)
{
	uint64_t *mem = self->hva;
	uint64_t val;
	bool done;

	switch (variant->kind) {
	case BAR_MEMORY:
		WRITE_ONCE(mem[0], PATTERN_HOST);
		WRITE_ONCE(mem[1], 0);
		val = run_to_sync(_metadata, self->vcpu, &done);
		EXPECT_EQ(val, PATTERN_HOST);
		val = run_to_sync(_metadata, self->vcpu, &done);
		EXPECT_EQ(val, PATTERN_GUEST);
		EXPECT_EQ(READ_ONCE(mem[1]), PATTERN_GUEST);
		break;
	case BAR_EDU_REGS:
		val = run_to_sync(_metadata, self->vcpu, &done);
		EXPECT_EQ(val, EDU_ID_VALUE);
		val = run_to_sync(_metadata, self->vcpu, &done);
		EXPECT_EQ(val, ~0x12345678U);
		break;
	case BAR_BOCHS_REGS:
		val = run_to_sync(_metadata, self->vcpu, &done);
		EXPECT_EQ(val & 0xfff0, 0xb0c0);
		break;
	}
	run_to_sync(_metadata, self->vcpu, &done);
	EXPECT_TRUE(done);
}

TEST_HARNESS_MAIN
