/* SPDX-License-Identifier: GPL-2.0-or-later */
/* floors: what the steps every confined login must take cost on this
 * machine, measured round-robin in one process so that noise hits them
 * alike. The floor of a login is pam_permit's time plus the steps its
 * design cannot skip (README, "Performance").
 *
 *   floors -H HELPER -N NSBOX -s STATIC_NOOP [-r ROUNDS] [-u USER -c CONFIG]
 *
 * Rows (CSV: name,median_ms,p10_ms,p90_ms):
 *   fork            fork(), the child exits, wait
 *   spawn-static    vfork + exec of a static program that exits, wait
 *   spawn-helper    vfork + exec of HELPER --version, wait (the PAM
 *                   helper a login starts)
 *   spawn-nsbox     the same with NSBOX (what `nsbox run` starts)
 *   namespaces      clone3 with the box's namespaces (user, mount, UTS,
 *                   PID, IPC, cgroup), the child exits, wait
 *   minimal-box     the same, with uid/gid maps written by the parent and
 *                   a child that makes the least a box is: a tmpfs root
 *                   with /proc mounted, pivot_root, then exits
 *   faults-100      100 page faults (first writes to fresh anonymous
 *                   pages): what a program start pays per page it touches
 *   syscalls-1000   1000 trivial system calls (getppid)
 *
 * With -u USER -c CONFIG, two more, what pam_nsbox does for a user no rule
 * names (pam_module/pam_nsbox.c, decide_without_helper):
 *   user-lookup     USER's passwd entry from the name service
 *                   (user_record_lookup: getpwnam_r), as any module that
 *                   must know the user does (pam_succeed_if's uid test)
 *   policy-index    the rest: CONFIG's policy index found and read (the
 *                   walk from / that only root can have written it, the
 *                   decode), the config walked to and read, its bytes
 *                   compared with the index's copy, the user matched
 *                   (policy_index_load + policy_index_decide); fails if
 *                   the index does not say "no rule matches" for USER
 *
 *   floors -k N -s STATIC_NOOP
 *
 * Keeps N minimal boxes alive at once, each with STATIC_NOOP (waiting for
 * a signal) as its PID 1, and prints kernel-kb-per-box,KB: the growth of
 * Slab + KernelStack + PageTables (bench/meminfo.h, as bench/boxes counts
 * a real box) divided by N, the kernel memory floor of a box.
 * Must run as root. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/policyindex.h"
#include "../common/syscalls.h"
#include "../common/userlookup.h"
#include "meminfo.h"

#define BOX_FLAGS                                                                              \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWIPC |              \
	 CLONE_NEWCGROUP)

static const char *helper, *nsbox, *noop, *user, *config;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "floors: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void reap(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork/clone");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "floors: a child failed (status 0x%x)\n", status);
		exit(1);
	}
}

static void do_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	reap(pid);
}

static void spawn(const char *path, const char *arg)
{
	char *const argv[] = { (char *)path, (char *)arg, NULL };
	char *const envp[] = { NULL };
	pid_t pid = vfork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 1);
		execve(path, argv, envp);
		_exit(127);
	}
	reap(pid);
}

static void spawn_static(void)
{
	spawn(noop, NULL);
}

static void spawn_helper(void)
{
	spawn(helper, "--version");
}

static void spawn_nsbox(void)
{
	spawn(nsbox, "--version");
}

static pid_t clone_ns(int *ret_pidfd)
{
	struct clone_args args = {
		.flags = BOX_FLAGS | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
	};

	return sys_clone3(&args);
}

static void namespaces(void)
{
	int pidfd = -1;
	pid_t pid = clone_ns(&pidfd);

	if (pid == 0)
		_exit(0);
	reap(pid);
	close(pidfd);
}

static void write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* In the child: the least a box is. */
static int build_minimal_box(void)
{
	int fs, root;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 1;
	fs = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return 2;
	root = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (root < 0 || fchdir(root) < 0 || mkdir("proc", 0555) < 0)
		return 3;
	/* A detached mount cannot be the root pivot_root() takes: attach
	 * the tmpfs on /tmp (this namespace's private copy), then go in. */
	if (sys_move_mount(root, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
	    chdir("/tmp") < 0)
		return 4;
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return 5;
	if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0)
		return 6;
	return 0;
}

static void minimal_box(void)
{
	int go[2], pidfd = -1;
	char c;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		die("pipe2");
	pid = clone_ns(&pidfd);
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(9);
		_exit(build_minimal_box());
	}
	close(go[0]);
	write_file(pid, "uid_map", "0 0 1\n");
	write_file(pid, "gid_map", "0 0 1\n");
	if (write(go[1], "g", 1) != 1)
		die("write(go)");
	close(go[1]);
	reap(pid);
	close(pidfd);
}

/* -k: N minimal boxes, each exec'ing NOOP (opened before pivot_root)
 * as its PID 1 once built; the kernel memory they hold, per box. */
