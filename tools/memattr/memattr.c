// SPDX-License-Identifier: GPL-2.0
/*
 * memattr - what memory type each architecture's KVM gives a guest
 * mapping, under this policy and under upstream kernels' policies.
 *
 *   memattr explain KEY=VALUE...   one scenario, every format
 *   memattr compare                curated scenarios side by side
 *   memattr sweep --json           every input combination, JSON lines
 *
 * The decisions come from the kernel's own virt/kvm/memattr.c and the
 * backends, compiled unchanged; the effective types from the architecture
 * models in virt/kvm/tests/memattr_model.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/kvm_memattr.h>

#include "memattr_cases.h"
#include "memattr_model.h"
#include "memattr_sweep.h"

#define EXIT_USAGE	2

static const char *prog = "memattr";

static __printf(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(EXIT_USAGE);
}

static const struct memattr_upstream *const upstreams[] = {
	&memattr_upstream_6_12,
	&memattr_upstream_6_6,
};

static const char *errno_name(int err)
{
	switch (err) {
	case EINVAL:		return "EINVAL";
	case ENOEXEC:		return "ENOEXEC";
	case EOPNOTSUPP:	return "EOPNOTSUPP";
	case EFAULT:		return "EFAULT";
	case EPERM:		return "EPERM";
	default:		return "E?";
	}
}

/* ---- keys ---------------------------------------------------------------- */

#define A_S2	BIT(KVM_MEMATTR_ARM64_S2)
#define A_EPT	BIT(KVM_MEMATTR_X86_EPT)
#define A_NPT	BIT(KVM_MEMATTR_X86_NPT)
#define A_X86	(A_EPT | A_NPT)
#define A_ALL	(A_S2 | A_X86)

enum key_id {
	K_ARCH, K_BACKING, K_GUEST, K_PROVIDER, K_HOST, K_NC_ALLOWED, K_EXACT,
	K_PREFETCHABLE, K_TOLERANCE, K_OVERRIDE, K_CONTAINED, K_FWB, K_DIC,
	K_MTE, K_EXEC, K_SELF_SNOOP, K_IGNORE_GUEST_PAT, K_NC_DMA,
	K_HONOR_GUEST_MTRR, K_CR0_CD, K_CD_NW_CLEARED, K_GUEST_MTRR,
	K_HOST_MTRR, K_NR,
};

static const char *const v_bool[] = { "0", "1", NULL };
static const char *const v_arch[] = { "arm64", "x86-ept", "x86-npt", "all",
				      NULL };
static const char *const v_backing[] = { "ram", "mmio", NULL };
static const char *const v_provider[] = { "kernel", "vfio", "other", NULL };
static const char *const v_host[] = { "device", "nc", "wb", "device-ngnrne",
				      NULL };
static const char *const v_tolerance[] = { "default", "tolerant",
					   "intolerant", "mismatch-intolerant",
					   NULL };
static const char *const v_override[] = { "auto", "device", "normal-nc",
					  "device-exact", NULL };
static const char *const v_mtrr[] = { "UC", "WC", "WT", "WP", "WB", NULL };
static const u8 mtrr_types[] = { KVM_MEMTYPE_UC, KVM_MEMTYPE_WC,
				 KVM_MEMTYPE_WT, KVM_MEMTYPE_WP,
				 KVM_MEMTYPE_WB };

