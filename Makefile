# SPDX-License-Identifier: GPL-2.0
#
# memattr workbench. Everything it builds goes to out/; see README.md.
#
#   make            the comparison tool, out/bin/memattr
#   make check      every test; the last line is "N passed, N failed, N skipped"
#   make demo       boot the patched kernel and show each BAR's stage-2 type
#   make bench      decision cost (instructions) and MTRR zap cost
#   make series     out/series/*.patch, the kernel patch series
#   make check-bisect  build every commit of the series alone (arm64, x86_64)
#
# Both check and demo install the Debian packages they need (scripts/deps.sh).

SHELL	:= /bin/bash
TOP	:= $(CURDIR)
OUT	:= $(TOP)/out

export TOP OUT

.PHONY: all tool deps tree kernel kernel-x86 modules guest series \
	check check-lockdep check-bisect demo bench clean help

all: tool

tool:
	@$(MAKE) -s -C tools/memattr O=$(OUT)/bin

deps:
	@scripts/deps.sh

tree: deps
	@scripts/kernel-tree.sh

kernel: tree
	@scripts/build.sh arm64

kernel-x86: tree
	@scripts/build.sh x86_64

modules: kernel
	@scripts/build.sh modules

guest: kernel
	@scripts/build.sh guest

series: tree
	@scripts/build.sh series

check:
	@scripts/check.sh

check-lockdep:
	@MEMATTR_DEBUG=lockdep scripts/check.sh --qemu-only

check-bisect:
	@scripts/bisect.sh

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

clean:
	rm -rf $(OUT)

help:
	@sed -n '3,13p' Makefile
