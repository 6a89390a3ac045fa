#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the memattr CLI. Prints TAP.

  test_memattr.py PATH-TO-MEMATTR
"""
import json
import os
import subprocess
import sys

TOOL = sys.argv[1]
results = []


def run(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def test(name, ok, detail=""):
    results.append((name, bool(ok), detail))


# --- help and usage ------------------------------------------------------
rc, out, err = run("--help")
keys = ["arch", "backing", "guest", "provider", "host", "nc_allowed", "exact",
        "prefetchable", "tolerance", "override", "contained", "fwb", "dic",
        "mte", "exec", "self_snoop", "ignore_guest_pat", "nc_dma",
        "honor_guest_mtrr", "cr0_cd", "cd_nw_cleared", "guest_mtrr",
        "host_mtrr"]
test("--help exits 0 and documents every key",
     rc == 0 and all("  %s " % k in out for k in keys),
     [k for k in keys if "  %s " % k not in out])

# --- bad input: exit 2, one line naming the problem ----------------------
bad = [
    (("explain", "colour=red"), "'colour'"),
    (("explain", "fwb=2"), "'fwb'"),
    (("explain", "guest=Normal-XX"), "'guest'"),
    (("explain", "fwb"), "KEY=VALUE"),
    (("explain", "fwb=1", "fwb=0"), "'fwb' given twice"),
    (("explain", "backing=ram", "prefetchable=1"), "conflicting facts"),
    (("explain", "provider=other", "override=device"), "conflicting facts"),
    (("explain", "provider=vfio", "host=wb"), "conflicting facts"),
    (("explain", "arch=arm64", "nc_dma=1"), "'nc_dma' does not apply"),
    (("explain", "arch=x86-ept", "fwb=1"), "'fwb' does not apply"),
    (("explain", "ignore_guest_pat=0", "self_snoop=0"), "conflicting facts"),
    (("sweep",), "--json"),
    (("sweep", "--json", "--arch=mips"), "--arch=mips"),
    (("compare", "extra"), "no arguments"),
    (("frobnicate",), "'frobnicate'"),
]
for args, needle in bad:
    rc, out, err = run(*args)
    test("bad input %s: exit 2, error names it" % " ".join(args),
         rc == 2 and needle in err and len(err.strip().split("\n")) == 1
         and not out, "rc=%d err=%r" % (rc, err))
rc, out, err = run()
test("no arguments: exit 2 with usage", rc == 2 and "usage:" in err)

# --- explain --------------------------------------------------------------
rc, out, err = run("explain", "backing=mmio", "prefetchable=1", "guest=Normal-NC")
test("explain prefetchable BAR: arm64 installs Normal-NC",
     rc == 0 and "arm64    guest Normal-NC: installs Normal-NC" in out, out)
test("explain prefetchable BAR: x86 EPT UC, effective WC",
     "x86-ept  guest WC: installs UC, effective WC" in out, out)
rc, out, err = run("explain", "arch=arm64", "backing=mmio", "provider=other",
                   "host=wb", "fwb=0")
test("explain cacheable device memory without FWB is refused",
     rc == 0 and "REFUSED (EINVAL)" in out and "refuse-no-fwb" in out, out)
rc, out, err = run("explain", "arch=x86-ept", "nc_dma=1", "honor_guest_mtrr=1",
                   "cr0_cd=1", "guest=UC")
test("explain CR0.CD=1 with the quirk: guest UC stays UC, 6.6 flagged unsafe",
     rc == 0 and "effective UC" in out and "[unsafe:" in out, out)

# --- compare --------------------------------------------------------------
rc, out, err = run("compare")
lines = out.split("\n")
test("compare exits 0 with a table per format",
     rc == 0 and all(t in out for t in ("arm64 stage-2", "x86 EPT", "x86 NPT")))
# Cells are fixed width: name (26), guest (12), then " " + 15 per cell,
# this policy's first.
ours_bad, table = [], False
for l in lines:
    if l.startswith(("arm64 stage-2", "x86 EPT", "x86 NPT")):
        table = True
    elif not l.strip() or l.startswith("Scenarios"):
        table = False
    elif table and not l.startswith(("scenario", " ")):
        if "!" in l[39:39 + 16]:
            ours_bad.append(l)
test("compare: this policy violates no invariant in any scenario", not ours_bad,
     ours_bad)
test("compare: no line longer than 100 columns, no trailing blank",
     all(len(l) <= 100 and l == l.rstrip() for l in lines), "")
test("compare: 6.12.117 flagged for Normal-NC on a register BAR",
     any(l.startswith("vfio-bar-registers") and "!" in l for l in lines))

# --- sweep ----------------------------------------------------------------
rc, out, err = run("sweep", "--json")
rows, bad_json = [], 0
for l in out.strip().split("\n"):
    try:
        rows.append(json.loads(l))
    except ValueError:
        bad_json += 1
test("sweep --json: every line is a JSON object", rc == 0 and rows and not bad_json)
counts = {}
for r in rows:
    counts[r.get("arch")] = counts.get(r.get("arch"), 0) + 1
test("sweep covers every combination of each backend",
     counts == {"arm64": 9072, "x86-ept": 3840, "x86-npt": 240}, counts)

need = {"arch", "backing", "guest", "reason"}
missing = [r for r in rows if not need <= set(r)]
test("sweep rows carry arch, backing, guest, reason", not missing, missing[:2])
enc_bad = []
for r in rows:
    if "reject" in r:
        if "effective" in r or "encoding" in r:
            enc_bad.append(r)
        continue
    e = r.get("encoding", {})
    if r["arch"] == "arm64":
        ok = "fwb" in r and set(e) == {"memattr", "xn"} and 0 <= e["memattr"] <= 15
    elif r["arch"] == "x86-ept":
        ok = set(e) == {"memtype", "ipat"} and e["memtype"] in (0, 1, 4, 5, 6)
    else:
        ok = set(e) >= {"host_type"} and "host_mtrr" in r
    if not ok or "effective" not in r:
        enc_bad.append(r)
test("sweep encodings have the documented shape", not enc_bad, enc_bad[:2])

vocab = {"arm64": {"Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE",
                   "Normal-NC", "Normal-WT", "Normal-WB"},
         "x86-ept": {"UC", "UC-", "WC", "WT", "WP", "WB"},
         "x86-npt": {"UC", "UC-", "WC", "WT", "WP", "WB"}}
voc_bad = [r for r in rows if r["guest"] not in vocab[r["arch"]] or
           ("effective" in r and r["effective"] not in vocab[r["arch"]])]
test("sweep guest and effective types use each arch's vocabulary", not voc_bad,
     voc_bad[:2])

# A few architectural facts, read off the JSON independently of the tool.
fwb_forced = [r for r in rows if r["arch"] == "arm64" and r["backing"] == "ram"
              and "reject" not in r and r["fwb"]
              and (r["encoding"]["memattr"] != 6 or r["effective"] != "Normal-WB")]
test("sweep: arm64 RAM under FWB is MemAttr 0b0110 and always Normal-WB",
     not fwb_forced, fwb_forced[:2])
mmio_cached = [r for r in rows if r["arch"].startswith("x86") and r["backing"] == "mmio"
               and r.get("effective") in ("WB", "WT", "WP")]
test("sweep: x86 host MMIO is never cacheable", not mmio_cached, mmio_cached[:2])
dev_exec = [r for r in rows if r["arch"] == "arm64" and r["backing"] == "mmio"
            and r.get("host") != "wb" and "reject" not in r and not r["encoding"]["xn"]]
test("sweep: arm64 device memory is always XN", not dev_exec, dev_exec[:2])
rejects = set(r["reject"] for r in rows if "reject" in r)
test("sweep: refusals are errno names", rejects and rejects <= {
    "EINVAL", "ENOEXEC", "EOPNOTSUPP"}, rejects)

# --- the copy of compare in the policy documentation ----------------------
doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "Documentation", "virt", "kvm", "memattr.rst")
text = open(doc).read()
block = text[text.index(".. memattr-compare-begin"):text.index(".. memattr-compare-end")]
block = "\n".join(l[3:] for l in block.split("\n")[4:]).strip("\n")
rc, out, err = run("compare")
test("Documentation/virt/kvm/memattr.rst shows memattr compare's output",
     block == out.strip("\n"), "update the literal block from 'memattr compare'")

print("TAP version 13")
for i, (name, ok, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    if not ok and detail:
        print("# %s" % str(detail)[:400])
print("1..%d" % len(results))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