static const struct key {
	const char *name;
	u8 arches;
	const char *const *values;	/* NULL: a guest memory type */
	const char *help;
} keys[K_NR] = {
	[K_ARCH] = { "arch", A_ALL, v_arch,
		"formats to show (default all)" },
	[K_BACKING] = { "backing", A_ALL, v_backing,
		"kernel RAM or device memory (default mmio if a device key is set)" },
	[K_GUEST] = { "guest", A_ALL, NULL,
		"the guest's own memory type, TYPE below (default WB)" },
	[K_PROVIDER] = { "provider", A_S2, v_provider,
		"arm64 device memory from a vfio-pci BAR (classified) or another PFNMAP" },
	[K_HOST] = { "host", A_S2, v_host,
		"cacheability of the host's own mapping (provider=other)" },
	[K_NC_ALLOWED] = { "nc_allowed", A_S2, v_bool,
		"VM_ALLOW_ANY_UNCACHED on the host mapping (provider=other)" },
	[K_EXACT] = { "exact", A_S2, v_bool,
		"VM_EXACT_MEMTYPE on the host mapping (provider=other)" },
	[K_PREFETCHABLE] = { "prefetchable", A_ALL, v_bool,
		"the BAR is prefetchable (provider=vfio)" },
	[K_TOLERANCE] = { "tolerance", A_ALL, v_tolerance,
		"quirk-table entry for the device (provider=vfio)" },
	[K_OVERRIDE] = { "override", A_ALL, v_override,
		"administrator's sysfs override of the BAR (provider=vfio)" },
	[K_CONTAINED] = { "contained", A_ALL, v_bool,
		"platform guarantees containment of Normal-NC faults (default 1)" },
	[K_FWB] = { "fwb", A_S2, v_bool, "FEAT_S2FWB (default 1)" },
	[K_DIC] = { "dic", A_S2, v_bool, "CTR_EL0.DIC (default 1)" },
	[K_MTE] = { "mte", A_S2, v_bool, "the VM uses MTE (default 0)" },
	[K_EXEC] = { "exec", A_S2, v_bool, "the access is an instruction fetch" },
	[K_SELF_SNOOP] = { "self_snoop", A_EPT, v_bool,
		"X86_FEATURE_SELFSNOOP (default 1)" },
	[K_IGNORE_GUEST_PAT] = { "ignore_guest_pat", A_EPT, v_bool,
		"KVM_X86_QUIRK_IGNORE_GUEST_PAT in effect (default 1)" },
	[K_NC_DMA] = { "nc_dma", A_EPT, v_bool,
		"the VM has a device doing non-coherent DMA" },
	[K_HONOR_GUEST_MTRR] = { "honor_guest_mtrr", A_EPT, v_bool,
		"the VM opted in to honoring guest MTRRs" },
	[K_CR0_CD] = { "cr0_cd", A_X86, v_bool, "the vCPU has CR0.CD set" },
	[K_CD_NW_CLEARED] = { "cd_nw_cleared", A_X86, v_bool,
		"KVM_X86_QUIRK_CD_NW_CLEARED in effect (default 1)" },
	[K_GUEST_MTRR] = { "guest_mtrr", A_EPT, v_mtrr,
		"guest MTRR type of the page (default WB)" },
	[K_HOST_MTRR] = { "host_mtrr", A_NPT, v_mtrr,
		"host MTRR type of the page (default WB for ram, UC for mmio)" },
};

struct scenario {
	int v[K_NR];		/* value index, or -1 when not given */
	int guest;		/* &enum kvm_memtype as given */
};

static int find_value(const char *const *values, const char *s)
{
	int i;

	for (i = 0; values[i]; i++)
		if (!strcmp(values[i], s))
			return i;
	return -1;
}

static int parse_guest(const char *s)
{
	int t;

	for (t = 0; t < KVM_MEMTYPE_NR; t++) {
		if (!strcmp(kvm_memtype_name(KVM_MEMATTR_ARM64_S2, t), s) ||
		    !strcmp(kvm_memtype_name(KVM_MEMATTR_X86_EPT, t), s))
			return t;
	}
	return -1;
}

/* A guest request carried across to the other architecture family. */
static u8 guest_for(enum kvm_memattr_arch arch, u8 t)
{
	if (arch == KVM_MEMATTR_ARM64_S2) {
		switch (t) {
		case KVM_MEMTYPE_UC:		return KVM_MEMTYPE_DEVICE_nGnRnE;
		case KVM_MEMTYPE_UC_MINUS:	return KVM_MEMTYPE_DEVICE_nGnRE;
		case KVM_MEMTYPE_WP:		return KVM_MEMTYPE_WT;
		default:			return t;
		}
	}
	switch (t) {
	case KVM_MEMTYPE_DEVICE_nGnRnE:	return KVM_MEMTYPE_UC;
	case KVM_MEMTYPE_DEVICE_nGnRE:
	case KVM_MEMTYPE_DEVICE_nGRE:
	case KVM_MEMTYPE_DEVICE_GRE:	return KVM_MEMTYPE_UC_MINUS;
	default:			return t;
	}
}

static bool given(const struct scenario *s, enum key_id k)
{
	return s->v[k] >= 0;
}

static int get(const struct scenario *s, enum key_id k, int def)
{
	return given(s, k) ? s->v[k] : def;
}

static const enum key_id bar_keys[] = {
	K_PREFETCHABLE, K_TOLERANCE, K_OVERRIDE,
};

