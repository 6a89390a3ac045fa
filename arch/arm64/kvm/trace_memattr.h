/* SPDX-License-Identifier: GPL-2.0 */
#if !defined(_TRACE_ARM64_KVM_MEMATTR_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_ARM64_KVM_MEMATTR_H

#include <linux/kvm_memattr.h>
#include <linux/tracepoint.h>

#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm

/*
 * Every stage-2 mapping of device memory: where, how large, which memory
 * type and why, with the names of kvm_memtype_name() and
 * kvm_memattr_reason_name().
 */
TRACE_EVENT(kvm_memattr_map,
	    TP_PROTO(unsigned long gfn, unsigned long pfn, unsigned long size,
		     u8 type, u8 reason),
	    TP_ARGS(gfn, pfn, size, type, reason),
	    TP_STRUCT__entry(__field(unsigned long, gfn)
			     __field(unsigned long, pfn)
			     __field(unsigned long, size)
			     __field(u8, type)
			     __field(u8, reason)),
	    TP_fast_assign(__entry->gfn = gfn;
			   __entry->pfn = pfn;
			   __entry->size = size;
			   __entry->type = type;
			   __entry->reason = reason;),
	    TP_printk("gfn %#lx pfn %#lx size %#lx type %s reason %s",
		      __entry->gfn, __entry->pfn, __entry->size,
		      __print_symbolic(__entry->type,
				       { KVM_MEMTYPE_DEVICE_nGnRnE, "Device-nGnRnE" },
				       { KVM_MEMTYPE_DEVICE_nGnRE, "Device-nGnRE" },
				       { KVM_MEMTYPE_WC, "Normal-NC" },
				       { KVM_MEMTYPE_WB, "Normal-WB" }),
		      __print_symbolic(__entry->reason,
				       { KVM_MEMATTR_R_RAM_FORCED_WB, "ram-fwb" },
				       { KVM_MEMATTR_R_RAM_WB, "ram" },
				       { KVM_MEMATTR_R_DEV_DEVICE, "device" },
				       { KVM_MEMATTR_R_DEV_NORMAL_NC, "normal-nc" },
				       { KVM_MEMATTR_R_DEV_CACHEABLE, "cacheable" },
				       { KVM_MEMATTR_R_DEV_EXACT, "device-exact" }))
);

/*
 * A stage-2 mapping the policy refused; KVM_RUN fails with EFAULT. The
 * reason is named as kvm_memattr_reason_name() names it.
 */
TRACE_EVENT(kvm_memattr_refuse,
	    TP_PROTO(unsigned long gfn, unsigned long hva, u8 reason),
	    TP_ARGS(gfn, hva, reason),
	    TP_STRUCT__entry(__field(unsigned long, gfn)
			     __field(unsigned long, hva)
			     __field(u8, reason)),
	    TP_fast_assign(__entry->gfn = gfn;
			   __entry->hva = hva;
			   __entry->reason = reason;),
	    TP_printk("gfn %#lx hva %#lx reason %s",
		      __entry->gfn, __entry->hva,
		      __print_symbolic(__entry->reason,
				       { KVM_MEMATTR_R_REFUSE_NO_FWB, "refuse-no-fwb" },
				       { KVM_MEMATTR_R_REFUSE_NO_DIC, "refuse-no-dic" },
				       { KVM_MEMATTR_R_REFUSE_MTE, "refuse-mte" },
				       { KVM_MEMATTR_R_REFUSE_NOT_EXACT, "refuse-not-exact" },
				       { KVM_MEMATTR_R_REFUSE_INCONSISTENT,
					 "refuse-inconsistent" }))
);

#endif /* _TRACE_ARM64_KVM_MEMATTR_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace_memattr

/* This part must be outside protection */
#include <trace/define_trace.h>
