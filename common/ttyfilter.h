/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp filter against typing into a terminal (TIOCSTI, TIOCLINUX),
 * shared by the module (for boxed sessions) and nsbox enter (for root's
 * commands in a box). Header-only: the module links no helper object. */
#ifndef NSBOX_TTYFILTER_H
#define NSBOX_TTYFILTER_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "util.h"

/* Fail TIOCSTI, TIOCLINUX and TIOCSETD with EPERM for this process and
 * everything it starts: a boxed shell that still has the application's
 * terminal (su without --pty) must not type commands into the host's shell,
 * nor set a line discipline (N_NULL) that leaves that terminal dead once
 * the session is over. The ioctl number is compared on its low 32 bits, as
 * the kernel reads it. */
static inline int install_tty_filter(void)
{
/* The compat ABI of each supported architecture has ioctl as 54. */
#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define COMPAT_ARCH AUDIT_ARCH_I386
#define X32_IOCTL (0x40000000 | 514)
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define X32_IOCTL __NR_ioctl
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#define COMPAT_ARCH AUDIT_ARCH_I386
#define X32_IOCTL __NR_ioctl
#else
#error "add this architecture's AUDIT_ARCH to ttyfilter.h"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the filter reads the low half of args[1] at its start: little endian only"
#endif
#define LD_ABS(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define JEQ(value, jt, jf) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (value), (jt), (jf))
	struct sock_filter filter[] = {
		/* 0 */ LD_ABS(arch),
		/* 1 */ JEQ(NATIVE_ARCH, 2, 0),
		/* 2 */ JEQ(COMPAT_ARCH, 5, 0),
		/* 3 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), /* unknown ABI */
		/* 4 */ LD_ABS(nr),
		/* 5 */ JEQ(__NR_ioctl, 4, 0),
		/* 6 */ JEQ(X32_IOCTL, 3, 0),
		/* 7 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 8 */ LD_ABS(nr),
		/* 9 */ JEQ(54, 0, 4),
		/* 10 */ LD_ABS(args[1]), /* little endian: the low 32 bits */
		/* 11 */ JEQ(TIOCSTI, 3, 0),
		/* 12 */ JEQ(TIOCLINUX, 2, 0),
		/* 13 */ JEQ(TIOCSETD, 1, 0),
		/* 14 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(filter), .filter = filter };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? -errno : 0;
}

/* Fail the creation of user namespaces, and joining one, for this process
 * and everything it starts: unshare() and clone() with CLONE_NEWUSER get
 * EPERM, and so does setns() with CLONE_NEWUSER or with 0 (any type);
 * clone3(), whose flags live in memory a filter cannot read, gets ENOSYS,
 * so that libc falls back to clone() (as systemd's RestrictNamespaces=
 * does).
 *
 * Why: a boxed session runs in the host's user namespace; in a user
 * namespace of its own (made here, or made by a process of the user's
 * outside any box and passed in as an fd) it would hold every capability
 * over a mount namespace of its own and could mount devpts instances (and
 * tmpfs, mqueue, ...) that no limit of its box counts, ptys_max among
 * them. Nothing a session needs is lost: its mounts, hostname and PID
 * namespace are the box's. The module's own setns() calls after this name
 * their types (never the user's). A rule with user_namespaces = true
 * leaves user namespaces allowed. */
static inline int install_userns_filter(void)
{
#if defined(__x86_64__)
#define NATIVE_NR_MASK (~0x40000000U) /* x32: the same numbers with bit 30 */
#define NATIVE_CLONE 56
#define NATIVE_UNSHARE 272
#define NATIVE_SETNS 308
#define COMPAT_CLONE 120 /* i386 */
#define COMPAT_UNSHARE 310
#define COMPAT_SETNS 346
#elif defined(__aarch64__)
#define NATIVE_NR_MASK (~0U)
#define NATIVE_CLONE 220
#define NATIVE_UNSHARE 97
#define NATIVE_SETNS 268
#define COMPAT_CLONE 120 /* arm EABI */
#define COMPAT_UNSHARE 337
#define COMPAT_SETNS 375
#elif defined(__i386__)
#define NATIVE_NR_MASK (~0U)
#define NATIVE_CLONE 120
#define NATIVE_UNSHARE 310
#define NATIVE_SETNS 346
#define COMPAT_CLONE 120
#define COMPAT_UNSHARE 310
#define COMPAT_SETNS 346
#endif
#define CLONE3_NR 435 /* the same on every ABI */
	struct sock_filter filter[] = {
		/* 0 */ LD_ABS(arch),
		/* 1 */ JEQ(NATIVE_ARCH, 0, 7),
		/* 2 */ LD_ABS(nr),
		/* 3 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, NATIVE_NR_MASK),
		/* 4 */ JEQ(CLONE3_NR, 20, 0),
		/* 5 */ JEQ(NATIVE_UNSHARE, 11, 0),
		/* 6 */ JEQ(NATIVE_CLONE, 10, 0),
		/* 7 */ JEQ(NATIVE_SETNS, 12, 0),
		/* 8 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 9 */ JEQ(COMPAT_ARCH, 0, 6), /* the arch is still loaded */
		/* 10 */ LD_ABS(nr),
		/* 11 */ JEQ(CLONE3_NR, 13, 0),
		/* 12 */ JEQ(COMPAT_UNSHARE, 4, 0),
		/* 13 */ JEQ(COMPAT_CLONE, 3, 0),
		/* 14 */ JEQ(COMPAT_SETNS, 5, 0),
		/* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 16 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), /* unknown ABI */
		/* 17 */ LD_ABS(args[0]), /* clone, unshare: the flags; low half */
		/* 18 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 5, 0),
		/* 19 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 20 */ LD_ABS(args[1]), /* setns: the type; low half */
		/* 21 */ JEQ(0, 2, 0),
		/* 22 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 1, 0),
		/* 23 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 24 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		/* 25 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(filter), .filter = filter };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? -errno : 0;
}

#endif
