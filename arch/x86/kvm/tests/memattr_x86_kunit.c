// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the x86 side of the memory-attribute core: the EPT policy
 * against 6.12.117 on every input, the NPT leaf bits, and the guest MTRR
 * state and zap rules of KVM_CAP_X86_HONOR_GUEST_MTRRS. The userspace
 * harness in tools/testing/selftests/memattr runs the same checks.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <asm/msr.h>
#include <asm/mtrr.h>
#include <asm/pgtable_types.h>
#include <asm/vmx.h>

#include "../memattr.h"
#include "../memattr_vm.h"
#include "../mmu/mmu_internal.h"
#include "memattr_x86_check.h"

#define MEMATTR_X86_CHECK(name)						\
static void name##_test(struct kunit *test)				\
{									\
	char *err = kunit_kzalloc(test, MEMATTR_X86_ERR_LEN, GFP_KERNEL); \
									\
	KUNIT_ASSERT_NOT_NULL(test, err);				\
	if (memattr_x86_check_##name(err, MEMATTR_X86_ERR_LEN))	\
		KUNIT_FAIL(test, "%s", err);				\
}

MEMATTR_X86_CHECK(ept_6_12)
MEMATTR_X86_CHECK(ranges)
MEMATTR_X86_CHECK(mtrr_types)
MEMATTR_X86_CHECK(mtrr_diffs)
MEMATTR_X86_CHECK(seed002)
MEMATTR_X86_CHECK(boot)
MEMATTR_X86_CHECK(nc_dma)

/* The type a 4K leaf's PCD and PWT select in a host PAT. */
static unsigned int pat_type(u64 pat, u8 bits)
{
	unsigned int i = (bits & _PAGE_PWT ? 1 : 0) | (bits & _PAGE_PCD ? 2 : 0);

	return (pat >> (8 * i)) & 7;
}

#define PAT_WB		6
#define PAT_UC_MINUS	7
#define PAT_LINUX	0x0407050600070106ULL	/* WB WC UC- UC WB WP UC- WT */

/*
 * The types kvm_amd.host_mmio_uc_minus gives NPT leaves, read through this
 * host's IA32_PAT as the hardware reads them: WB for RAM, UC- for host
 * MMIO. A host PAT without those types must not be accepted.
 */
static void npt_bits_test(struct kunit *test)
{
	u64 pat;

	KUNIT_ASSERT_EQ(test, rdmsrl_safe(MSR_IA32_CR_PAT, &pat), 0);
	KUNIT_EXPECT_TRUE(test, kvm_memattr_npt_host_pat_ok(pat));
	KUNIT_EXPECT_EQ(test, pat_type(pat, kvm_memattr_npt_mt_mask(NULL, 0, false)),
			PAT_WB);
	KUNIT_EXPECT_EQ(test, pat_type(pat, kvm_memattr_npt_mt_mask(NULL, 0, true)),
			PAT_UC_MINUS);

	KUNIT_EXPECT_TRUE(test, kvm_memattr_npt_host_pat_ok(PAT_LINUX));
	/* Entry 2 UC: a guest WC mapping of a BAR would become UC. */
	KUNIT_EXPECT_FALSE(test, kvm_memattr_npt_host_pat_ok(PAT_LINUX &
							     ~(7ULL << 16)));
	/* Entry 2 WB: host MMIO would be cacheable. */
	KUNIT_EXPECT_FALSE(test, kvm_memattr_npt_host_pat_ok((PAT_LINUX &
							      ~(7ULL << 16)) |
							     (u64)PAT_WB << 16));
}

/* EPT leaf bits 6:3: the memory type and IPAT. */
#define EPT_BITS(type, ipat)						\
	((u8)((type) << VMX_EPT_MT_EPTE_SHIFT | ((ipat) ? VMX_EPT_IPAT_BIT : 0)))

/*
 * A VM that honors its guest MTRRs and has non-coherent DMA, and one vCPU
 * with caches enabled, holding only what vmx_get_mt_mask()'s glue reads:
 * TCG has no VMX to run a real one. @has_mtrr: CPUID.01H:EDX.MTRR.
 */
static struct kvm_vcpu *glue_vcpu(struct kunit *test, bool has_mtrr)
{
	struct kvm_cpuid_entry2 *leaf1;
	struct kvm_vcpu *vcpu;
	struct kvm *kvm;

	kvm = kunit_kzalloc(test, sizeof(*kvm), GFP_KERNEL);
	vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);
	leaf1 = kunit_kzalloc(test, sizeof(*leaf1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kvm);
	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	KUNIT_ASSERT_NOT_NULL(test, leaf1);
	mutex_init(&kvm->lock);
	/* As kvm_arch_init_vm() leaves an Intel VM. */
	kvm->arch.disabled_quirks = KVM_X86_QUIRK_CD_NW_CLEARED;
	KUNIT_ASSERT_EQ(test, kvm_memattr_vm_init(kvm), 0);
	/*
	 * A registered non-coherent device, without the zap that
	 * kvm_arch_register_noncoherent_dma() makes on the first one: this
	 * VM has no MMU.
	 */
	atomic_set(&kvm->arch.noncoherent_dma_count, 1);

	leaf1->function = 1;
	leaf1->edx = has_mtrr ? BIT(X86_FEATURE_MTRR & 31) : 0;
	vcpu->arch.cpuid_entries = leaf1;
	vcpu->arch.cpuid_nent = 1;
	vcpu->kvm = kvm;
	vcpu->arch.maxphyaddr = 46;
	vcpu->arch.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	return vcpu;
}

/*
 * A vCPU's CR0.CD and the committed MTRRs must reach the leaf. VMX never
 * lets the guest's CR0.CD reach the hardware, so with CD set the leaf
 * itself must be UC and ignore the guest PAT, as before 6.11.
 */
static void ept_glue_cr0_cd_test(struct kunit *test)
{
	struct kvm_vcpu *vcpu = glue_vcpu(test, true);

	/* The guest enables its MTRRs, default type WB, caches enabled. */
	vcpu->arch.mtrr_state.deftype = BIT(11) | MTRR_TYPE_WRBACK;
	kvm_memattr_mtrr_written(vcpu, false);
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_WRBACK, false));
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, true),
			EPT_BITS(MTRR_TYPE_UNCACHABLE, false));

	/* The vCPU disables its caches: UC whatever its PAT says. */
	vcpu->arch.cr0 |= X86_CR0_CD;
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_UNCACHABLE, true));

	kvm_memattr_destroy_vm(vcpu->kvm);
}

