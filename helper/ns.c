/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../common/syscalls.h"
#include "log.h"

pid_t clone_box(unsigned long flags, bool pdeathsig, int *ret_pidfd)
{
	int pidfd = -1;
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = sys_clone3(&args);

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The parent lives in the parent PID namespace, so getppid()
		 * cannot tell whether it died before this call; callers check
		 * for that on the sync pipe they share with it. */
		if (pdeathsig)
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		return 0;
	}
	*ret_pidfd = pidfd;
	return pid;
}

/* What the child of call_in_mount_ns() reports. */
struct mount_ns_result {
	int result;
	char error[1024]; /* its first error, for the caller's log */
};

int call_in_mount_ns(int pidfd, int (*fn)(void *), void *arg, int *ret_fd)
{
	struct clone_args args = { .flags = CLONE_FILES, .exit_signal = SIGCHLD };
	struct mount_ns_result res = { .result = -ECHILD };
	int pipefd[2], status = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_errno(errno, "pipe2()");
	/* Like fork(), but the child's fds are ours: what FN opens stays
	 * open here once the child is gone. */
	pid = sys_clone3(&args);
	if (pid == 0) {
		struct log_reason why;

		/* The child's own reason, whatever its parent collects. */
		log_reason_begin(&why);
		if (setns(pidfd, CLONE_NEWNS) < 0)
			res.result = log_errno(errno, "setns(box init, mount)");
		else
			res.result = fn(arg);
		snprintf(res.error, sizeof(res.error), "%s", log_reason_text(&why) ?: "");
		_exit(write(pipefd[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	if (pid < 0) {
		int err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		log_error("clone3(mount namespace child): %s", userns_failure_hint(err));
		return -err;
	}
	/* One fd table: the write end stays open here until the child is
	 * gone; closed then, a read cannot block. */
	(void)RETRY_EINTR(waitpid(pid, &status, 0));
	close(pipefd[1]);
	if (read(pipefd[0], &res, sizeof(res)) != sizeof(res))
		res = (struct mount_ns_result){
			.result = log_errno(ECHILD, "mount namespace child died (status 0x%x)", status)
		};
	else if (res.result < 0 && res.error[0])
		log_error("%.*s", (int)sizeof(res.error) - 1, res.error);
	close(pipefd[0]);
	if (res.result < 0)
		return res.result;
	*ret_fd = res.result;
	return 0;
}

struct fsopen_job {
	const char *fstype;
	const char *failed; /* the step that failed, if one did */
	int fd, err;
};

/* A thread of its own: unshare(CLONE_NEWNS) gives it, and it alone, a
 * private copy of the mount namespace (and of root and cwd), which goes
 * with it when it ends. The rest of the helper never leaves its own. */
static void *fsopen_unshared(void *arg)
{
	struct fsopen_job *job = arg;

	if (unshare(CLONE_NEWNS) < 0) {
		job->err = errno;
		job->failed = "unshare(CLONE_NEWNS)";
		return NULL;
	}
	job->fd = sys_fsopen(job->fstype, FSOPEN_CLOEXEC);
	if (job->fd < 0) {
		job->err = errno;
		job->failed = "fsopen()";
	}
	return NULL;
}

int fsopen_in_copied_mount_ns(const char *fstype)
{
	struct fsopen_job job = { .fstype = fstype, .fd = -1 };
	pthread_t thread;
	int r;

	/* Nothing is ever mounted in the copy (a context is not a mount),
	 * and the thread shares our fd table: its fsopen() fd is ours. */
	if ((r = pthread_create(&thread, NULL, fsopen_unshared, &job)) != 0)
		return log_errno(r, "pthread_create()");
	if ((r = pthread_join(thread, NULL)) != 0) {
		/* Cannot happen for a joinable thread we made; if it did, the
		 * thread may still run: do not use what it leaves. */
		return log_errno(r, "pthread_join()");
	}
	if (job.fd < 0)
		return log_errno(job.err, "%s for a %s instance", job.failed, fstype);
	return job.fd;
}

int format_id_map(char *buf, size_t size, unsigned long inside, unsigned long outside,
		  unsigned long count)
{
	int n;

	if (count == 0 || inside > UINT32_MAX - 1 || outside > UINT32_MAX - 1 ||
	    count > (unsigned long)UINT32_MAX - inside ||
	    count > (unsigned long)UINT32_MAX - outside)
		return -EINVAL;
	n = snprintf(buf, size, "%lu %lu %lu\n", inside, outside, count);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

static int write_proc_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return log_errno(errno, "open(\"%s\")", path);
	if (write(fd, text, len) != (ssize_t)len)
		return log_errno(errno, "write(\"%s\", \"%.*s\")", path, (int)strcspn(text, "\n"),
				 text);
	return 0;
}

int write_id_maps(pid_t pid, uid_t uid_inside, uid_t uid_outside, gid_t gid_inside,
		  gid_t gid_outside, bool deny_setgroups)
{
	char map[64];
	int r;

	if (deny_setgroups) {
		r = write_proc_file(pid, "setgroups", "deny");
		if (r < 0)
			return r;
	}
	r = format_id_map(map, sizeof(map), uid_inside, uid_outside, 1);
	if (r < 0)
		return log_errno(-r, "uid map %u %u", (unsigned)uid_inside, (unsigned)uid_outside);
	r = write_proc_file(pid, "uid_map", map);
	if (r < 0)
		return r;
	r = format_id_map(map, sizeof(map), gid_inside, gid_outside, 1);
	if (r < 0)
		return log_errno(-r, "gid map %u %u", (unsigned)gid_inside, (unsigned)gid_outside);
	return write_proc_file(pid, "gid_map", map);
}

/* Whether this process runs under a seccomp filter: pam_nsbox leaves its
 * filter of user namespaces on a login program after a confined session,
 * and everything that program starts (this helper) inherits it. */
static bool seccomp_filtered(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
}

const char *userns_failure_hint(int err)
{
	if ((err == ENOSYS || err == EPERM) && seccomp_filtered())
		return "a seccomp filter of the calling program forbids clone3 or new namespaces "
		       "(pam_nsbox leaves one on a login program after a confined session: one "
		       "program confines one session, unless the rule sets user_namespaces = "
		       "true)";
	switch (err) {
	case EPERM:
	case EACCES:
		return "unprivileged user namespaces are disabled or restricted on this "
		       "system (see kernel.unprivileged_userns_clone, "
		       "kernel.apparmor_restrict_unprivileged_userns and the README)";
	case ENOSPC:
	case EUSERS:
		return "the user namespace limit is reached (see user.max_user_namespaces)";
	case EINVAL:
		return "this kernel lacks a namespace type nsbox needs (user, PID, mount, "
		       "UTS, IPC, cgroup)";
	default:
		return strerror(err);
	}
}
