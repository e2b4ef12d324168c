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

#endif
