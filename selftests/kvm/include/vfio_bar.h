/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for tests that map a vfio-pci device's BARs into a guest and
 * read back what KVM installed at stage 2.
 */
#ifndef SELFTEST_KVM_VFIO_BAR_H
#define SELFTEST_KVM_VFIO_BAR_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm_util.h"

#define VFIO_BAR_MAX	6

struct vfio_bar {
	uint64_t size;		/* 0: no memory BAR */
	uint64_t offset;	/* mmap offset of the region */
	uint64_t phys;		/* host physical address (sysfs resource) */
	bool prefetchable;
	bool mem64;
	bool mmap;		/* the region can be mmap()ed */
};

struct vfio_bar_dev {
	char bdf[16];
	uint16_t vendor, device;
	int container, group, fd;
	struct vfio_bar bar[VFIO_BAR_MAX];
};

/*
 * Find a device bound to vfio-pci whose BAR @index is @size bytes (any size
 * if 0); returns false if there is none.
 */
bool vfio_bar_find(uint16_t vendor, uint16_t device, int index,
		   uint64_t size, char *bdf, size_t len);

/* Open @bdf through a type1 container; asserts on failure. */
void vfio_bar_open(struct vfio_bar_dev *dev, const char *bdf);
void vfio_bar_close(struct vfio_bar_dev *dev);

/*
 * mmap() BAR @index at an address aligned to @align (a power of two), so
 * that block mappings are possible at stage 2. Returns the address.
 */
void *vfio_bar_mmap(struct vfio_bar_dev *dev, int index, uint64_t align);

/*
 * mmap() @len bytes of BAR @index from @offset: at an address @skew bytes
 * past a multiple of @align with MAP_FIXED, or where the kernel places it
 * if @align is 0. Returns the address.
 */
void *vfio_bar_mmap_range(struct vfio_bar_dev *dev, int index,
			  uint64_t offset, uint64_t len, uint64_t align,
			  uint64_t skew);

/* Write @val to the BAR's sysfs attribute @attr of the memattr group. */
int vfio_bar_sysfs_write(const char *bdf, int index, const char *attr,
			 const char *val);
int vfio_bar_sysfs_read(const char *bdf, int index, const char *attr,
			char *buf, size_t len);

/* One line of the VM's stage2_page_tables debugfs file. */
struct s2_range {
	uint64_t start, end;	/* guest physical, end exclusive */
	int level;
	bool valid, read, write, exec, block;
	char memtype[24];	/* "Normal-WB", "Device-nGnRE", ... or "" */
	int memattr;		/* the raw MemAttr[3:0], -1 if not printed */
};

/*
 * Read the stage-2 mapping that covers @gpa. Returns 0, or -ENOENT if the
 * debugfs file is missing, -ERANGE if no line covers @gpa.
 */
int s2_lookup(struct kvm_vm *vm, uint64_t gpa, struct s2_range *r);

/*
 * Whether @vm's stage 2 uses the FEAT_S2FWB encodings, from the raw
 * MemAttr of the RAM leaf at @ram_gpa (mapped before): 0x6 is Normal-WB
 * forced by FWB, 0xf Normal-WB without FWB. Asserts on anything else.
 */
bool s2_fwb(struct kvm_vm *vm, uint64_t ram_gpa);

/* Size of a stage-2 leaf at @level with 4K pages. */
uint64_t s2_level_size(int level);

/* debugfs directory of @vm: /sys/kernel/debug/kvm/<pid>-<fd> */
void vm_debugfs_path(struct kvm_vm *vm, const char *file, char *buf,
		     size_t len);

/* One line of the VM's memattr debugfs file: a PFNMAP VMA in a memslot. */
struct memattr_line {
	uint64_t start, end;	/* guest physical, end exclusive */
	char host[24];		/* the host's memory type of the VMA */
	char flags[24];		/* "nc", "exact", "nc,exact" or "-" */
	char type[24];		/* stage-2 type of device memory, or "refused" */
	char reason[32];
};

/* Leaves of the stage-2 tables over [gpa, gpa + size), by size. */
struct s2_leaves {
	int pages, blocks_2m, blocks_1g;	/* valid 4K, 2M and 1G leaves */
	int invalid;		/* lines of invalid or no entries */
	bool crosses;		/* a leaf reaches outside the range */
};

/* Count them from stage2_page_tables; asserts the file is there. */
struct s2_leaves s2_count_leaves(struct kvm_vm *vm, uint64_t gpa,
				 uint64_t size);

/* Read the memattr line covering @gpa: 0, -ENOENT or -ERANGE. */
int memattr_lookup(struct kvm_vm *vm, uint64_t gpa, struct memattr_line *l);

/* Config space of an open device, through its vfio config region. */
uint16_t vfio_bar_config_read16(struct vfio_bar_dev *dev, int offset);
void vfio_bar_config_write16(struct vfio_bar_dev *dev, int offset,
			     uint16_t val);

/* Write a module parameter; returns 0 or -errno. */
int module_param_write(const char *module, const char *param,
		       const char *val);
int module_param_read(const char *module, const char *param, char *buf,
		      size_t len);

/* Enable or disable the tracepoint @event ("kvm/kvm_memattr_map"). */
int trace_event_enable(const char *event, bool on);
/* Empty the trace buffer. */
void trace_clear(void);
/*
 * Count the trace lines of @event ("kvm_memattr_refuse") that contain
 * every one of the NULL-terminated @needles.
 */
int trace_count(const char *event, const char *const *needles);
/*
 * Stage-2 aborts the guest took at IPAs in [@gpa, @gpa + @size), from the
 * kvm_guest_fault tracepoint (enable it and clear the buffer first).
 */
int trace_guest_faults(uint64_t gpa, uint64_t size);

/* /dev/kmsg opened at its end, to look for what the kernel logs next. */
int kmsg_open(void);
/*
 * Whether a record logged since kmsg_open(), and not yet read, contains one
 * of the NULL-terminated @needles.
 */
bool kmsg_find(int fd, const char *const *needles);

/*
 * Run @vcpu to its next ucall, which must be a SYNC (its first argument
 * in @val, if not NULL) or DONE; a guest assertion fails the test.
 */
int run_to_ucall(struct kvm_vcpu *vcpu, uint64_t *val);

#endif /* SELFTEST_KVM_VFIO_BAR_H */