/*
 * A guest without MTRRs in its CPUID never enables them; its RAM must be
 * WB, as 6.6 made it, while a guest with MTRRs that left them disabled
 * gets the UC of disabled MTRRs.
 */
static void ept_glue_no_mtrr_test(struct kunit *test)
{
	struct kvm_vcpu *vcpu = glue_vcpu(test, false);

	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_WRBACK, false));
	kvm_memattr_destroy_vm(vcpu->kvm);

	vcpu = glue_vcpu(test, true);
	KUNIT_EXPECT_EQ(test, kvm_memattr_ept_mt_mask(vcpu, 0x1000, false),
			EPT_BITS(MTRR_TYPE_UNCACHABLE, false));
	kvm_memattr_destroy_vm(vcpu->kvm);
}

struct other_vcpu {
	struct kvm_vcpu *vcpu;
	struct completion done;
};

static int other_vcpu_commits(void *data)
{
	struct other_vcpu *o = data;

	kvm_memattr_mtrr_written(o->vcpu, false);
	complete(&o->done);
	return 0;
}

/*
 * A vCPU whose MTRR write zaps nothing, because another vCPU committed the
 * same MTRRs, must still wait for that vCPU's zap: until it is done, the
 * VM's entries may have the old types. Here the test is the other vCPU,
 * holding the zapper's lock with frames taken from the queue.
 */
static void zap_in_flight_test(struct kunit *test)
{
	struct kvm_vcpu *vcpu = glue_vcpu(test, true);
	struct kvm_memattr_x86 *ma = vcpu->kvm->arch.memattr;
	struct other_vcpu o = { .vcpu = vcpu };
	struct task_struct *t;

	vcpu->arch.mtrr_state.deftype = BIT(11) | MTRR_TYPE_WRBACK;
	kvm_memattr_mtrr_written(vcpu, false);

	mutex_lock(&ma->zap_lock);
	spin_lock(&ma->lock);
	ma->zapping++;
	spin_unlock(&ma->lock);

	init_completion(&o.done);
	t = kthread_create(other_vcpu_commits, &o, "memattr-vcpu");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wake_up_process(t);
	/* It returns, or sleeps on the zapper's lock: nothing else. */
	while (!completion_done(&o.done) &&
	       !(READ_ONCE(t->__state) & TASK_UNINTERRUPTIBLE))
		schedule_timeout_uninterruptible(1);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&o.done),
			       "returned while a zap was in flight");

	spin_lock(&ma->lock);
	ma->zapping--;
	spin_unlock(&ma->lock);
	mutex_unlock(&ma->zap_lock);
	wait_for_completion(&o.done);
	put_task_struct(t);
	kvm_memattr_destroy_vm(vcpu->kvm);
}