static const enum key_id other_keys[] = { K_HOST, K_NC_ALLOWED, K_EXACT };

static void parse_scenario(struct scenario *s, int argc, char **argv)
{
	unsigned int i;
	int a, k, arches;

	for (k = 0; k < K_NR; k++)
		s->v[k] = -1;
	s->guest = KVM_MEMTYPE_WB;

	for (a = 0; a < argc; a++) {
		char *eq = strchr(argv[a], '=');

		if (!eq || eq == argv[a])
			die("expected KEY=VALUE, got '%s' (see %s --help)",
			    argv[a], prog);
		*eq = 0;
		for (k = 0; k < K_NR; k++)
			if (!strcmp(keys[k].name, argv[a]))
				break;
		if (k == K_NR)
			die("unknown key '%s' (see %s --help)", argv[a], prog);
		if (given(s, k))
			die("key '%s' given twice", keys[k].name);
		if (keys[k].values) {
			s->v[k] = find_value(keys[k].values, eq + 1);
			if (s->v[k] < 0)
				die("bad value '%s' for key '%s'", eq + 1,
				    keys[k].name);
		} else {
			s->guest = parse_guest(eq + 1);
			if (s->guest < 0)
				die("bad value '%s' for key 'guest'", eq + 1);
			s->v[k] = 0;
		}
	}

	/* Which formats, and do the keys apply to them? */
	arches = get(s, K_ARCH, 3) == 3 ? A_ALL : BIT(s->v[K_ARCH]);
	for (k = 0; k < K_NR; k++)
		if (given(s, k) && !(keys[k].arches & arches))
			die("conflicting facts: key '%s' does not apply to arch=%s",
			    keys[k].name, v_arch[s->v[K_ARCH]]);

	/* Device keys imply device memory and a provider. */
	if (!given(s, K_BACKING)) {
		s->v[K_BACKING] = KVM_MEMATTR_RAM;
		for (k = K_PROVIDER; k <= K_CONTAINED; k++)
			if (given(s, k) && k != K_CONTAINED)
				s->v[K_BACKING] = KVM_MEMATTR_MMIO;
	}
	if (s->v[K_BACKING] == KVM_MEMATTR_RAM) {
		for (k = K_PROVIDER; k < K_CONTAINED; k++)
			if (given(s, k))
				die("conflicting facts: '%s' is a device key but backing=ram",
				    keys[k].name);
	} else if (!given(s, K_PROVIDER)) {
		s->v[K_PROVIDER] = MEMATTR_PROVIDER_VFIO;
		for (i = 0; i < ARRAY_SIZE(other_keys); i++)
			if (given(s, other_keys[i]))
				s->v[K_PROVIDER] = MEMATTR_PROVIDER_OTHER;
	}
	if (get(s, K_PROVIDER, -1) == MEMATTR_PROVIDER_KERNEL)
		die("conflicting facts: provider=kernel is kernel RAM; use backing=ram");
	for (i = 0; i < ARRAY_SIZE(bar_keys); i++)
		if (given(s, bar_keys[i]) &&
		    get(s, K_PROVIDER, -1) == MEMATTR_PROVIDER_OTHER)
			die("conflicting facts: '%s' is a BAR key but provider=other",
			    keys[bar_keys[i]].name);
	for (i = 0; i < ARRAY_SIZE(other_keys); i++)
		if (given(s, other_keys[i]) &&
		    get(s, K_PROVIDER, -1) == MEMATTR_PROVIDER_VFIO)
			die("conflicting facts: the BAR's class sets '%s' (provider=vfio)",
			    keys[other_keys[i]].name);
	if (get(s, K_IGNORE_GUEST_PAT, 1) == 0 && get(s, K_SELF_SNOOP, 1) == 0)
		/* KVM keeps the quirk on CPUs without self-snoop. */
		die("conflicting facts: ignore_guest_pat=0 needs self_snoop=1");
	if (given(s, K_HONOR_GUEST_MTRR) && s->v[K_HONOR_GUEST_MTRR] &&
	    !get(s, K_NC_DMA, 0))
		fprintf(stderr, "%s: note: honor_guest_mtrr only matters with nc_dma=1\n",
			prog);
}

/* Build the row one format sees for the scenario. */
static void scenario_row(const struct scenario *s, enum kvm_memattr_arch arch,
			 struct memattr_row *row)
{
	bool mmio = s->v[K_BACKING] == KVM_MEMATTR_MMIO;

