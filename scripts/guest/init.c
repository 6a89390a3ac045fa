// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the workbench's test initramfs (static, aarch64).
 *
 * Mounts the pseudo filesystems, binds the emulated PCI devices to
 * vfio-pci, runs the programs listed in /etc/memattr/<mode>.list with a
 * timeout each, frames their output between markers the host parses
 * (scripts/results.py), and powers the machine off. The mode comes from
 * memattr.mode= on the kernel command line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MARK "@@memattr "

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void do_mount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		say(MARK "warn mount %s on %s: %s\n", type, dst, strerror(errno));
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static const struct {
	const char *id;		/* vendor:device as sysfs spells them */
	const char *name;
} known_devices[] = {
	{ "0x1af4:0x1110", "ivshmem-plain" },
	{ "0x1234:0x11e8", "edu" },
	{ "0x1234:0x1111", "bochs-display" },
	{ "0x1b36:0x0005", "pci-testdev" },
};

/*
 * Load the modules /etc/memattr/modules lists, in order (a kernel with
 * KVM as modules): the tests need /dev/kvm before they start.
 */
static void load_modules(void)
{
	char line[256];
	FILE *f;
	int fd;

	f = fopen("/etc/memattr/modules", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
			say(MARK "warn module %s: %s\n", line, strerror(errno));
		else
			say(MARK "module %s\n", line);
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

/* Hand every emulated test device to vfio-pci and report where it went. */
static void bind_vfio(void)
{
	char path[512], vendor[16], device[16], id[40], drv[256];
	struct dirent *de;
	unsigned int i;
	DIR *d;

	d = opendir("/sys/bus/pci/devices");
	if (!d) {
		say(MARK "device none error=no-pci-bus\n");
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 de->d_name);
		if (read_file(path, vendor, sizeof(vendor)))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 de->d_name);
		if (read_file(path, device, sizeof(device)))
			continue;
		snprintf(id, sizeof(id), "%s:%s", vendor, device);
		for (i = 0; i < sizeof(known_devices) / sizeof(known_devices[0]); i++) {
			int r;

			if (strcmp(id, known_devices[i].id))
				continue;
			snprintf(path, sizeof(path),
				 "/sys/bus/pci/devices/%s/driver_override",
				 de->d_name);
			r = write_file(path, "vfio-pci");
			if (!r)
				r = write_file("/sys/bus/pci/drivers_probe",
					       de->d_name);
			snprintf(path, sizeof(path),
				 "/sys/bus/pci/devices/%s/driver", de->d_name);
			memset(drv, 0, sizeof(drv));
			if (readlink(path, drv, sizeof(drv) - 1) < 0)
				strcpy(drv, "none");
			say(MARK "device %s bdf=%s driver=%s%s%s\n",
			    known_devices[i].name, de->d_name,
			    strrchr(drv, '/') ? strrchr(drv, '/') + 1 : drv,
			    r ? " error=" : "", r ? strerror(-r) : "");
		}
	}
	closedir(d);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run one list entry: "<name> <timeout-seconds> <argv...>". */
static void run_entry(char *line)
{
	char *argv[32], *name, *tmo, *save = NULL;
	int argc = 0, status, timeout;
	double start;
	pid_t pid, w;

	name = strtok_r(line, " \t\n", &save);
	tmo = strtok_r(NULL, " \t\n", &save);
	if (!name || name[0] == '#' || !tmo)
		return;
	timeout = atoi(tmo);
	while (argc < 31 && (argv[argc] = strtok_r(NULL, " \t\n", &save)))
		argc++;
	argv[argc] = NULL;
	if (!argc)
		return;

	say(MARK "begin %s\n", name);
	start = now();
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(1, 2);
		execv(argv[0], argv);
		say("exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (now() - start > timeout) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			say(MARK "end %s rc=timeout seconds=%.1f\n", name,
			    now() - start);
			return;
		}
		usleep(20000);
	}
	if (WIFEXITED(status))
		say(MARK "end %s rc=%d seconds=%.1f\n", name,
		    WEXITSTATUS(status), now() - start);
	else
		say(MARK "end %s rc=signal-%d seconds=%.1f\n", name,
		    WTERMSIG(status), now() - start);
}

int main(void)
{
	char cmdline[1024], list[128], *mode, *p;
	char line[512];
	FILE *f;

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	do_mount("tracefs", "/sys/kernel/tracing", "tracefs");
	do_mount("tmpfs", "/tmp", "tmpfs");
	setenv("PATH", "/bin:/tests", 1);

	mode = "check";
	if (!read_file("/proc/cmdline", cmdline, sizeof(cmdline))) {
		p = strstr(cmdline, "memattr.mode=");
		if (p) {
			mode = p + strlen("memattr.mode=");
			mode[strcspn(mode, " ")] = 0;
		}
	}
	say(MARK "init mode=%s\n", mode);
	/*
	 * The demo prints tables on the console: keep kernel messages out
	 * of them (they stay in dmesg). The checks read the console for
	 * warnings, so they keep the default level.
	 */
	if (!strcmp(mode, "demo"))
		klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);

	load_modules();
	bind_vfio();

	snprintf(list, sizeof(list), "/etc/memattr/%s.list", mode);
	f = fopen(list, "r");
	if (!f) {
		say(MARK "error no list %s\n", list);
	} else {
		while (fgets(line, sizeof(line), f))
			run_entry(line);
		fclose(f);
	}

	say(MARK "done\n");
	/* A slow UART (Bochs's runs in emulated time) must not lose it. */
	tcdrain(STDOUT_FILENO);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
