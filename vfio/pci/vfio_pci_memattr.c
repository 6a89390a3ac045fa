// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory attributes of vfio-pci BAR mappings.
 *
 * Each memory BAR gets a class from the memory-attribute core
 * (kvm_memattr_classify_bar()): Device, Normal-NC, or Device-exact for a
 * device that tolerates no alias of another memory type. The class reaches
 * KVM, and any other user of the mapping, through the VMA of the BAR
 * mapping: VM_ALLOW_ANY_UNCACHED for Normal-NC, VM_EXACT_MEMTYPE for
 * Device-exact, nothing for Device. vfio-pci's own kernel mapping of a
 * Device-exact BAR has the type of the userspace one. Administrators see
 * and override the class per BAR in /sys/bus/pci/devices/<bdf>/memattr/.
 */
#include <linux/capability.h>
#include <linux/kvm_memattr.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#include "vfio_pci_priv.h"

/*
 * Normal-NC mappings of device memory can raise errors (external aborts
 * from writes, for example) that only a platform designed for it contains
 * to the offending guest. Upstream vfio-pci assumes such containment on
 * every platform; this makes the assumption a property of the platform,
 * fixed when the module loads (on the kernel command line when built in):
 * a BAR's class must not change while a mapping of it exists.
 */
static bool nc_containment = true;
module_param(nc_containment, bool, 0444);
MODULE_PARM_DESC(nc_containment,
		 "The platform contains errors caused by Normal-NC accesses to PCI BARs (default: Y, as upstream assumes)");

/*
 * Devices whose BARs tolerate Normal-NC, or do not, whatever their
 * prefetchable bit says. Each entry gives its source.
 */
static const struct pci_device_id memattr_quirks[] = {
	/*
	 * IDT Tsi721 PCIe to sRIO bridge: BAR2 and BAR4 are outbound
	 * windows whose accesses become RapidIO transactions to remote
	 * devices; its driver never uses them when they are prefetchable
	 * (drivers/rapidio/devices/tsi721.c).
	 */
	{ PCI_VDEVICE(IDT, 0x80ab), .driver_data = KVM_MEMATTR_TOL_INTOLERANT },
	{}
};

/*
 * Administrator's quirks, memattr_quirks=<vendor>:<device>:<tolerance>,...
 * Set when the module loads, or on the kernel command line when it is built
 * in, and read-only afterwards, like the platform property above. The
 * command line is parsed before the slab allocator is up, so parsing needs
 * no allocation.
 */
#define MEMATTR_MAX_USER_QUIRKS	16
#define MEMATTR_QUIRKS_LEN	(MEMATTR_MAX_USER_QUIRKS * \
				 sizeof("ffff:ffff:mismatch-intolerant,"))

struct memattr_user_quirk {
	u16 vendor, device;
	u8 tolerance;
};

static struct memattr_user_quirk user_quirks[MEMATTR_MAX_USER_QUIRKS];
static unsigned int nr_user_quirks;

static const char * const tolerance_names[KVM_MEMATTR_TOL_NR] = {
	[KVM_MEMATTR_TOL_DEFAULT]	= "default",
	[KVM_MEMATTR_TOL_TOLERANT]	= "tolerant",
	[KVM_MEMATTR_TOL_INTOLERANT]	= "intolerant",
	[KVM_MEMATTR_TOL_MISMATCH_INTOLERANT] = "mismatch-intolerant",
};