	*row = (struct memattr_row) { .arch = arch };
	row->guest = guest_for(arch, s->guest);
	row->facts.backing = s->v[K_BACKING];
	if (arch == KVM_MEMATTR_ARM64_S2) {
		row->facts.fwb = get(s, K_FWB, 1);
		row->facts.dic = get(s, K_DIC, 1);
		row->facts.mte = get(s, K_MTE, 0);
		row->facts.exec = get(s, K_EXEC, 0);
		row->facts.host = KVM_MEMATTR_HOST_WB;
		if (mmio) {
			row->provider = s->v[K_PROVIDER];
			row->facts.host = get(s, K_HOST, KVM_MEMATTR_HOST_DEVICE);
			row->facts.nc_allowed = get(s, K_NC_ALLOWED, 0);
			row->facts.exact = get(s, K_EXACT, 0);
		}
	} else {
		row->facts.self_snoop = get(s, K_SELF_SNOOP, 1);
		row->facts.ignore_guest_pat = get(s, K_IGNORE_GUEST_PAT, 1);
		row->facts.nc_dma = get(s, K_NC_DMA, 0);
		row->facts.honor_guest_mtrr = get(s, K_HONOR_GUEST_MTRR, 0);
		row->facts.cr0_cd = get(s, K_CR0_CD, 0);
		row->facts.cd_nw_cleared = get(s, K_CD_NW_CLEARED, 1);
		row->facts.guest_mtrr = mtrr_types[get(s, K_GUEST_MTRR, 4)];
		row->facts.host_mtrr = mtrr_types[get(s, K_HOST_MTRR,
						      mmio ? 0 : 4)];
		/* x86 classifies BARs too; EPT and NPT ignore the class. */
		if (mmio && given(s, K_OVERRIDE))
			row->provider = MEMATTR_PROVIDER_VFIO;
	}
	row->bar = (struct kvm_memattr_bar_facts) {
		.prefetchable = get(s, K_PREFETCHABLE, 0),
		.tolerance = get(s, K_TOLERANCE, 0),
		.override = get(s, K_OVERRIDE, 0),
		.contained = get(s, K_CONTAINED, 1),
	};
}

/* ---- output -------------------------------------------------------------- */

static const char *type_name(const struct memattr_row *r, u8 type)
{
	return kvm_memtype_name(r->arch, type);
}

static void print_encoding(const struct memattr_row *r)
{
	switch (r->arch) {
	case KVM_MEMATTR_ARM64_S2:
		printf("MemAttr %#x%s, %s", r->enc.s2.memattr,
		       r->facts.fwb ? " (FWB)" : "", r->enc.s2.xn ? "XN" : "X allowed");
		break;
	case KVM_MEMATTR_X86_EPT:
		printf("EPT memtype %u, IPAT %u", r->enc.ept.memtype,
		       r->enc.ept.ipat);
		break;
	case KVM_MEMATTR_X86_NPT:
		printf("host PAT entry %u (%s), host MTRR %s", r->enc.npt.pat_index,
		       type_name(r, r->enc.npt.host_type),
		       type_name(r, r->facts.host_mtrr));
		break;
	}
}

static void print_outcome(const struct memattr_row *r)
{
	if (r->d.refuse) {
		printf("REFUSED (%s)", errno_name(r->d.refuse));
		return;
	}
	printf("%s -> %s%s%s%s", type_name(r, r->d.type), type_name(r, r->eff.type),
	       r->eff.detail ? " (" : "", r->eff.detail ?: "",
	       r->eff.detail ? ")" : "");
}

