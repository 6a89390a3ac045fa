#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The project's patch series, between the repository and the kernel tree.

  series.py apply  TREE    build the series as commits on TREE's base commit
  series.py export TREE    write TREE's series commits back to the repository
  series.py files          list the repository files the series carries

patches/series lists one commit per entry: a patch file (the commit message
and its changes to existing kernel files), then, indented, the project files
the commit adds, as repository paths. Repository paths map to kernel paths
by MAPPING below. "apply" builds each commit in a private index (no checkout
of the whole tree), then moves TREE to the result with "git reset --hard",
which rewrites only the files that differ, so unchanged files keep their
timestamps and make rebuilds only what changed.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERIES = os.path.join(TOP, "patches", "series")
BRANCH = "memattr"
BASE_REF = "refs/tags/base"
IDENT = ("memattr maintainers", "maintainers@users.noreply.h-seed-63272709.example")
DATE = "2026-11-22T00:00:00+00:00"
MAIL_DATE = "Sun, 22 Nov 2026 00:00:00 +0000"

# Repository prefix -> kernel tree prefix; anything else maps to itself.
MAPPING = [("vfio/", "drivers/vfio/"), ("selftests/", "tools/testing/selftests/")]


def die(msg):
    sys.stderr.write("series: %s\n" % msg)
    sys.exit(1)


def to_kernel(path):
    for repo, kernel in MAPPING:
        if path.startswith(repo):
            return kernel + path[len(repo):]
    return path


def to_repo(path):
    for repo, kernel in MAPPING:
        if path.startswith(kernel):
            return repo + path[len(kernel):]
    return path


def git(tree, *args, env=None, data=None, check=True):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(["git", "-C", tree] + list(args), input=data,
                       capture_output=True, env=e)
    if check and p.returncode:
        die("git %s: %s" % (" ".join(args), p.stderr.decode().strip()))
    return p.stdout.decode()