struct lock_holder {
	struct kvm_memattr_x86 *ma;
	struct completion locked, unlocked;
	bool release;
};

static int hold_vm_lock(void *data)
{
	struct lock_holder *h = data;

	spin_lock(&h->ma->lock);
	complete(&h->locked);
	while (!READ_ONCE(h->release))
		cpu_relax();
	spin_unlock(&h->ma->lock);
	complete(&h->unlocked);
	return 0;
}

/*
 * Once a block is recorded, faults in it read the MTRRs without the VM's
 * lock: both the block size and the leaf's type are decided while another
 * CPU holds it (a fault that took it would spin forever).
 */
static void lock_free_fault_test(struct kunit *test)
{
	struct kvm_vcpu *vcpu = glue_vcpu(test, true);
	struct kvm_memattr_x86 *ma = vcpu->kvm->arch.memattr;
	struct lock_holder h = { .ma = ma };
	struct kvm_page_fault fault = {
		.is_tdp = true, .gfn = 0x10, .max_level = PG_LEVEL_2M,
	};
	struct task_struct *t;
	unsigned int cpu;
	u8 wb, uc;

	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "needs a second CPU");

	/* WB by default, UC from 1M: the first 2M is not one type. */
	vcpu->arch.mtrr_state.deftype = BIT(11) | MTRR_TYPE_WRBACK;
	vcpu->arch.mtrr_state.var[0] = 0x100000 | MTRR_TYPE_UNCACHABLE;
	vcpu->arch.mtrr_state.var[1] = GENMASK_ULL(45, 20) | BIT(11);
	kvm_memattr_mtrr_written(vcpu, false);
	/* The first fault in the 2M block records it, under the lock. */
	__kvm_memattr_tdp_fault(vcpu, &fault);
	KUNIT_EXPECT_EQ(test, fault.max_level, PG_LEVEL_4K);

	init_completion(&h.locked);
	init_completion(&h.unlocked);
	t = kthread_create(hold_vm_lock, &h, "memattr-lock");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, cpu);
	wake_up_process(t);
	wait_for_completion(&h.locked);

	fault.max_level = PG_LEVEL_2M;
	__kvm_memattr_tdp_fault(vcpu, &fault);
	wb = kvm_memattr_guest_mtrr(vcpu, 0x10);
	uc = kvm_memattr_guest_mtrr(vcpu, 0x150);
	WRITE_ONCE(h.release, true);
	wait_for_completion(&h.unlocked);

	KUNIT_EXPECT_EQ(test, fault.max_level, PG_LEVEL_4K);
	KUNIT_EXPECT_EQ(test, wb, KVM_MEMTYPE_WB);
	KUNIT_EXPECT_EQ(test, uc, KVM_MEMTYPE_UC);
	kvm_memattr_destroy_vm(vcpu->kvm);
}

static struct kunit_case memattr_x86_cases[] = {
	KUNIT_CASE(ept_6_12_test),
	KUNIT_CASE(npt_bits_test),
	KUNIT_CASE(ept_glue_cr0_cd_test),
	KUNIT_CASE(ept_glue_no_mtrr_test),
	KUNIT_CASE(zap_in_flight_test),
	KUNIT_CASE(lock_free_fault_test),
	KUNIT_CASE(ranges_test),
	KUNIT_CASE(mtrr_types_test),
	KUNIT_CASE(mtrr_diffs_test),
	KUNIT_CASE(seed002_test),
	KUNIT_CASE_SLOW(boot_test),
	KUNIT_CASE(nc_dma_test),
	{}
};

static struct kunit_suite memattr_x86_suite = {
	.name = "kvm_memattr_x86",
	.test_cases = memattr_x86_cases,
};

kunit_test_suite(memattr_x86_suite);

MODULE_DESCRIPTION("KUnit tests of the x86 memory-attribute policies");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
