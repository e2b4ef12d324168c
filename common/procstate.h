/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fixed process state the root helper starts from, whoever called the
 * login program. su keeps its caller's rlimits, cwd, umask and nice value:
 * with `ulimit -f 0` the helper died of SIGXFSZ writing the box record,
 * with `ulimit -c unlimited` in a root-owned directory the kernel left a
 * root core there. Set by the module in the helper's vfork child (so a tiny
 * RLIMIT_AS or RLIMIT_STACK cannot fail the exec) and again by the helper
 * itself (it may be run by something else). Only system calls: safe in a
 * vfork child. Header-only: the module links no helper object. */
#ifndef NSBOX_PROCSTATE_H
#define NSBOX_PROCSTATE_H

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A systemd host's defaults, with no core file. */
static const struct {
	int resource;
	rlim_t soft, hard;
} nsbox_fixed_rlimits[] = {
	{ RLIMIT_CPU, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_FSIZE, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_DATA, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_STACK, 8UL << 20, RLIM_INFINITY },
	{ RLIMIT_CORE, 0, 0 },
	{ RLIMIT_RSS, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_NPROC, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_NOFILE, 4096, 4096 }, /* a shared box init holds up to 1024 sessions */
	{ RLIMIT_MEMLOCK, 8UL << 20, 8UL << 20 },
	{ RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_LOCKS, RLIM_INFINITY, RLIM_INFINITY },
	{ RLIMIT_MSGQUEUE, 819200, 819200 },
	{ RLIMIT_NICE, 0, 0 },
	{ RLIMIT_RTPRIO, 0, 0 },
	{ RLIMIT_RTTIME, RLIM_INFINITY, RLIM_INFINITY },
};

/* cwd "/", umask 022, the rlimits above, nice 0. Raising a hard limit
 * needs CAP_SYS_RESOURCE, which root may lack (some containers, or a
 * host's lower RLIMIT_NPROC hard limit): the soft limit then goes as near
 * the wanted one as the hard limit allows (RLIMIT_CORE goes down, which
 * needs no privilege); the helper denies a box under a file size or CPU
 * limit that stayed. Returns 0 or -errno of chdir or setpriority. */
static inline int reset_process_state(void)
{
	int r = 0;

	if (chdir("/") < 0)
		r = -errno;
	umask(022);
	for (size_t i = 0; i < ARRAY_SIZE(nsbox_fixed_rlimits); i++) {
		struct rlimit lim = { nsbox_fixed_rlimits[i].soft, nsbox_fixed_rlimits[i].hard };

		if (setrlimit(nsbox_fixed_rlimits[i].resource, &lim) < 0) {
			struct rlimit cur;

			if (getrlimit(nsbox_fixed_rlimits[i].resource, &cur) == 0) {
				cur.rlim_cur = cur.rlim_max < lim.rlim_cur ? cur.rlim_max : lim.rlim_cur;
				(void)setrlimit(nsbox_fixed_rlimits[i].resource, &cur);
			}
		}
	}
	if (setpriority(PRIO_PROCESS, 0, 0) < 0 && r == 0)
		r = -errno;
	return r;
}

#endif