/* Parses a copy, so that the caller can still name the entry it refuses. */
static int parse_user_quirk(const char *entry, struct memattr_user_quirk *q)
{
	char buf[32], *tok = buf, *vendor, *device;
	unsigned int v, d;
	int i;

	if (strscpy(buf, entry, sizeof(buf)) < 0)
		return -EINVAL;
	vendor = strsep(&tok, ":");
	device = strsep(&tok, ":");
	if (!vendor || !device || !tok || kstrtouint(vendor, 16, &v) ||
	    kstrtouint(device, 16, &d) || v > 0xffff || d > 0xffff)
		return -EINVAL;
	for (i = 0; i < KVM_MEMATTR_TOL_NR; i++) {
		if (sysfs_streq(tok, tolerance_names[i])) {
			*q = (struct memattr_user_quirk) {
				.vendor = v, .device = d, .tolerance = i,
			};
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * All or nothing: a bad entry changes nothing and fails the parameter.
 * Only called while the module loads or the kernel boots, one at a time,
 * so the buffers can be static rather than on the stack.
 */
static int memattr_quirks_set(const char *val, const struct kernel_param *kp)
{
	static struct memattr_user_quirk parsed[MEMATTR_MAX_USER_QUIRKS];
	static char buf[MEMATTR_QUIRKS_LEN];
	unsigned int n = 0;
	char *cur, *tok;

	if (strscpy(buf, val, sizeof(buf)) < 0) {
		pr_warn("vfio-pci: memattr_quirks: longer than %zu characters\n",
			sizeof(buf) - 1);
		return -E2BIG;
	}
	cur = strim(buf);
	if (!*cur)
		cur = NULL;	/* no entry at all: the table is emptied */
	/* Every entry counts, empty ones too: "a,,b" is refused. */
	while ((tok = strsep(&cur, ","))) {
		if (n == MEMATTR_MAX_USER_QUIRKS) {
			pr_warn("vfio-pci: memattr_quirks: more than %d entries\n",
				MEMATTR_MAX_USER_QUIRKS);
			return -E2BIG;
		}
		if (parse_user_quirk(tok, &parsed[n])) {
			pr_warn("vfio-pci: memattr_quirks: bad entry '%s', expected <vendor>:<device>:default|tolerant|intolerant|mismatch-intolerant\n",
				tok);
			return -EINVAL;
		}
		n++;
	}

	memcpy(user_quirks, parsed, n * sizeof(parsed[0]));
	nr_user_quirks = n;
	return 0;
}

static int memattr_quirks_get(char *buf, const struct kernel_param *kp)
{
	unsigned int i;
	int len = 0;

	for (i = 0; i < nr_user_quirks; i++)
		len += sysfs_emit_at(buf, len, "%s%04x:%04x:%s", i ? "," : "",
				     user_quirks[i].vendor, user_quirks[i].device,
				     tolerance_names[user_quirks[i].tolerance]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static const struct kernel_param_ops memattr_quirks_ops = {
	.set = memattr_quirks_set,
	.get = memattr_quirks_get,
};
module_param_cb(memattr_quirks, &memattr_quirks_ops, NULL, 0444);
MODULE_PARM_DESC(memattr_quirks,
		 "Per-device tolerance of Normal-NC and of mismatched aliases, <vendor>:<device>:default|tolerant|intolerant|mismatch-intolerant[,...] (hex ids); overrides the built-in table");

static u8 device_tolerance(struct pci_dev *pdev)
{
	const struct pci_device_id *id;
	unsigned int i;

	for (i = nr_user_quirks; i--; ) {
		if (user_quirks[i].vendor == pdev->vendor &&
		    user_quirks[i].device == pdev->device)
			return user_quirks[i].tolerance;
	}

	id = pci_match_id(memattr_quirks, pdev);
	return id ? id->driver_data : KVM_MEMATTR_TOL_DEFAULT;
}

static struct kvm_memattr_bar_facts bar_facts(struct vfio_pci_core_device *vdev,
					      int index, u8 override)
{
	return (struct kvm_memattr_bar_facts) {
		.arch = IS_ENABLED(CONFIG_ARM64) ? KVM_MEMATTR_ARM64_S2 :
						   KVM_MEMATTR_X86_EPT,
		.prefetchable = !!(pci_resource_flags(vdev->pdev, index) &
				   IORESOURCE_PREFETCH),
		.tolerance = device_tolerance(vdev->pdev),
		.override = override,
		.contained = nc_containment,
	};
}

static bool is_memory_bar(struct pci_dev *pdev, int index)
{
	return index < PCI_STD_NUM_BARS &&
	       (pci_resource_flags(pdev, index) & IORESOURCE_MEM) &&
	       pci_resource_len(pdev, index);
}

/**
 * vfio_pci_memattr_mmap() - Give a BAR mapping the attributes of its class.
 * @vdev: the device.
 * @index: the BAR.
 * @vma: its new mapping.
 *
 * Sets the page protection and the VM flag that tells KVM the BAR's class
 * (VM_ALLOW_ANY_UNCACHED for Normal-NC, VM_EXACT_MEMTYPE for Device-exact)
 * on @vma. The class cannot change while the device is open, which every
 * mapping of it keeps it.
 *
 * Return: 0, or the negative errno of a classification that is refused.
 */
int vfio_pci_memattr_mmap(struct vfio_pci_core_device *vdev, int index,
			  struct vm_area_struct *vma)
{
	struct kvm_memattr_bar_decision d;

	d = kvm_memattr_classify_bar(bar_facts(vdev, index,
					       vdev->bar_memattr_override[index]));
	if (d.refuse) {
		dev_warn_ratelimited(&vdev->pdev->dev, "memattr: bar%d: mmap refused: %s\n",
				     index, kvm_memattr_reason_text(d.reason));
		return -d.refuse;
	}

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	if (d.class == KVM_MEMATTR_CLASS_NORMAL_NC)
		vm_flags_set(vma, VM_ALLOW_ANY_UNCACHED);
	else if (d.class == KVM_MEMATTR_CLASS_DEVICE_EXACT)
		vm_flags_set(vma, VM_EXACT_MEMTYPE);
	return 0;
}

/**
 * vfio_pci_memattr_iomap() - vfio-pci's own kernel mapping of a BAR.
 * @vdev: the device.
 * @index: the BAR.
 *
 * pci_iomap() maps a BAR with the architecture's ioremap() type, which on
 * arm64 is Device-nGnRE, while userspace maps it Device-nGnRnE (and KVM
 * Device-nGnRnE only for the Device-exact class). A
 * device that tolerates no alias of another memory type gets a
 * non-posted mapping, the userspace type, where the architecture has one.
 *
 * Return: the mapping, or NULL.
 */
void __iomem *vfio_pci_memattr_iomap(struct vfio_pci_core_device *vdev,
				     int index)
{
	struct pci_dev *pdev = vdev->pdev;
	struct kvm_memattr_bar_decision d;
	void __iomem *io;

	d = kvm_memattr_classify_bar(bar_facts(vdev, index,
					       vdev->bar_memattr_override[index]));
	if (!d.refuse && d.class == KVM_MEMATTR_CLASS_DEVICE_EXACT &&
	    is_memory_bar(pdev, index)) {
		io = ioremap_np(pci_resource_start(pdev, index),
				pci_resource_len(pdev, index));
		if (io)
			return io;
	}
	return pci_iomap(pdev, index, 0);
}

/* ---- sysfs: /sys/bus/pci/devices/<bdf>/memattr/bar<N>_{override,class,reason} */

struct memattr_attribute {
	struct device_attribute attr;
	int index;
};

#define to_memattr_attr(a) container_of(a, struct memattr_attribute, attr)

static ssize_t override_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);
	int index = to_memattr_attr(attr)->index;

	return sysfs_emit(buf, "%s\n",
			  kvm_memattr_override_name(vdev->bar_memattr_override[index]));
}

/*
 * Validated against the same policy an mmap applies, so an override that
 * would be refused is refused here, with the reason, and changes nothing.
 * Mappings made while the device is open keep their attributes, so an
 * open device cannot be changed.
 */
static ssize_t override_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);
	int index = to_memattr_attr(attr)->index;
	struct kvm_memattr_bar_decision d;
	int override;
	ssize_t ret = count;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	override = kvm_memattr_parse_override(buf);
	if (override < 0) {
		dev_warn_ratelimited(&vdev->pdev->dev,
				     "memattr: bar%d_override: bad value, expected auto, device, normal-nc or device-exact\n",
				     index);
		return -EINVAL;
	}

	d = kvm_memattr_classify_bar(bar_facts(vdev, index, override));
	if (d.refuse) {
		dev_warn_ratelimited(&vdev->pdev->dev, "memattr: bar%d_override=%s refused: %s\n",
				     index, kvm_memattr_override_name(override),
				     kvm_memattr_reason_text(d.reason));
		return -d.refuse;
	}

	mutex_lock(&vdev->vdev.dev_set->lock);
	if (vdev->vdev.open_count) {
		dev_warn_ratelimited(&vdev->pdev->dev,
				     "memattr: bar%d_override: device is open; close it first, its mappings keep their attributes\n",
				     index);
		ret = -EBUSY;
	} else {
		vdev->bar_memattr_override[index] = override;
	}
	mutex_unlock(&vdev->vdev.dev_set->lock);
	return ret;
}

static ssize_t class_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);
	int index = to_memattr_attr(attr)->index;
	struct kvm_memattr_bar_decision d;

	d = kvm_memattr_classify_bar(bar_facts(vdev, index,
					       vdev->bar_memattr_override[index]));
	return sysfs_emit(buf, "%s\n", d.refuse ? "refused" :
			  kvm_memattr_class_name(d.class));
}