def read_series():
    entries = []
    for n, line in enumerate(open(SERIES), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            if not entries:
                die("%s:%d: file before any patch" % (SERIES, n))
            path = line.strip()
            if not os.path.isfile(os.path.join(TOP, path)):
                die("%s:%d: no such file %s" % (SERIES, n, path))
            entries[-1][1].append(path)
        else:
            entries.append((line.strip(), []))
    return entries


def split_patch(text):
    """Return (subject, body, diff) of a format-patch style file."""
    head, sep, rest = text.partition("\n\n")
    m = re.search(r"^Subject: (?:\[PATCH[^\]]*\] )?(.*(?:\n .*)*)", head, re.M)
    if not m:
        die("patch without Subject")
    subject = " ".join(l.strip() for l in m.group(1).split("\n"))
    body, _, diff = rest.partition("\n---\n")
    return subject, body.strip("\n"), diff


def fmt_patch(subject, body, diff):
    out = "From: %s <%s>\nDate: %s\nSubject: [PATCH] %s\n\n%s\n" % (
        IDENT[0], IDENT[1], MAIL_DATE, subject, body)
    if "Signed-off-by:" not in body:
        out += "\nSigned-off-by: %s <%s>\n" % IDENT
    return out + "---\n" + diff


def inputs_hash(entries):
    h = hashlib.sha256()
    for patch, files in entries:
        for path in [os.path.join("patches", patch)] + files:
            h.update(path.encode() + b"\0")
            with open(os.path.join(TOP, path), "rb") as f:
                h.update(f.read())
            h.update(b"%o" % (os.stat(os.path.join(TOP, path)).st_mode & 0o111))
    return h.hexdigest()


def apply(tree):
    entries = read_series()
    stamp = os.path.join(tree, ".git", "memattr-series")
    digest = inputs_hash(entries)
    base = git(tree, "rev-parse", BASE_REF).strip()
    head = git(tree, "rev-parse", "-q", "--verify", "refs/heads/" + BRANCH,
               check=False).strip()
    if (head and os.path.exists(stamp) and open(stamp).read() == digest and
            git(tree, "rev-parse", "HEAD").strip() == head and
            not git(tree, "status", "--porcelain", "-uno").strip()):
        return
    if git(tree, "status", "--porcelain", "-uno").strip():
        die("%s has uncommitted changes; export them (series.py export) "
            "or discard them" % tree)

    env = {
        "GIT_AUTHOR_NAME": IDENT[0], "GIT_AUTHOR_EMAIL": IDENT[1],
        "GIT_COMMITTER_NAME": IDENT[0], "GIT_COMMITTER_EMAIL": IDENT[1],
        "GIT_AUTHOR_DATE": DATE, "GIT_COMMITTER_DATE": DATE,
    }
    with tempfile.TemporaryDirectory() as tmp:
        env["GIT_INDEX_FILE"] = os.path.join(tmp, "index")
        git(tree, "read-tree", base, env=env)
        parent = base
        for patch, files in entries:
            text = open(os.path.join(TOP, "patches", patch)).read()
            subject, body, diff = split_patch(text)
            if diff.strip():
                p = subprocess.run(
                    ["git", "-C", tree, "apply", "--cached", "--whitespace=error-all", "-"],
                    input=diff.encode(), capture_output=True,
                    env=dict(os.environ, **env))
                if p.returncode:
                    version = open(os.path.join(tree, ".git", "memattr-base")).read().strip()
                    die("patches/%s does not apply to linux-source %s:\n%s" %
                        (patch, version, p.stderr.decode().strip()))
            for path in files:
                src = os.path.join(TOP, path)
                blob = git(tree, "hash-object", "-w", src).strip()
                mode = "100755" if os.access(src, os.X_OK) else "100644"
                git(tree, "update-index", "--add", "--cacheinfo",
                    "%s,%s,%s" % (mode, blob, to_kernel(path)), env=env)
            new_tree = git(tree, "write-tree", env=env).strip()
            msg = subject + "\n\n" + body + "\n"
            if "Signed-off-by:" not in body:
                msg += "\nSigned-off-by: %s <%s>\n" % IDENT
            parent = git(tree, "commit-tree", new_tree, "-p", parent,
                         env=env, data=msg.encode()).strip()
    git(tree, "update-ref", "refs/heads/" + BRANCH, parent)
    git(tree, "symbolic-ref", "HEAD", "refs/heads/" + BRANCH)
    git(tree, "reset", "-q", "--hard", BRANCH)
    with open(stamp, "w") as f:
        f.write(digest)
    print("series: %d commits on %s" % (len(entries), git(tree, "describe", "--always", "--tags", base).strip()))


def export(tree):
    base = git(tree, "rev-parse", BASE_REF).strip()
    commits = git(tree, "rev-list", "--reverse", base + "..HEAD").split()
    base_files = set(git(tree, "ls-tree", "-r", "--name-only", base).split("\n"))
    old = read_series() if os.path.exists(SERIES) else []
    lines = ["# The patch series, one commit per entry, in order. Generated by",
             "# scripts/series.py export; see that file for the format.", ""]
    seen = set()
    for i, c in enumerate(commits, 1):
        msg = git(tree, "log", "-1", "--format=%B", c)
        subject, _, body = msg.partition("\n")
        body = body.strip("\n")
        changed = git(tree, "diff-tree", "-r", "--no-commit-id", "--name-only",
                      c).split()
        hooks = [f for f in changed if f in base_files]
        added = [f for f in changed if f not in base_files and f not in seen]
        seen.update(added)
        diff = git(tree, "diff", "--no-color", "--full-index", c + "^", c, "--",
                   *hooks) if hooks else ""
        slug = re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-")[:60]
        name = "%04d-%s.patch" % (i, slug)
        for e in old:
            if e[0] != name and e[0].startswith("%04d-" % i):
                os.remove(os.path.join(TOP, "patches", e[0]))
        with open(os.path.join(TOP, "patches", name), "w") as f:
            f.write(fmt_patch(subject, body, diff))
        lines.append(name)
        for path in added:
            repo = to_repo(path)
            dst = os.path.join(TOP, repo)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            data = subprocess.run(["git", "-C", tree, "show", "%s:%s" % (
                commits[-1], path)], capture_output=True).stdout
            with open(dst, "wb") as f:
                f.write(data)
            mode = git(tree, "ls-tree", commits[-1], "--", path).split()[0]
            os.chmod(dst, 0o755 if mode == "100755" else 0o644)
            lines.append("\t" + repo)
        lines.append("")
    with open(SERIES, "w") as f:
        f.write("\n".join(lines))
    for e in old[len(commits):]:
        os.remove(os.path.join(TOP, "patches", e[0]))
    print("series: exported %d commits" % len(commits))


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "files":
        for patch, files in read_series():
            print(os.path.join("patches", patch))
            for f in files:
                print(f)
        return
    if len(sys.argv) != 3 or sys.argv[1] not in ("apply", "export"):
        die("usage: series.py apply|export TREE | series.py files")
    (apply if sys.argv[1] == "apply" else export)(os.path.abspath(sys.argv[2]))


if __name__ == "__main__":
    main()