static int cmd_explain(int argc, char **argv)
{
	struct scenario s;
	unsigned int i;
	int arch;

	parse_scenario(&s, argc, argv);
	for (arch = 0; arch < KVM_MEMATTR_NR_ARCH; arch++) {
		const char *bad;
		struct memattr_row r;

		if (get(&s, K_ARCH, 3) != 3 && s.v[K_ARCH] != arch)
			continue;
		scenario_row(&s, arch, &r);
		memattr_row_eval(&r);

		printf("%-8s guest %s: ", memattr_ops(arch)->name,
		       type_name(&r, r.guest));
		if (r.d.refuse) {
			printf("REFUSED (%s)\n", errno_name(r.d.refuse));
		} else {
			printf("installs %s, effective %s%s%s%s\n",
			       type_name(&r, r.d.type), type_name(&r, r.eff.type),
			       r.eff.detail ? " (" : "", r.eff.detail ?: "",
			       r.eff.detail ? ")" : "");
			printf("         encoding: ");
			print_encoding(&r);
			printf("; guest attributes %s\n",
			       r.d.flags & KVM_MEMATTR_F_COMBINES ?
			       "combine" : "are ignored");
		}
		if (r.provider == MEMATTR_PROVIDER_VFIO && !r.class.refuse)
			printf("         BAR class %s: %s\n",
			       kvm_memattr_class_name(r.class.class),
			       kvm_memattr_reason_text(r.class.reason));
		printf("         reason %s: %s\n", kvm_memattr_reason_name(r.d.reason),
		       kvm_memattr_reason_text(r.d.reason));
		bad = memattr_check_safety(&r);
		if (bad)
			printf("         INVARIANT VIOLATED: %s\n", bad);
		printf("         upstream:");
		for (i = 0; i < ARRAY_SIZE(upstreams); i++) {
			struct memattr_row u;

			scenario_row(&s, arch, &u);
			memattr_row_eval_upstream(&u, upstreams[i]);
			printf("  %s ", upstreams[i]->name);
			print_outcome(&u);
			if (memattr_check_safety(&u))
				printf(" [unsafe: %s]", memattr_check_safety(&u));
		}
		printf("\n");
	}
	return 0;
}

/* Short names keep the comparison table narrow. */
static const char *short_name(const struct memattr_row *r, u8 type)
{
	static const char *const arm64[KVM_MEMTYPE_NR] = {
		[KVM_MEMTYPE_DEVICE_nGnRnE] = "nGnRnE",
		[KVM_MEMTYPE_DEVICE_nGnRE] = "nGnRE",
		[KVM_MEMTYPE_DEVICE_nGRE] = "nGRE",
		[KVM_MEMTYPE_DEVICE_GRE] = "GRE",
		[KVM_MEMTYPE_WC] = "NC", [KVM_MEMTYPE_WT] = "WT",
		[KVM_MEMTYPE_WB] = "WB",
	};

	if (r->arch == KVM_MEMATTR_ARM64_S2)
		return type < KVM_MEMTYPE_NR && arm64[type] ? arm64[type] : "?";
	return type_name(r, type);
}

#define CELL_WIDTH	15

/* Append " <cell>" to @line: installed>effective, or -ERRNO if refused. */
static void cell(char *line, size_t len, const struct memattr_row *r,
		 int *notes, const char **why, int nr_why)
{
	const char *bad = memattr_check_safety(r);
	char buf[32];

	if (r->d.refuse)
		snprintf(buf, sizeof(buf), "-%s", errno_name(r->d.refuse));
	else
		snprintf(buf, sizeof(buf), "%s>%s", short_name(r, r->d.type),
			 short_name(r, r->eff.type));
	if (bad && *notes < nr_why) {
		why[*notes] = bad;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " !%d",
			 ++*notes);
	}
	snprintf(line + strlen(line), len - strlen(line), " %-*s", CELL_WIDTH,
		 buf);
}

static void print_trimmed(char *line)
{
	size_t n = strlen(line);

	while (n && line[n - 1] == ' ')
		line[--n] = 0;
	puts(line);
}

/* One format: this policy, then each upstream kernel's. */
static void compare_table(enum kvm_memattr_arch arch, const char *title)
{
	const char *why[16];
	char line[256];
	unsigned int i, u;
	int notes = 0;

	printf("%s\n", title);
	snprintf(line, sizeof(line), "%-26s %-12s %-*s", "scenario", "guest",
		 CELL_WIDTH, "this policy");
	for (u = 0; u < ARRAY_SIZE(upstreams); u++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 " %-*s", CELL_WIDTH, upstreams[u]->name);
	print_trimmed(line);

	for (i = 0; i < ARRAY_SIZE(memattr_cases); i++) {
		const struct memattr_case *c = &memattr_cases[i];
		struct memattr_row r, x;

		if (!(c->arches & BIT(arch)))
			continue;
		memattr_case_row(c, arch, &r);
		snprintf(line, sizeof(line), "%-26s %-12s", c->name,
			 kvm_memtype_name(arch, r.guest));
		for (u = 0; u <= ARRAY_SIZE(upstreams); u++) {
			x = r;
			if (u == 0)
				memattr_row_eval(&x);
			else
				memattr_row_eval_upstream(&x, upstreams[u - 1]);
			cell(line, sizeof(line), &x, &notes, why, ARRAY_SIZE(why));
		}
		print_trimmed(line);
	}
	for (i = 0; i < (unsigned int)notes; i++)
		printf("  !%u violates %s\n", i + 1, why[i]);
	printf("\n");
}

