/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __MEMATTR_SHIM_LINUX_BITS_H
#define __MEMATTR_SHIM_LINUX_BITS_H

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))

#endif
