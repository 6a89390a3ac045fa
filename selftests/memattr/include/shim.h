/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for what the kernel build force-includes
 * (compiler_attributes.h and friends), so the memory-attribute core and
 * its test code compile unchanged outside the kernel.
 */
#ifndef __MEMATTR_SHIM_H
#define __MEMATTR_SHIM_H

#define fallthrough	__attribute__((__fallthrough__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define noinline	__attribute__((__noinline__))

#endif