static int cmd_compare(int argc, char **argv)
{
	unsigned int i;

	if (argc)
		die("compare takes no arguments, got '%s'", argv[0]);

	printf("Cells: installed type > effective type for the guest's request, or the\n"
	       "errno of a refusal. arm64: NC = Normal-NC, nGnRE = Device-nGnRE; a server\n"
	       "CPU (FWB, DIC) unless the scenario says otherwise. x86: a CPU with\n"
	       "self-snoop and KVM's default quirks; CD_NW_CLEARED, on by default on AMD,\n"
	       "cannot be on in an Intel VM and EPT ignores it. !N: an invariant the cell\n"
	       "violates.\n\n");
	compare_table(KVM_MEMATTR_ARM64_S2, "arm64 stage-2");
	compare_table(KVM_MEMATTR_X86_EPT, "x86 EPT (Intel)");
	compare_table(KVM_MEMATTR_X86_NPT,
		      "x86 NPT (AMD, kvm_amd.host_mmio_uc_minus=1)");

	printf("Scenarios:\n");
	for (i = 0; i < ARRAY_SIZE(memattr_cases); i++)
		printf("  %-26s %s\n", memattr_cases[i].name,
		       memattr_cases[i].what);
	return 0;
}

/* ---- sweep --------------------------------------------------------------- */

static const char *jbool(unsigned int v)
{
	return v ? "true" : "false";
}

static int print_json_row(const struct memattr_row *r, void *arg)
{
	const union kvm_memattr_facts f = r->facts;

	printf("{\"arch\":\"%s\",\"backing\":\"%s\",\"guest\":\"%s\"",
	       memattr_ops(r->arch)->name, f.backing ? "mmio" : "ram",
	       kvm_memtype_name(r->arch, r->guest));
	switch (r->arch) {
	case KVM_MEMATTR_ARM64_S2:
		printf(",\"fwb\":%s,\"dic\":%s,\"exec\":%s,\"provider\":\"%s\"",
		       jbool(f.fwb), jbool(f.dic), jbool(f.exec),
		       v_provider[r->provider]);
		if (r->provider == MEMATTR_PROVIDER_VFIO) {
			printf(",\"prefetchable\":%s,\"tolerance\":\"%s\"",
			       jbool(r->bar.prefetchable),
			       v_tolerance[r->bar.tolerance]);
			printf(",\"override\":\"%s\",\"contained\":%s",
			       kvm_memattr_override_name(r->bar.override),
			       jbool(r->bar.contained));
			if (!r->class.refuse)
				printf(",\"class\":\"%s\",\"class_reason\":\"%s\"",
				       kvm_memattr_class_name(r->class.class),
				       kvm_memattr_reason_name(r->class.reason));
		}
		if (!(r->provider == MEMATTR_PROVIDER_VFIO && r->class.refuse))
			printf(",\"host\":\"%s\",\"nc_allowed\":%s",
			       v_host[f.host], jbool(f.nc_allowed));
		break;
	case KVM_MEMATTR_X86_EPT:
		printf(",\"self_snoop\":%s,\"ignore_guest_pat\":%s,\"nc_dma\":%s",
		       jbool(f.self_snoop), jbool(f.ignore_guest_pat),
		       jbool(f.nc_dma));
		printf(",\"honor_guest_mtrr\":%s,\"cr0_cd\":%s,\"cd_nw_cleared\":%s",
		       jbool(f.honor_guest_mtrr), jbool(f.cr0_cd),
		       jbool(f.cd_nw_cleared));
		printf(",\"guest_mtrr\":\"%s\"",
		       kvm_memtype_name(r->arch, f.guest_mtrr));
		break;
	case KVM_MEMATTR_X86_NPT:
		printf(",\"host_mtrr\":\"%s\",\"cr0_cd\":%s,\"cd_nw_cleared\":%s",
		       kvm_memtype_name(r->arch, f.host_mtrr), jbool(f.cr0_cd),
		       jbool(f.cd_nw_cleared));
		break;
	}

	printf(",\"reason\":\"%s\"", kvm_memattr_reason_name(r->d.reason));
	if (r->d.refuse) {
		printf(",\"reject\":\"%s\"}\n", errno_name(r->d.refuse));
		return 0;
	}
	printf(",\"installed\":\"%s\",\"guest_combines\":%s",
	       kvm_memtype_name(r->arch, r->d.type),
	       jbool(r->d.flags & KVM_MEMATTR_F_COMBINES));
	switch (r->arch) {
	case KVM_MEMATTR_ARM64_S2:
		printf(",\"encoding\":{\"memattr\":%u,\"xn\":%s}",
		       r->enc.s2.memattr, jbool(r->enc.s2.xn));
		break;
	case KVM_MEMATTR_X86_EPT:
		printf(",\"encoding\":{\"memtype\":%u,\"ipat\":%s}",
		       r->enc.ept.memtype, jbool(r->enc.ept.ipat));
		break;
	case KVM_MEMATTR_X86_NPT:
		printf(",\"encoding\":{\"host_type\":\"%s\",\"pat_index\":%u}",
		       kvm_memtype_name(r->arch, r->enc.npt.host_type),
		       r->enc.npt.pat_index);
		break;
	}
	printf(",\"effective\":\"%s\"", kvm_memtype_name(r->arch, r->eff.type));
	if (r->eff.detail)
		printf(",\"effective_detail\":\"%s\"", r->eff.detail);
	printf("}\n");
	return 0;
}