static ssize_t reason_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);
	int index = to_memattr_attr(attr)->index;
	struct kvm_memattr_bar_decision d;

	d = kvm_memattr_classify_bar(bar_facts(vdev, index,
					       vdev->bar_memattr_override[index]));
	return sysfs_emit(buf, "%s\n", kvm_memattr_reason_name(d.reason));
}

#define MEMATTR_ATTR_RW(_name, _index)					\
	{ .attr = __ATTR(_name, 0644, override_show, override_store),	\
	  .index = _index }
#define MEMATTR_ATTR_RO(_name, _show, _index)				\
	{ .attr = __ATTR(_name, 0444, _show, NULL), .index = _index }

static struct memattr_attribute memattr_bar_attrs[] = {
	MEMATTR_ATTR_RW(bar0_override, 0),
	MEMATTR_ATTR_RO(bar0_class, class_show, 0),
	MEMATTR_ATTR_RO(bar0_reason, reason_show, 0),
	MEMATTR_ATTR_RW(bar1_override, 1),
	MEMATTR_ATTR_RO(bar1_class, class_show, 1),
	MEMATTR_ATTR_RO(bar1_reason, reason_show, 1),
	MEMATTR_ATTR_RW(bar2_override, 2),
	MEMATTR_ATTR_RO(bar2_class, class_show, 2),
	MEMATTR_ATTR_RO(bar2_reason, reason_show, 2),
	MEMATTR_ATTR_RW(bar3_override, 3),
	MEMATTR_ATTR_RO(bar3_class, class_show, 3),
	MEMATTR_ATTR_RO(bar3_reason, reason_show, 3),
	MEMATTR_ATTR_RW(bar4_override, 4),
	MEMATTR_ATTR_RO(bar4_class, class_show, 4),
	MEMATTR_ATTR_RO(bar4_reason, reason_show, 4),
	MEMATTR_ATTR_RW(bar5_override, 5),
	MEMATTR_ATTR_RO(bar5_class, class_show, 5),
	MEMATTR_ATTR_RO(bar5_reason, reason_show, 5),
};

