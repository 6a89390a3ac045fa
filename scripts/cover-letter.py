#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fill git format-patch's cover letter from patches/cover-letter.

  cover-letter.py OUT/0000-cover-letter.patch patches/cover-letter

The first line of patches/cover-letter is the subject, the rest the blurb.
"""
import sys

cover, src = sys.argv[1:3]
lines = open(src).read().split("\n")
subject, blurb = lines[0].strip(), "\n".join(lines[1:]).strip("\n")
text = open(cover).read()
if "*** SUBJECT HERE ***" not in text or "*** BLURB HERE ***" not in text:
    sys.exit("cover-letter.py: %s has no placeholders" % cover)
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", blurb)
open(cover, "w").write(text)
