// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the arm64 stage-2 side of the memory-attribute core: what
 * a decision becomes in the page-table code, and what a leaf of it gives
 * back when a block is split.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/kvm_memattr.h>

#include <asm/kvm_pgtable.h>

#include "memattr.h"

#define PROT_MEMTYPE	(KVM_PGTABLE_PROT_DEVICE | KVM_PGTABLE_PROT_NORMAL_NC | \
			 KVM_PGTABLE_PROT_DEVICE_nGnRnE)

/* One fault of each kind the policy maps, on the CPU of @fwb. */
static const union kvm_memattr_facts s2_faults[] = {
	{ .backing = KVM_MEMATTR_RAM, .host = KVM_MEMATTR_HOST_WB },
	{ .backing = KVM_MEMATTR_MMIO, .host = KVM_MEMATTR_HOST_DEVICE_nGnRnE },
	{ .backing = KVM_MEMATTR_MMIO, .host = KVM_MEMATTR_HOST_DEVICE_nGnRnE,
	  .nc_allowed = 1 },
	{ .backing = KVM_MEMATTR_MMIO, .host = KVM_MEMATTR_HOST_DEVICE_nGnRnE,
	  .exact = 1 },
	{ .backing = KVM_MEMATTR_MMIO, .host = KVM_MEMATTR_HOST_WB, .dic = 1 },
};

/*
 * Every memory type the fault path installs survives a block split:
 * kvm_pgtable_stage2_pte_prot() of a leaf with the MemAttr the backend
 * encoded gives back the memory type kvm_memattr_s2_prot() asked
 * stage2_set_prot_attr() for, with or without FWB.
 */
static void memattr_s2_split_keeps_type(struct kunit *test)
{
	unsigned int i, fwb, tested = 0;

	for (fwb = 0; fwb < 2; fwb++) {
		for (i = 0; i < ARRAY_SIZE(s2_faults); i++) {
			union kvm_memattr_facts f = s2_faults[i];
			enum kvm_pgtable_prot prot = KVM_PGTABLE_PROT_R, back;
			struct kvm_memattr_decision d;
			struct kvm_memattr_enc enc;
			kvm_pte_t pte;

			f.fwb = fwb;
			f.dic = f.dic && fwb;
			d = kvm_memattr_resolve_s2(f);
			if (d.refuse)
				continue;
			KUNIT_ASSERT_EQ(test, kvm_memattr_s2_ops.encode(d, f, &enc), 0);
			KUNIT_ASSERT_EQ(test, kvm_memattr_s2_prot(d, f, &prot), 0);

			pte = KVM_PTE_VALID |
			      FIELD_PREP(KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR,
					 enc.s2.memattr) |
			      (enc.s2.xn ? KVM_PTE_LEAF_ATTR_HI_S2_XN : 0);
			back = kvm_pgtable_stage2_pte_prot(pte);
			KUNIT_EXPECT_EQ_MSG(test, back & PROT_MEMTYPE,
					    prot & PROT_MEMTYPE,
					    "%s (MemAttr %#x, fwb %u) splits back as prot %#llx",
					    kvm_memtype_name(KVM_MEMATTR_ARM64_S2, d.type),
					    enc.s2.memattr, fwb, (u64)back);
			tested++;
		}
	}
	/* RAM twice, Device-nGnRE, Normal-NC, Device-nGnRnE twice each, WB. */
	KUNIT_EXPECT_EQ(test, tested, 9);
}

static struct kunit_case memattr_s2_cases[] = {
	KUNIT_CASE(memattr_s2_split_keeps_type),
	{}
};

static struct kunit_suite memattr_s2_suite = {
	.name = "kvm_memattr_s2_pgtable",
	.test_cases = memattr_s2_cases,
};

kunit_test_suite(memattr_s2_suite);
