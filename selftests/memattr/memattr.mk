# SPDX-License-Identifier: GPL-2.0
#
# Sources and flags for userspace builds of the memory-attribute core: the
# same .c files the kernel builds, compiled against the shims in include/
# next to this file. Included by the Makefile next to it and by
# tools/memattr/Makefile; the includer sets MEMATTR_TOP, the top of the
# kernel tree.

MEMATTR_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

MEMATTR_CORE_SRCS := $(MEMATTR_TOP)/virt/kvm/memattr.c \
		     $(MEMATTR_TOP)/arch/arm64/kvm/memattr_s2.c \
		     $(MEMATTR_TOP)/arch/x86/kvm/mmu/memattr_ept.c \
		     $(MEMATTR_TOP)/arch/x86/kvm/mmu/memattr_npt.c \
		     $(MEMATTR_TOP)/arch/x86/kvm/memattr_mtrr.c
MEMATTR_TEST_SRCS := $(MEMATTR_TOP)/virt/kvm/tests/memattr_model.c \
		     $(MEMATTR_TOP)/virt/kvm/tests/memattr_sweep.c \
		     $(MEMATTR_TOP)/arch/x86/kvm/tests/memattr_x86_check.c
MEMATTR_HDRS := $(wildcard $(MEMATTR_TOP)/include/linux/kvm_memattr.h \
		$(MEMATTR_TOP)/virt/kvm/tests/*.h \
		$(MEMATTR_TOP)/arch/x86/kvm/memattr_mtrr.h \
		$(MEMATTR_TOP)/arch/x86/kvm/tests/*.h \
		$(MEMATTR_DIR)/include/*.h $(MEMATTR_DIR)/include/linux/*.h)

MEMATTR_CPPFLAGS := -I$(MEMATTR_DIR)/include \
		    -I$(MEMATTR_TOP)/include -I$(MEMATTR_TOP)/virt/kvm/tests \
		    -I$(MEMATTR_TOP)/arch/x86/kvm/tests \
		    -DMEMATTR_HAVE_S2 -DMEMATTR_HAVE_X86 \
		    -include $(MEMATTR_DIR)/include/shim.h
MEMATTR_WARN := -Wall -Wextra -Werror -Wno-unused-parameter \
		-Wno-missing-field-initializers