static int keep_minimal_boxes(int n)
{
	int exe = open(noop, O_RDONLY | O_CLOEXEC), *pidfds = calloc(n, sizeof(int));
	long before, after;

	if (exe < 0 || !pidfds)
		die("open(noop)");
	before = meminfo_kb();
	for (int i = 0; i < n; i++) {
		int go[2], ready[2];
		char c;
		pid_t pid;

		if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
			die("pipe2");
		pid = clone_ns(&pidfds[i]);
		if (pid < 0)
			die("clone3");
		if (pid == 0) {
			char *argv[] = { "noop", "pause", NULL }, *envp[] = { NULL };

			if (read(go[0], &c, 1) != 1 || build_minimal_box() != 0 ||
			    write(ready[1], "r", 1) != 1)
				_exit(9);
			syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
			_exit(10);
		}
		close(go[0]);
		close(ready[1]);
		write_file(pid, "uid_map", "0 0 1\n");
		write_file(pid, "gid_map", "0 0 1\n");
		if (write(go[1], "g", 1) != 1 || read(ready[0], &c, 1) != 1)
			die("minimal box");
		close(go[1]);
		close(ready[0]);
	}
	usleep(500000); /* the last execs done, RCU-freed memory gone */
	after = meminfo_kb();
	printf("kernel-kb-per-box,%.1f\n", (double)(after - before) / n);
	for (int i = 0; i < n; i++) {
		(void)sys_pidfd_send_signal(pidfds[i], SIGKILL);
		close(pidfds[i]);
	}
	while (wait(NULL) > 0)
		;
	free(pidfds);
	close(exe);
	return 0;
}

static void faults_100(void)
{
	const long page = sysconf(_SC_PAGESIZE);
	volatile char *p = mmap(NULL, 100 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	for (int i = 0; i < 100; i++)
		p[i * page] = 1;
	munmap((void *)p, 100 * page);
}

static void syscalls_1000(void)
{
	for (int i = 0; i < 1000; i++)
		(void)syscall(SYS_getppid);
}

static void user_lookup(void)
{
	struct user_record u = { 0 };

	if (user_record_lookup(user, &u) < 0)
		die("user_record_lookup");
	user_record_free(&u);
}

static int no_group_lookup(const char *name, gid_t *ret_gid)
{
	(void)name;
	(void)ret_gid;
	return -EAGAIN; /* unsure: the index then answers nothing */
}

static uid_t user_uid; /* USER's, looked up once (user-lookup times that) */
static gid_t user_gid;

static void policy_index(void)
{
	const struct match_user u = { .name = user, .gid = user_gid };
	struct policy_index ix;
	const char *why = NULL;
	char *buf = NULL;
	enum index_verdict v;

	if (policy_index_load(config, &ix, &buf, &why) < 0) {
		fprintf(stderr, "floors: policy index of %s: %s\n", config, why);
		exit(1);
	}
	v = policy_index_decide(&ix, user_uid, &u, false, no_group_lookup, &why);
	policy_index_free(&ix);
	free(buf);
	if (v != INDEX_NO_RULE) {
		fprintf(stderr, "floors: the index does not decide %s: %s\n", user, why);
		exit(1);
	}
}

struct row {
	const char *name;
	void (*fn)(void);
	double *ms;
};

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct row rows[] = {
		{ "fork", do_fork, NULL },
		{ "spawn-static", spawn_static, NULL },
		{ "spawn-helper", spawn_helper, NULL },
		{ "spawn-nsbox", spawn_nsbox, NULL },
		{ "namespaces", namespaces, NULL },
		{ "minimal-box", minimal_box, NULL },
		{ "faults-100", faults_100, NULL },
		{ "syscalls-1000", syscalls_1000, NULL },
		{ "user-lookup", user_lookup, NULL },
		{ "policy-index", policy_index, NULL },
	};
	size_t nrows = sizeof(rows) / sizeof(rows[0]);
	int rounds = 300, warm = 10, keep = 0, o;

	while ((o = getopt(argc, argv, "H:N:s:r:k:u:c:")) != -1) {
		switch (o) {
		case 'u': user = optarg; break;
		case 'c': config = optarg; break;
		case 'k': keep = atoi(optarg); break;
		case 'H': helper = optarg; break;
		case 'N': nsbox = optarg; break;
		case 's': noop = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		default: return 2;
		}
	}
	if (keep > 0 && noop)
		return keep_minimal_boxes(keep);
	if (!helper || !nsbox || !noop || rounds < 10 || !user != !config) {
		fprintf(stderr, "usage: floors -H HELPER -N NSBOX -s STATIC_NOOP [-r ROUNDS>=10] "
				"[-u USER -c CONFIG]\n");
		return 2;
	}
	if (user) {
		struct user_record rec = { 0 };

		if (user_record_lookup(user, &rec) < 0)
			die("user_record_lookup");
		user_uid = rec.uid;
		user_gid = rec.gid;
		user_record_free(&rec);
	} else {
		nrows -= 2; /* the last two rows need USER and CONFIG */
	}
	for (size_t i = 0; i < nrows; i++)
		if (!(rows[i].ms = calloc(rounds, sizeof(double))))
			die("calloc");
	for (int r = -warm; r < rounds; r++)
		for (size_t i = 0; i < nrows; i++) {
			double t = now_ms();
			rows[i].fn();
			if (r >= 0)
				rows[i].ms[r] = now_ms() - t;
		}
	for (size_t i = 0; i < nrows; i++) {
		qsort(rows[i].ms, rounds, sizeof(double), cmp);
		printf("%s,%.3f,%.3f,%.3f\n", rows[i].name, rows[i].ms[rounds / 2],
		       rows[i].ms[rounds / 10], rows[i].ms[rounds * 9 / 10]);
	}
	return 0;
}
