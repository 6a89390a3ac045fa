// SPDX-License-Identifier: GPL-2.0
/*
 * AMD NPT backend of the memory-attribute core: encodes a decision as the
 * host PAT entry the nested page-table leaf selects, and decodes it back.
 * The host MTRR of the system physical address still combines with it; the
 * decision itself is made in virt/kvm/memattr.c.
 *
 * Pure code, also built into the userspace tests and tools/memattr.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kvm_memattr.h>

#include "memattr_enc.h"

/*
 * Linux programs the host PAT as 0 WB, 1 WC, 2 UC-, 3 UC, 4 WB, 5 WP,
 * 6 UC-, 7 WT (arch/x86/mm/pat/memtype.c), and KVM refuses to load unless
 * entry 0 is WB. The first index holding each type is the one selected.
 */
static const u8 npt_pat_layout[8] = {
	KVM_MEMTYPE_WB, KVM_MEMTYPE_WC, KVM_MEMTYPE_UC_MINUS, KVM_MEMTYPE_UC,
	KVM_MEMTYPE_WB, KVM_MEMTYPE_WP, KVM_MEMTYPE_UC_MINUS, KVM_MEMTYPE_WT,
};

int kvm_memattr_npt_encode(struct kvm_memattr_decision d,
			   union kvm_memattr_facts f,
			   struct kvm_memattr_enc *enc)
{
	int i;

	/* NPT cannot keep the guest's PAT out of the combination. */
	if (d.refuse || !(d.flags & KVM_MEMATTR_F_COMBINES))
		return -EINVAL;

	for (i = 0; i < 8; i++) {
		if (npt_pat_layout[i] == d.type) {
			enc->npt.pat_index = i;
			enc->npt.host_type = d.type;
			return 0;
		}
	}
	return -EINVAL;
}

static int npt_decode(const struct kvm_memattr_enc *enc,
		      union kvm_memattr_facts f, struct kvm_memattr_decision *d)
{
	if (enc->npt.pat_index > 7)
		return -EINVAL;

	*d = (struct kvm_memattr_decision) {
		.type = npt_pat_layout[enc->npt.pat_index],
		.flags = KVM_MEMATTR_F_COMBINES,
	};
	return 0;
}

const struct kvm_memattr_ops kvm_memattr_npt_ops = {
	.arch	= KVM_MEMATTR_X86_NPT,
	.name	= "x86-npt",
	.resolve = kvm_memattr_resolve_npt,
	.encode	= kvm_memattr_npt_encode,
	.decode	= npt_decode,
};
EXPORT_SYMBOL_GPL(kvm_memattr_npt_ops);
