/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __MEMATTR_SHIM_LINUX_EXPORT_H
#define __MEMATTR_SHIM_LINUX_EXPORT_H

#define EXPORT_SYMBOL_GPL(sym)

#endif
