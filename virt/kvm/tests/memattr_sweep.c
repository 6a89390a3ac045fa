// SPDX-License-Identifier: GPL-2.0
/*
 * Exhaustive sweeps of the memory-attribute policies and the safety
 * invariants each row is held to. See memattr_sweep.h.
 */
#include <linux/array_size.h>
#include <linux/errno.h>
#include <linux/kvm_memattr.h>
#include <linux/sprintf.h>

#ifdef __KERNEL__
#ifdef CONFIG_ARM64
#define MEMATTR_HAVE_S2
#endif
#ifdef CONFIG_X86
#define MEMATTR_HAVE_X86
#endif
#endif

#include "memattr_model.h"
#include "memattr_sweep.h"

const struct kvm_memattr_ops *memattr_ops(enum kvm_memattr_arch arch)
{
	switch (arch) {
#ifdef MEMATTR_HAVE_S2
	case KVM_MEMATTR_ARM64_S2:
		return &kvm_memattr_s2_ops;
#endif
#ifdef MEMATTR_HAVE_X86
	case KVM_MEMATTR_X86_EPT:
		return &kvm_memattr_ept_ops;
	case KVM_MEMATTR_X86_NPT:
		return &kvm_memattr_npt_ops;
#endif
	default:
		return NULL;
	}
}

/* Encode, check the round trip, and run the architecture model. */
static void row_finish(struct memattr_row *row)
{
	const struct kvm_memattr_ops *ops = memattr_ops(row->arch);
	struct kvm_memattr_decision back;

	if (row->d.refuse)
		return;
	row->enc_err = ops->encode(row->d, row->facts, &row->enc);
	if (row->enc_err)
		return;
	/* Round trip: the encoding must say exactly what was decided. */
	if (ops->decode(&row->enc, row->facts, &back) ||
	    back.type != row->d.type || back.flags != row->d.flags) {
		row->enc_err = -EILSEQ;
		return;
	}
	row->eff_err = memattr_model_effective(row->arch, &row->enc,
					       row->facts, row->guest,
					       &row->eff);
}

static void row_reset(struct memattr_row *row)
{
	row->enc_err = -EINVAL;
	row->eff_err = -EINVAL;
	row->enc = (struct kvm_memattr_enc) { 0 };
	row->eff = (struct memattr_effective) { 0 };
}

void memattr_row_eval(struct memattr_row *row)
{
	row_reset(row);
	if (row->provider == MEMATTR_PROVIDER_VFIO) {
		union kvm_memattr_facts dev;

		row->bar.arch = row->arch;
		row->class = kvm_memattr_classify_bar(row->bar);
		if (row->class.refuse) {
			row->d = (struct kvm_memattr_decision) {
				.type = KVM_MEMTYPE_NR,
				.reason = row->class.reason,
				.refuse = row->class.refuse,
			};
			return;
		}
		dev = kvm_memattr_facts_from_class(row->class.class);
		row->facts.backing = dev.backing;
		row->facts.host = dev.host;
		row->facts.nc_allowed = dev.nc_allowed;
		row->facts.exact = dev.exact;
	}
	row->d = memattr_ops(row->arch)->resolve(row->facts);
	row_finish(row);
}

void memattr_row_eval_upstream(struct memattr_row *row,
			       const struct memattr_upstream *up)
{
	row_reset(row);
	if (row->provider == MEMATTR_PROVIDER_VFIO) {
		/* Upstream vfio-pci gives every BAR the same class. */
		row->bar.arch = row->arch;
		row->class = (struct kvm_memattr_bar_decision) {
			.class = up->vfio_allow_any_uncached ?
				 KVM_MEMATTR_CLASS_NORMAL_NC :
				 KVM_MEMATTR_CLASS_DEVICE,
		};
		row->facts.backing = KVM_MEMATTR_MMIO;
		row->facts.host = KVM_MEMATTR_HOST_DEVICE;
		row->facts.nc_allowed = up->vfio_allow_any_uncached;
	}
	row->d = up->resolve[row->arch](row->facts);
	row_finish(row);
}

void memattr_case_row(const struct memattr_case *c,
		      enum kvm_memattr_arch arch, struct memattr_row *row)
{
	bool arm64 = arch == KVM_MEMATTR_ARM64_S2;

