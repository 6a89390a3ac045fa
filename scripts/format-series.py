#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the series as the patch series each tree would take, for mailing.

  format-series.py TREE OUTDIR

patches/trees names the trees in order, each with the subject of its first
commit; a tree's series runs from there to the next tree's first commit.
Each is written by git format-patch to OUTDIR/<n>-<tree>/ with a cover
letter filled from patches/cover-<tree> (first line the subject, the rest
the blurb), and with --base, so that a series that needs an earlier one
lists that series' patches as prerequisite-patch-id lines after the
base-commit.
"""
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def die(msg):
    sys.exit("format-series: " + msg)


def git(tree, *args):
    return subprocess.run(["git", "-C", tree] + list(args), check=True,
                          capture_output=True, text=True).stdout


def read_trees():
    trees = []
    for n, line in enumerate(open(os.path.join(TOP, "patches", "trees")), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, subject = line.strip().partition(" ")
        if not subject.strip():
            die("patches/trees:%d: no first subject" % n)
        trees.append((name, subject.strip()))
    return trees


def main():
    if len(sys.argv) != 3:
        die("usage: format-series.py TREE OUTDIR")
    tree, outdir = sys.argv[1:]
    commits = [l.split(" ", 1) for l in
               git(tree, "log", "--reverse", "--format=%H %s", "base..HEAD").splitlines()]
    subjects = [s for _, s in commits]
    trees = read_trees()
    starts = []
    for name, subject in trees:
        if subject not in subjects:
            die("patches/trees: no commit \"%s\" in the series" % subject)
        starts.append(subjects.index(subject))
    if starts[0] != 0 or starts != sorted(set(starts)):
        die("patches/trees: the first subjects must start the series, in order")
    starts.append(len(commits))
    for i, (name, _) in enumerate(trees):
        first, end = starts[i], starts[i + 1]
        rng = "%s..%s" % (commits[first][0] + "^", commits[end - 1][0])
        out = os.path.join(outdir, "%d-%s" % (i + 1, name))
        # The cover letter is from the series' author too, not the tree's
        # committer.
        author, email = git(tree, "log", "-1", "--format=%an%n%ae",
                          commits[first][0]).splitlines()
        git(tree, "-c", "user.name=" + author, "-c", "user.email=" + email,
            "format-patch", "-q", "--cover-letter", "--base=base",
            "-o", out, rng)
        cover_src = os.path.join(TOP, "patches", "cover-" + name)
        lines = open(cover_src).read().split("\n")
        subject, blurb = lines[0].strip(), "\n".join(lines[1:]).strip("\n")
        cover = os.path.join(out, "0000-cover-letter.patch")
        text = open(cover).read()
        if "*** SUBJECT HERE ***" not in text or "*** BLURB HERE ***" not in text:
            die("%s has no placeholders" % cover)
        text = text.replace("*** SUBJECT HERE ***", subject)
        text = text.replace("*** BLURB HERE ***", blurb)
        open(cover, "w").write(text)
        print("%s: %d patches" % (out, end - first))


main()