static_assert(ARRAY_SIZE(memattr_bar_attrs) == 3 * PCI_STD_NUM_BARS);

static struct attribute *memattr_attrs[] = {
	&memattr_bar_attrs[0].attr.attr,
	&memattr_bar_attrs[1].attr.attr,
	&memattr_bar_attrs[2].attr.attr,
	&memattr_bar_attrs[3].attr.attr,
	&memattr_bar_attrs[4].attr.attr,
	&memattr_bar_attrs[5].attr.attr,
	&memattr_bar_attrs[6].attr.attr,
	&memattr_bar_attrs[7].attr.attr,
	&memattr_bar_attrs[8].attr.attr,
	&memattr_bar_attrs[9].attr.attr,
	&memattr_bar_attrs[10].attr.attr,
	&memattr_bar_attrs[11].attr.attr,
	&memattr_bar_attrs[12].attr.attr,
	&memattr_bar_attrs[13].attr.attr,
	&memattr_bar_attrs[14].attr.attr,
	&memattr_bar_attrs[15].attr.attr,
	&memattr_bar_attrs[16].attr.attr,
	&memattr_bar_attrs[17].attr.attr,
	NULL,
};

/* Only the memory BARs the device has. */
static umode_t memattr_attr_visible(struct kobject *kobj, struct attribute *a,
				    int n)
{
	struct device *dev = kobj_to_dev(kobj);
	struct device_attribute *da = container_of(a, struct device_attribute, attr);

	return is_memory_bar(to_pci_dev(dev), to_memattr_attr(da)->index) ?
	       a->mode : 0;
}

static const struct attribute_group memattr_group = {
	.name = "memattr",
	.attrs = memattr_attrs,
	.is_visible = memattr_attr_visible,
};

const struct attribute_group *vfio_pci_core_memattr_groups[] = {
	&memattr_group,
	NULL,
};
EXPORT_SYMBOL_GPL(vfio_pci_core_memattr_groups);