	*row = (struct memattr_row) {
		.arch = arch,
		.facts = arm64 ? c->arm64 : c->x86,
		.guest = arm64 ? c->guest_arm64 : c->guest_x86,
	};
	if (c->has_bar && arm64) {
		row->provider = MEMATTR_PROVIDER_VFIO;
		row->bar = c->bar;
	}
}

bool memattr_case_check(const struct memattr_case *c,
			enum kvm_memattr_arch arch, struct memattr_row *row)
{
	const struct memattr_expect *e = &c->expect[arch];

	memattr_case_row(c, arch, row);
	memattr_row_eval(row);
	if (row->d.refuse != e->refuse || row->d.reason != e->reason)
		return false;
	return e->refuse || (row->d.type == e->type && !row->enc_err &&
			     !row->eff_err && row->eff.type == e->effective);
}

static int sweep_guests(struct memattr_row *row, memattr_row_fn fn, void *arg)
{
	const u8 *guests = row->arch == KVM_MEMATTR_ARM64_S2 ?
			   memattr_model_guest_arm64 : memattr_model_guest_x86;
	int n = row->arch == KVM_MEMATTR_ARM64_S2 ?
		ARRAY_SIZE(memattr_model_guest_arm64) :
		ARRAY_SIZE(memattr_model_guest_x86);
	int i, r;

	for (i = 0; i < n; i++) {
		row->guest = guests[i];
		memattr_row_eval(row);
		r = fn(row, arg);
		if (r)
			return r;
	}
	return 0;
}

static int sweep_s2_vfio(struct memattr_row *row, union kvm_memattr_facts cpu,
			 memattr_row_fn fn, void *arg)
{
	unsigned int i;
	int r;

	row->provider = MEMATTR_PROVIDER_VFIO;
	for (i = 0; i < 2 * KVM_MEMATTR_TOL_NR * KVM_MEMATTR_OVR_NR * 2; i++) {
		row->facts = cpu;
		row->bar = (struct kvm_memattr_bar_facts) {
			.prefetchable = i & 1,
			.contained = (i >> 1) & 1,
			.tolerance = (i >> 2) % KVM_MEMATTR_TOL_NR,
			.override = (i >> 2) / KVM_MEMATTR_TOL_NR,
		};
		r = sweep_guests(row, fn, arg);
		if (r)
			return r;
	}
	return 0;
}

/*
 * arm64: every CPU (FWB, DIC), VM (MTE) and access (exec) for kernel RAM, for device
 * memory of any other provider (host mapping, VM_ALLOW_ANY_UNCACHED,
 * VM_EXACT_MEMTYPE), and
 * for vfio-pci BARs (prefetchable, quirk, override, containment).
 */
static int sweep_s2(memattr_row_fn fn, void *arg)
{
	struct memattr_row row = { .arch = KVM_MEMATTR_ARM64_S2 };
	unsigned int cpu_bits, dev_bits;
	int r;

	for (cpu_bits = 0; cpu_bits < 16; cpu_bits++) {
		union kvm_memattr_facts cpu = {
			.fwb = cpu_bits & 1,
			.dic = (cpu_bits >> 1) & 1,
			.exec = (cpu_bits >> 2) & 1,
			.mte = (cpu_bits >> 3) & 1,
		};

		row.provider = MEMATTR_PROVIDER_KERNEL;
		row.facts = cpu;
		row.facts.backing = KVM_MEMATTR_RAM;
		row.facts.host = KVM_MEMATTR_HOST_WB;
		r = sweep_guests(&row, fn, arg);
		if (r)
			return r;

		row.provider = MEMATTR_PROVIDER_OTHER;
		for (dev_bits = 0; dev_bits < 4 * 2 * 2; dev_bits++) {
			row.facts = cpu;
			row.facts.backing = KVM_MEMATTR_MMIO;
			row.facts.host = dev_bits / 4;
			row.facts.nc_allowed = dev_bits & 1;
			row.facts.exact = (dev_bits >> 1) & 1;
			r = sweep_guests(&row, fn, arg);
			if (r)
				return r;
		}

		r = sweep_s2_vfio(&row, cpu, fn, arg);
		if (r)
			return r;
	}
	return 0;
}

static const u8 x86_mtrr_types[] = {
	KVM_MEMTYPE_UC, KVM_MEMTYPE_WC, KVM_MEMTYPE_WT, KVM_MEMTYPE_WP,
	KVM_MEMTYPE_WB,
};