static int cmd_sweep(int argc, char **argv)
{
	int a, arch, only = -1;
	bool json = false;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--json")) {
			json = true;
			continue;
		}
		if (!strncmp(argv[a], "--arch=", 7)) {
			int v = find_value(v_arch, argv[a] + 7);

			if (v >= 0) {
				/* "all" follows the formats and means none */
				only = v < KVM_MEMATTR_NR_ARCH ? v : -1;
				continue;
			}
		}
		die("sweep: unknown argument '%s'", argv[a]);
	}
	if (!json)
		die("sweep: only --json output exists; use 'sweep --json'");

	for (arch = 0; arch < KVM_MEMATTR_NR_ARCH; arch++)
		if (only < 0 || only == arch)
			memattr_sweep(arch, print_json_row, NULL);
	return 0;
}

static const char usage_commands[] =
	"usage: %1$s explain KEY=VALUE...   decide one scenario on every format\n"
	"       %1$s compare                curated scenarios, this policy vs upstream\n"
	"       %1$s sweep --json [--arch=arm64|x86-ept|x86-npt|all]\n"
	"           every input combination, one JSON object per line\n"
	"       %1$s --help\n\n"
	"Keys for explain (unset keys take the defaults of a current server):\n";

static const char usage_notes[] =
	"\nTYPE is Device-nGnRnE, Device-nGnRE, Device-nGRE, Device-GRE, Normal-NC,\n"
	"Normal-WT or Normal-WB (arm64), or UC, UC-, WC, WT, WP or WB (x86); a type of\n"
	"the other family is carried across to its nearest equivalent.\n"
	"\nA key that does not apply to the chosen arch, or facts that contradict each\n"
	"other, are an error. Exit status: 0, or 2 for bad usage.\n";

static const char *arches_name(unsigned int arches)
{
	switch (arches) {
	case A_ALL:	return "all";
	case A_S2:	return "arm64";
	case A_EPT:	return "x86-ept";
	case A_NPT:	return "x86-npt";
	default:	return "x86";
	}
}

static void print_usage(FILE *out)
{
	int k, i;

	fprintf(out, usage_commands, prog);
	for (k = 0; k < K_NR; k++) {
		fprintf(out, "  %-22s", keys[k].name);
		if (keys[k].values) {
			for (i = 0; keys[k].values[i]; i++)
				fprintf(out, "%s%s", i ? "|" : "",
					keys[k].values[i]);
		} else {
			fprintf(out, "TYPE");
		}
		fprintf(out, "\n  %17s%s [%s]\n", "", keys[k].help,
			arches_name(keys[k].arches));
	}
	fputs(usage_notes, out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "explain"))
		return cmd_explain(argc - 2, argv + 2);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(argv[1], "sweep"))
		return cmd_sweep(argc - 2, argv + 2);
	die("unknown command '%s' (see %s --help)", argv[1], prog);
}
