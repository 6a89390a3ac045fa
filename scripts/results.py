#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn test output into per-test results and counts.

  results.py console LOG LABEL [--expect-devices N] [--no-kunit]
      a QEMU console log: KUnit KTAP (unless the boot disabled KUnit),
      the /init framing of each program (@@memattr begin/end), kselftest
      TAP inside it, kernel splats
  results.py tap LOG LABEL
      one TAP stream from a host program

Prints one line per test ("PASS|FAIL|SKIP label: name [detail]") and, last,
"COUNTS passed failed skipped". A program that crashed, hung or printed no
result counts as failed, never as passed.
"""
import re
import sys

SPLATS = re.compile(r"(WARNING: CPU: \d+ PID|BUG: |Oops|Kernel panic|"
                    r"Unable to handle kernel|INFO: task .* blocked|"
                    r"possible circular locking|inconsistent lock state|"
                    r"WARNING: (?:possible|suspicious|bad unlock balance|"
                    r"held lock freed|lock held when)|"
                    r"sleeping function called from invalid context|"
                    r"UBSAN:|KASAN:)")
TAP_LINE = re.compile(r"^\s*(not ok|ok) \d+ (?:- )?(.*?)(?:\s+# (SKIP|skip|TODO)\b.*)?$")
TOTALS = re.compile(r"# Totals: pass:(\d+) fail:(\d+)(?: xfail:(\d+) xpass:(\d+))? skip:(\d+)(?: error:(\d+))?")


class Counter:
    def __init__(self, label):
        self.label = label
        self.n = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def add(self, status, name, detail=""):
        self.n[status] += 1
        print("%s %s: %s%s" % (status, self.label, name,
                               " (" + detail + ")" if detail else ""))

    def finish(self):
        print("COUNTS %d %d %d" % (self.n["PASS"], self.n["FAIL"], self.n["SKIP"]))
        return 1 if self.n["FAIL"] else 0


def tap_results(lines, c, prefix=""):
    """Count the leaf TAP results of @lines; returns True if any were found."""
    found = False
    for line in lines:
        m = TAP_LINE.match(line)
        if not m or line.startswith("    ") and not prefix == "ktap":
            continue
        found = True
        name = prefix + m.group(2).strip()
        if m.group(3):
            c.add("SKIP", name)
        elif m.group(1) == "ok":
            c.add("PASS", name)
        else:
            c.add("FAIL", name)
    return found


def ktap_leaves(lines):
    """Leaf results of a KTAP document: results with no subtests inside."""
    out = []
    stack = []          # indentation of open subtests
    pending = []        # (indent, line)
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        m = TAP_LINE.match(line)
        if not m:
            continue
        pending.append((indent, m))
    # A result is a leaf unless deeper results directly precede it.
    for i, (indent, m) in enumerate(pending):
        if i and pending[i - 1][0] > indent:
            continue
        out.append(m)
    return out


def kunit_results(ktap, c):
    """Count the KUnit leaves of the KTAP lines @ktap."""
    totals = [TOTALS.search(l) for l in ktap]
    totals = [t for t in totals if t]
    leaves = ktap_leaves([l for l in ktap if TAP_LINE.match(l)])
    # The last line of a KTAP document is the suite; leaves exclude suites.
    if not totals:
        c.add("FAIL", "kunit", "no KTAP totals: the kernel did not run KUnit")
    else:
        for m in leaves:
            name = "kunit: " + m.group(2).strip()
            if m.group(3):
                c.add("SKIP", name)
            elif m.group(1) == "ok":
                c.add("PASS", name)
            else:
                c.add("FAIL", name)


def splat_check(lines, c):
    splats = [l.strip() for l in lines if SPLATS.search(l)]
    c.add("FAIL" if splats else "PASS", "kernel log free of warnings and oopses",
          splats[0][:120] if splats else "")


def read_console(path):
    return open(path, errors="replace").read().replace("\r", "").split("\n")


def console(path, label, expect_devices, kunit=True):
    c = Counter(label)
    lines = read_console(path)

    # KUnit: the KTAP document printed before /init runs.
    try:
        init_at = next(i for i, l in enumerate(lines) if "@@memattr init" in l)
    except StopIteration:
        init_at = len(lines)
    if kunit:
        kunit_results(lines[:init_at], c)

    # Devices bound to vfio-pci by /init.
    bound = 0
    for l in lines[init_at:]:
        m = re.search(r"@@memattr device (\S+) bdf=(\S+) driver=(\S+)(.*)", l)
        if m:
            ok = m.group(3) == "vfio-pci" and not m.group(4).strip()
            c.add("PASS" if ok else "FAIL", "device %s bound to vfio-pci" % m.group(1),
                  "" if ok else "driver=%s%s" % (m.group(3), m.group(4)))
            bound += ok
    if expect_devices and bound < expect_devices:
        c.add("FAIL", "devices", "%d of %d emulated devices found" % (bound, expect_devices))

    # Programs framed by /init.
    cur, body = None, []
    for l in lines[init_at:]:
        m = re.search(r"@@memattr begin (\S+)", l)
        if m:
            cur, body = m.group(1), []
            continue
        m = re.search(r"@@memattr end (\S+) rc=(\S+)", l)
        if m and cur:
            rc = m.group(2)
            totals = [TOTALS.search(b) for b in body]
            totals = [t for t in totals if t]
            if totals:
                sub = Counter(label + " " + cur)
                tap_results(body, sub)
                for k in sub.n:
                    c.n[k] += sub.n[k]
                if rc != "0" and not sub.n["FAIL"]:
                    c.add("FAIL", cur, "exit status %s" % rc)
            elif rc == "0":
                c.add("PASS", cur)
            elif rc == "4":
                c.add("SKIP", cur, "exit status 4")
            else:
                c.add("FAIL", cur, "exit status %s" % rc)
            cur = None
            continue
        if cur:
            body.append(l)
    if cur:
        c.add("FAIL", cur, "no end marker: the guest died while it ran")

    splat_check(lines, c)
    done = any("@@memattr done" in l for l in lines)
    c.add("PASS" if done else "FAIL", "guest ran to completion",
          "" if done else "no completion marker: panic, hang or timeout")
    return c.finish()


def tap(path, label):
    c = Counter(label)
    lines = open(path, errors="replace").read().split("\n")
    if not tap_results(lines, c):
        c.add("FAIL", "output", "no TAP results")
    return c.finish()


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "console":
        n = 0
        if "--expect-devices" in a:
            n = int(a[a.index("--expect-devices") + 1])
        sys.exit(console(a[1], a[2], n, "--no-kunit" not in a))
    if len(a) == 3 and a[0] == "tap":
        sys.exit(tap(a[1], a[2]))
    sys.stderr.write(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main()
