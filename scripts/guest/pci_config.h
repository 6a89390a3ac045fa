/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI config space through sysfs, for the static programs the test guests
 * run (the L1 VMM test and the L2 guest's /init).
 */
#ifndef MEMATTR_GUEST_PCI_CONFIG_H
#define MEMATTR_GUEST_PCI_CONFIG_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* Enable memory decoding (PCI_COMMAND bit 1) of device @bdf. */
static inline int pci_enable_memory(const char *bdf)
{
	char path[300];
	uint16_t cmd;
	int fd, r = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (pread(fd, &cmd, 2, 4) == 2) {
		cmd |= 2;
		if (pwrite(fd, &cmd, 2, 4) == 2)
			r = 0;
	}
	close(fd);
	return r;
}

#endif
