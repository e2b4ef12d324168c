/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw wrappers for the syscalls glibc 2.36 does not wrap, or wraps under
 * names that clash between <sys/mount.h> and <linux/mount.h>. Each returns
 * what the kernel returns (-1 and errno on failure), like libc. */
#ifndef NSBOX_SYSCALLS_H
#define NSBOX_SYSCALLS_H

#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static inline pid_t sys_clone3(struct clone_args *args)
{
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static inline int sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

static inline int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static inline int sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static inline int sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd,
				 const char *to_path, unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

static inline int sys_fsopen(const char *fsname, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fsname, flags);
}

static inline int sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value,
			       int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

/* PROPAGATION: MS_PRIVATE, MS_SLAVE, MS_SHARED, or 0 to leave it. */
static inline int sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
				    uint64_t attr_set, uint64_t attr_clr, uint64_t propagation)
{
	struct mount_attr attr = { .attr_set = attr_set,
				   .attr_clr = attr_clr,
				   .propagation = propagation };
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, &attr, sizeof(attr));
}

/* Landlock scoping arrived in ABI 6 (Linux 6.12); Debian 12's kernel headers
 * predate it, so the structure and flags are spelled out here. */
struct nsbox_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};
#define NSBOX_LANDLOCK_CREATE_RULESET_VERSION	  (1U << 0)
#define NSBOX_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define NSBOX_LANDLOCK_SCOPE_SIGNAL		  (1ULL << 1)

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self  446
#endif

static inline int sys_landlock_create_ruleset(const struct nsbox_landlock_ruleset_attr *attr,
					      size_t size, uint32_t flags)
{
	return (int)syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static inline int sys_landlock_restrict_self(int ruleset_fd, uint32_t flags)
{
	return (int)syscall(SYS_landlock_restrict_self, ruleset_fd, flags);
}

#endif
