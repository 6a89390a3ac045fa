#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the compiler and sparse diagnostics that concern the series' files.

  diagnostics.py KNOWN FILES TREE LOG...

FILES lists the kernel paths the series adds or changes. A diagnostic in
one of them is printed unless KNOWN lists it: KNOWN has one line per
pre-existing upstream diagnostic, "path: message | reason", matched on the
path and on the message text (line numbers move).
"""
import os
import re
import sys

DIAG = re.compile(r"^(\S+?):(\d+):(\d+): (warning|error): (.*)$")


def main():
    known_file, files_file, tree = sys.argv[1:4]
    files = set(l.strip() for l in open(files_file) if l.strip())
    known = []
    if os.path.exists(known_file):
        for line in open(known_file):
            if line.strip() and not line.startswith("#"):
                what = line.split("|")[0].strip()
                path, _, msg = what.partition(": ")
                known.append((path, msg))
    seen = set()
    for log in sys.argv[4:]:
        for line in open(log, errors="replace"):
            m = DIAG.match(line.strip())
            if not m:
                continue
            path = os.path.normpath(m.group(1))
            if path.startswith(tree + "/"):
                path = path[len(tree) + 1:]
            if path not in files:
                continue
            msg = m.group(5)
            if any(path == p and k in msg for p, k in known):
                continue
            key = (path, m.group(2), msg)
            if key not in seen:
                seen.add(key)
                print("%s:%s: %s: %s" % (path, m.group(2), m.group(4), msg))


if __name__ == "__main__":
    main()
