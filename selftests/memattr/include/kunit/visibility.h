/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __MEMATTR_SHIM_KUNIT_VISIBILITY_H
#define __MEMATTR_SHIM_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#endif
