// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NPT memory type of a passed-through BAR, end to end: a guest reads
 * and writes the registers of an edu device bound to vfio-pci, and the
 * leaves KVM installed (the kvmmmu:kvm_mmu_set_spte tracepoint) must
 * select host PAT entry 0 for the BAR and for guest RAM, as 6.12 does
 * (PCD and PWT clear), unless kvm_amd.host_mmio_uc_minus is set: then the
 * BAR's leaf selects the host's UC- entry (PCD set, PWT clear). Runs on
 * AMD NPT, and skips elsewhere; QEMU's TCG emulates SVM. Honoring guest
 * MTRRs needs EPT: on NPT the capability is absent and enabling it fails
 * with EINVAL.
 */
#include <errno.h>
#include <stdio.h>

#include <linux/bits.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "spte_trace.h"
#include "vfio_bar.h"

#define BAR_GPA		0xc0000000ULL
#define BAR_SLOT	10
#define EDU_ID		0x010000edU
#define EDU_LIVENESS	1		/* register 1 reads back inverted */
#define PAT_PWT		BIT_ULL(3)
#define PAT_PCD		BIT_ULL(4)
#define UC_MINUS_PARAM	"/sys/module/kvm_amd/parameters/host_mmio_uc_minus"

static void guest_code(uint64_t gva)
{
	uint32_t *regs = (uint32_t *)gva;

	GUEST_SYNC(READ_ONCE(regs[0]));
	WRITE_ONCE(regs[EDU_LIVENESS], 0x12345678);
	GUEST_SYNC(READ_ONCE(regs[EDU_LIVENESS]));
	GUEST_DONE();
}

static uint64_t run_to_sync(struct kvm_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT_EQ(get_ucall(vcpu, &uc), UCALL_SYNC);
	return uc.args[1];
}

/* The last leaf the tracepoint reported for @gfn, or 0. */
static uint64_t traced_spte(uint64_t gfn)
{
	uint64_t g, spte, found = 0;
	char line[512];
	int level;
	FILE *f;

	f = trace_open();
	while (fgets(line, sizeof(line), f))
		if (spte_trace_parse(line, &g, &spte, &level) && g == gfn)
			found = spte;
	fclose(f);
	return found;
}

/* Whether kvm_amd.host_mmio_uc_minus is set. */
static bool host_mmio_uc_minus(void)
{
	char c = 'N';
	FILE *f;

	f = fopen(UC_MINUS_PARAM, "r");
	TEST_ASSERT(f, "open " UC_MINUS_PARAM);
	TEST_ASSERT(fread(&c, 1, 1, f) == 1, "read " UC_MINUS_PARAM);
	fclose(f);
	return c == 'Y';
}

TEST(edu_bar_pat_entry)
{
	struct vfio_bar_dev dev;
	struct kvm_vcpu *vcpu;
	uint32_t *host;
	uint64_t code_gfn, spte;
	struct kvm_vm *vm;
	char bdf[16];
	void *hva;

	if (!kvm_is_tdp_enabled() || !host_cpu_is_amd)
		SKIP(return, "not AMD NPT");
	if (!vfio_bar_find(0x1234, 0x11e8, 0, 0, bdf, sizeof(bdf)))
		SKIP(return, "no edu device bound to vfio-pci");
	vfio_bar_open(&dev, bdf);
	hva = vfio_bar_mmap(&dev, 0, dev.bar[0].size);
	host = hva;

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vm_set_user_memory_region(vm, BAR_SLOT, 0, BAR_GPA, dev.bar[0].size,
				  hva);
	virt_map(vm, BAR_GPA, BAR_GPA, dev.bar[0].size / getpagesize());
	vcpu_args_set(vcpu, 1, BAR_GPA);

	tracing_write("trace", "");
	tracing_write("events/kvmmmu/kvm_mmu_set_spte/enable", "1");

	/* The guest reads the device's identity and drives a register. */
	EXPECT_EQ(run_to_sync(vcpu), EDU_ID);
	EXPECT_EQ(run_to_sync(vcpu), ~0x12345678U);
	EXPECT_EQ(READ_ONCE(host[EDU_LIVENESS]), ~0x12345678U);

	tracing_write("events/kvmmmu/kvm_mmu_set_spte/enable", "0");

	spte = traced_spte(BAR_GPA >> 12);
	ASSERT_NE(spte, 0) TH_LOG("no leaf traced for the BAR");
	if (host_mmio_uc_minus()) {
		EXPECT_EQ(spte & (PAT_PCD | PAT_PWT), PAT_PCD)
			TH_LOG("BAR leaf %#lx does not select UC- (PCD)", spte);
	} else {
		EXPECT_EQ(spte & (PAT_PCD | PAT_PWT), 0)
			TH_LOG("BAR leaf %#lx does not select entry 0, as 6.12",
			       spte);
	}

	code_gfn = addr_gva2gpa(vm, (vm_vaddr_t)guest_code) >> 12;
	spte = traced_spte(code_gfn);
	ASSERT_NE(spte, 0) TH_LOG("no leaf traced for guest code");
	EXPECT_EQ(spte & (PAT_PCD | PAT_PWT), 0)
		TH_LOG("RAM leaf %#lx does not select WB", spte);

	kvm_vm_free(vm);
	munmap(hva, dev.bar[0].size);
	vfio_bar_close(&dev);
}

TEST(honor_guest_mtrrs_needs_ept)
{
	struct kvm_vm *vm;

	if (!kvm_is_tdp_enabled() || !host_cpu_is_amd)
		SKIP(return, "not AMD NPT");
	vm = vm_create_barebones();
	EXPECT_EQ(vm_check_cap(vm, KVM_CAP_X86_HONOR_GUEST_MTRRS), 0);
	EXPECT_EQ(__vm_enable_cap(vm, KVM_CAP_X86_HONOR_GUEST_MTRRS, 1), -1);
	EXPECT_EQ(errno, EINVAL);
	kvm_vm_free(vm);
}

TEST_HARNESS_MAIN