/* x86 EPT: the six booleans of the EPT policy and every guest MTRR type. */
static int sweep_ept(memattr_row_fn fn, void *arg)
{
	struct memattr_row row = { .arch = KVM_MEMATTR_X86_EPT };
	unsigned int bits, mtrr;
	int r;

	for (bits = 0; bits < 128; bits++) {
		for (mtrr = 0; mtrr < ARRAY_SIZE(x86_mtrr_types); mtrr++) {
			row.facts = (union kvm_memattr_facts) {
				.backing = bits & 1,
				.self_snoop = (bits >> 1) & 1,
				.ignore_guest_pat = (bits >> 2) & 1,
				.nc_dma = (bits >> 3) & 1,
				.honor_guest_mtrr = (bits >> 4) & 1,
				.cr0_cd = (bits >> 5) & 1,
				.cd_nw_cleared = (bits >> 6) & 1,
				.guest_mtrr = x86_mtrr_types[mtrr],
			};
			r = sweep_guests(&row, fn, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

/* x86 NPT: MMIO or RAM, every host MTRR type, the guest's CR0.CD. */
static int sweep_npt(memattr_row_fn fn, void *arg)
{
	struct memattr_row row = { .arch = KVM_MEMATTR_X86_NPT };
	unsigned int bits, mtrr;
	int r;

	for (bits = 0; bits < 8; bits++) {
		for (mtrr = 0; mtrr < ARRAY_SIZE(x86_mtrr_types); mtrr++) {
			row.facts = (union kvm_memattr_facts) {
				.backing = bits & 1,
				.cr0_cd = (bits >> 1) & 1,
				.cd_nw_cleared = (bits >> 2) & 1,
				.host_mtrr = x86_mtrr_types[mtrr],
			};
			r = sweep_guests(&row, fn, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

int memattr_sweep(enum kvm_memattr_arch arch, memattr_row_fn fn, void *arg)
{
	if (!memattr_ops(arch))
		return -EOPNOTSUPP;

	switch (arch) {
	case KVM_MEMATTR_ARM64_S2:
		return sweep_s2(fn, arg);
	case KVM_MEMATTR_X86_EPT:
		return sweep_ept(fn, arg);
	case KVM_MEMATTR_X86_NPT:
		return sweep_npt(fn, arg);
	default:
		return -EINVAL;
	}
}

/* ---- invariants --------------------------------------------------------- */

static bool is_device_type(u8 type)
{
	return type <= KVM_MEMTYPE_DEVICE_GRE;
}

static bool guest_uncached(u8 guest)
{
	return guest == KVM_MEMTYPE_UC || guest == KVM_MEMTYPE_UC_MINUS ||
	       guest == KVM_MEMTYPE_WC;
}

/* What a vfio BAR may become, restated from the admin and quirk rules. */
static bool bar_nc_allowed(const struct kvm_memattr_bar_facts *b)
{
	bool tolerant = b->tolerance == KVM_MEMATTR_TOL_TOLERANT ||
			(b->tolerance == KVM_MEMATTR_TOL_DEFAULT &&
			 b->prefetchable);

	if (b->tolerance == KVM_MEMATTR_TOL_INTOLERANT ||
	    b->tolerance == KVM_MEMATTR_TOL_MISMATCH_INTOLERANT)
		return false;
	if (b->arch == KVM_MEMATTR_ARM64_S2 && !b->contained)
		return false;
	return tolerant || b->override == KVM_MEMATTR_OVR_NORMAL_NC;
}

static bool same_decision(struct kvm_memattr_decision a,
			  struct kvm_memattr_decision b)
{
	if (a.refuse || b.refuse)
		return a.refuse == b.refuse;
	return a.type == b.type && a.flags == b.flags;
}

static const char *check_s2(const struct memattr_row *r)
{
	const union kvm_memattr_facts f = r->facts;
	bool device = f.backing == KVM_MEMATTR_MMIO &&
		      f.host != KVM_MEMATTR_HOST_WB;

	if (r->provider == MEMATTR_PROVIDER_VFIO && !r->class.refuse) {
		if (r->class.class == KVM_MEMATTR_CLASS_NORMAL_NC &&
		    !bar_nc_allowed(&r->bar))
			return "normal-nc-only-for-tolerant-contained-bars";
		if (r->class.class == KVM_MEMATTR_CLASS_CACHEABLE)
			return "bar-never-classified-cacheable";
		if (r->bar.override == KVM_MEMATTR_OVR_DEVICE &&
		    r->class.class != KVM_MEMATTR_CLASS_DEVICE &&
		    r->class.class != KVM_MEMATTR_CLASS_DEVICE_EXACT)
			return "device-override-is-honored";
		if ((r->bar.tolerance == KVM_MEMATTR_TOL_MISMATCH_INTOLERANT ||
		     r->bar.override == KVM_MEMATTR_OVR_DEVICE_EXACT) &&
		    r->class.class != KVM_MEMATTR_CLASS_DEVICE_EXACT)
			return "mismatch-intolerant-bar-is-exact";
	}
	if (r->provider == MEMATTR_PROVIDER_VFIO && r->class.refuse)
		return r->bar.override == KVM_MEMATTR_OVR_AUTO ?
		       "auto-classification-never-refuses" : NULL;

	if (f.backing == KVM_MEMATTR_RAM && r->d.type != KVM_MEMTYPE_WB)
		return "kernel-ram-stays-normal-wb";
	/* A Device alias of memory the host caches loses coherency. */
	if (f.backing == KVM_MEMATTR_MMIO && f.host == KVM_MEMATTR_HOST_WB &&
	    !r->d.refuse && r->d.type != KVM_MEMTYPE_WB)
		return "host-cacheable-memory-never-aliased-uncached";
	if (device && f.exec && r->d.refuse != ENOEXEC)
		return "device-memory-never-executable";
	if (r->d.refuse)
		return NULL;
	if (device && !((r->d.flags & KVM_MEMATTR_F_NOEXEC) && r->enc.s2.xn))
		return "device-memory-never-executable";
	if (device && memattr_model_cacheable(r->eff.type))
		return "host-mmio-never-cacheable";
	if (device && !f.nc_allowed && !is_device_type(r->eff.type))
		return "device-memory-not-weakened-without-nc-declaration";
	if (r->d.type == KVM_MEMTYPE_WC && !f.nc_allowed)
		return "normal-nc-only-where-declared";
	if (f.backing == KVM_MEMATTR_MMIO && r->d.type == KVM_MEMTYPE_WB &&
	    !(f.fwb && f.dic))
		return "cacheable-device-memory-needs-fwb-and-dic";
	if (f.backing == KVM_MEMATTR_MMIO && f.mte && r->d.type == KVM_MEMTYPE_WB)
		return "no-cacheable-device-memory-with-mte";
	/* Memory intolerant of aliases gets exactly the host's type, forced. */
	if (device && f.exact &&
	    !(f.host == KVM_MEMATTR_HOST_DEVICE_nGnRnE &&
	      r->eff.type == KVM_MEMTYPE_DEVICE_nGnRnE))
		return "exact-memory-gets-the-host-type";
	return NULL;
}

static const char *check_x86(const struct memattr_row *r)
{
	const union kvm_memattr_facts f = r->facts;

	if (r->d.refuse)
		return NULL;
	if (f.backing == KVM_MEMATTR_MMIO && memattr_model_cacheable(r->eff.type))
		return "host-mmio-never-cacheable";
	if (f.nc_dma && guest_uncached(r->guest) &&
	    memattr_model_cacheable(r->eff.type))
		return "uncached-request-honored-with-noncoherent-dma";
	return NULL;
}

/* Where 6.12.117 is safe, the default policy must do exactly what it did. */
static const char *check_preserves_6_12(const struct memattr_row *r)
{
	struct kvm_memattr_decision old;
	const union kvm_memattr_facts f = r->facts;

	switch (r->arch) {
	case KVM_MEMATTR_ARM64_S2:
		/*
		 * 6.12 maps cacheable device memory Device, a bad alias, and
		 * knows no memory intolerant of aliases.
		 */
		if (f.backing == KVM_MEMATTR_MMIO &&
		    (f.host == KVM_MEMATTR_HOST_WB || f.exact))
			return NULL;
		break;
	case KVM_MEMATTR_X86_EPT:
		/* Facts 6.12 cannot reach, and the opt-in policy. */
		if ((!f.ignore_guest_pat && !f.self_snoop) ||
		    (f.honor_guest_mtrr && f.nc_dma))
			return NULL;
		break;
	case KVM_MEMATTR_X86_NPT:
		/* 6.12 trusts the host MTRR to keep MMIO uncached. */
		if (f.backing == KVM_MEMATTR_MMIO)
			return NULL;
		break;
	}
	old = memattr_upstream_6_12.resolve[r->arch](f);
	return same_decision(old, r->d) ? NULL : "default-policy-matches-6.12.117";
}

const char *memattr_check_safety(const struct memattr_row *r)
{
	if (r->d.refuse) {
		if (r->d.type != KVM_MEMTYPE_NR)
			return "refusal-carries-no-type";
	} else {
		if (r->d.type >= KVM_MEMTYPE_NR || r->enc_err == -EINVAL)
			return "every-decision-is-encodable";
		if (r->enc_err)
			return "encoding-round-trips";
		if (r->eff_err)
			return "encoding-is-architecturally-valid";
	}

	return r->arch == KVM_MEMATTR_ARM64_S2 ? check_s2(r) : check_x86(r);
}

const char *memattr_check_row(const struct memattr_row *r)
{
	const char *bad = memattr_check_safety(r);

	if (bad || r->provider == MEMATTR_PROVIDER_VFIO)
		return bad;
	return check_preserves_6_12(r);
}

static const char *bit_str(unsigned int v)
{
	return v ? "1" : "0";
}

/* Append to @buf without ever writing past @len, like scnprintf(). */
static __printf(4, 5) void append(char *buf, int len, int *n,
				  const char *fmt, ...)
{
	va_list args;
	int w;

	if (*n >= len - 1)
		return;
	va_start(args, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, args);
	va_end(args);
	*n += w < len - *n ? w : len - 1 - *n;
}

int memattr_row_format(char *buf, int len, const struct memattr_row *r)
{
	const union kvm_memattr_facts f = r->facts;
	int n = 0;

	append(buf, len, &n, "%s backing=%s guest=%s",
	       memattr_ops(r->arch) ? memattr_ops(r->arch)->name : "?",
	       f.backing ? "mmio" : "ram",
	       kvm_memtype_name(r->arch, r->guest));
	if (r->arch == KVM_MEMATTR_ARM64_S2) {
		append(buf, len, &n,
		       " fwb=%s dic=%s mte=%s exec=%s host=%u nc_allowed=%s exact=%s",
		       bit_str(f.fwb), bit_str(f.dic), bit_str(f.mte),
		       bit_str(f.exec), f.host, bit_str(f.nc_allowed),
		       bit_str(f.exact));
		if (r->provider == MEMATTR_PROVIDER_VFIO)
			append(buf, len, &n,
			       " bar:prefetchable=%s tolerance=%u override=%s contained=%s class=%s",
			       bit_str(r->bar.prefetchable), r->bar.tolerance,
			       kvm_memattr_override_name(r->bar.override),
			       bit_str(r->bar.contained),
			       kvm_memattr_class_name(r->class.class));
	} else if (r->arch == KVM_MEMATTR_X86_EPT) {
		append(buf, len, &n,
		       " self_snoop=%s ignore_guest_pat=%s nc_dma=%s honor_guest_mtrr=%s cr0_cd=%s cd_nw_cleared=%s guest_mtrr=%s",
		       bit_str(f.self_snoop), bit_str(f.ignore_guest_pat),
		       bit_str(f.nc_dma), bit_str(f.honor_guest_mtrr),
		       bit_str(f.cr0_cd), bit_str(f.cd_nw_cleared),
		       kvm_memtype_name(r->arch, f.guest_mtrr));
	} else {
		append(buf, len, &n, " host_mtrr=%s cr0_cd=%s cd_nw_cleared=%s",
		       kvm_memtype_name(r->arch, f.host_mtrr),
		       bit_str(f.cr0_cd), bit_str(f.cd_nw_cleared));
	}
	append(buf, len, &n,
	       " -> type=%s flags=%#x reason=%s refuse=%d enc_err=%d eff=%s",
	       kvm_memtype_name(r->arch, r->d.type), r->d.flags,
	       kvm_memattr_reason_name(r->d.reason), r->d.refuse,
	       r->enc_err, kvm_memtype_name(r->arch, r->eff.type));
	return n;
}
