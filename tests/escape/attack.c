/* SPDX-License-Identifier: GPL-2.0-or-later */
/* attack: escape attempts run from inside a confined session. Built
 * static, so it runs in any rootfs.
 *
 *   attack list                      the attack names
 *   attack run NAME [KEY=VALUE ...]  one attempt
 *   attack all [KEY=VALUE ...]       every attempt, each in its own child
 *   attack euid                      print the effective uid (for the
 *                                    setuid and file-capability copies)
 *   attack setcap FILE               (host, root) give FILE cap_setuid+ep
 *   attack threads                   make a thread and fork: what a session
 *                                    must still do with user namespaces
 *                                    filtered
 *   attack forks N                   fork up to N children: how many worked
 *   attack serve-abstract NAME       (host) listen on @NAME until killed
 *   attack serve-userns PATH         (host, as the user) listen on PATH, make
 *                                    a user namespace and hand out its fd
 *   attack with-pidfd PID CMD...     (host) run CMD with a pidfd of PID open,
 *                                    "@PIDFD@" in CMD becoming PIDFD=<fd>
 *   attack with-key CMD...           (host) run CMD in a new session keyring
 *                                    with a key of root's, "@KEYID@" in
 *                                    CMD becoming KEYID=<its id>
 *
 * Each attempt prints one line "NAME: blocked|ESCAPED|untested: detail" and
 * exits 0 (blocked), 1 (ESCAPED) or 2 (untested). KEY=VALUE context from
 * the test: HOSTPID (a host process), HOSTMARK (a host file outside the
 * box), OTHERMARK (a file only in another user's box), ABSTRACT (a host
 * abstract unix socket name), PIDFD (an fd of a host process), USERNS_SOCK
 * (a socket of serve-userns), SHMKEY (a
 * host SysV shm key), KEYID (a key of
 * root's), UID (the confined user). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

enum { BLOCKED = 0, ESCAPED = 1, UNTESTED = 2 };

static const char *ctx[16][2];
static char detail[512];

static const char *get(const char *key)
{
	for (int i = 0; i < 16 && ctx[i][0]; i++)
		if (strcmp(ctx[i][0], key) == 0)
			return ctx[i][1];
	return NULL;
}

__attribute__((format(printf, 2, 3))) static int say(int result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return result;
}

/* The attempt failed with an error: blocked, and say how. */
static int refused(const char *what)
{
	return say(BLOCKED, "%s: %s", what, strerror(errno));
}

static bool same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static bool can_see_host_mark(void)
{
	const char *mark = get("HOSTMARK");
	return mark && access(mark, F_OK) == 0;
}

/* --- mounts ------------------------------------------------------------ */

static int a_mount_tmpfs(void)
{
	if (mount("none", "/tmp", "tmpfs", 0, NULL) == 0)
		return say(ESCAPED, "mounted a tmpfs on /tmp");
	return refused("mount tmpfs");
}

static int try_umount(const char *path)
{
	if (umount2(path, MNT_DETACH) == 0)
		return say(ESCAPED, "unmounted %s", path);
	return refused("umount2");
}

static int a_umount_proc(void) { return try_umount("/proc"); }
static int a_umount_dev(void) { return try_umount("/dev"); }
static int a_umount_root(void) { return try_umount("/"); }

static int a_remount_root_suid(void)
{
	/* A bind remount without MS_NOSUID|MS_NODEV would clear them. */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL) == 0)
		return say(ESCAPED, "remounted / without nosuid");
	return refused("remount /");
}

static int a_remount_dev_rw(void)
{
	if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND, NULL) == 0)
		return say(ESCAPED, "remounted /dev read-write");
	return refused("remount /dev");
}

static int a_mount_proc(void)
{
	mkdir("/tmp/p", 0700);
	if (mount("proc", "/tmp/p", "proc", 0, NULL) == 0)
		return say(ESCAPED, "mounted a proc");
	return refused("mount proc");
}

static int a_fsopen(void)
{
	int fd = (int)syscall(SYS_fsopen, "tmpfs", 0);
	if (fd >= 0)
		return say(ESCAPED, "fsopen(tmpfs) succeeded");
	return refused("fsopen");
}

static int a_open_tree(void)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */);
	if (fd >= 0)
		return say(ESCAPED, "cloned the mount tree of /");
	return refused("open_tree(OPEN_TREE_CLONE)");
}

/* --- roots and directories ------------------------------------------------ */

static int a_chroot(void)
{
	mkdir("/tmp/jail", 0700);
	if (chroot("/tmp/jail") == 0)
		return say(ESCAPED, "chroot succeeded without privileges");
	return refused("chroot");
}

static int a_pivot_root(void)
{
	mkdir("/tmp/old", 0700);
	if (syscall(SYS_pivot_root, "/tmp", "/tmp/old") == 0)
		return say(ESCAPED, "pivot_root succeeded");
	return refused("pivot_root");
}

static int a_root_dotdot(void)
{
	if (!same_file("/..", "/") || !same_file("/../../..", "/"))
		return say(ESCAPED, "/.. is not /");
	if (can_see_host_mark())
		return say(ESCAPED, "host marker visible");
	return say(BLOCKED, "/.. is /");
}

static int proc_link_escapes(const char *pid, const char *which)
{
	char path[64];
	struct stat st, root;

	snprintf(path, sizeof(path), "/proc/%s/%s/", pid, which);
	if (stat(path, &st) < 0)
		return 0;
	stat("/", &root);
	/* Reachable and not inside our tree: it is somebody else's root. */
	if (strcmp(which, "root") == 0 && (st.st_dev != root.st_dev || st.st_ino != root.st_ino))
		return 1;
	if (get("HOSTMARK")) {
		char mark[600];
		snprintf(mark, sizeof(mark), "%s%s", path, get("HOSTMARK"));
		if (access(mark, F_OK) == 0)
			return 1;
	}
	return 0;
}

static int scan_proc(const char *which)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int seen = 0;

	if (!d)
		return refused("opendir /proc");
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
			seen++;
			if (proc_link_escapes(e->d_name, which)) {
				closedir(d);
				return say(ESCAPED, "/proc/%s/%s leads out of the box", e->d_name, which);
			}
		}
	closedir(d);
	return say(BLOCKED, "no /proc/*/%s of %d processes leads out", which, seen);
}

static int a_proc_roots(void) { return scan_proc("root"); }
static int a_proc_cwds(void) { return scan_proc("cwd"); }

static int a_proc1_root(void)
{
	DIR *d = opendir("/proc/1/root");
	if (d) {
		closedir(d);
		return say(ESCAPED, "opened /proc/1/root");
	}
	return refused("opendir /proc/1/root");
}

static int a_inherited_fds(void)
{
	char list[256] = "";
	int found = 0;

	for (int fd = 3; fd < 1024; fd++) {
		char link[64], target[256] = "";
		ssize_t n;
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0)
			target[n] = '\0';
		found++;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), " %d->%s", fd, target);
	}
	if (found)
		return say(ESCAPED, "fds beyond 0-2 reached the box:%s", list);
	return say(BLOCKED, "only fds 0-2 are open");
}

/* The classic: a chroot inside a new user namespace, holding an fd to the
 * old root, then climbing out with "..". The top is the box's root. */
static int a_chroot_fd_climb(void)
{
	int fd;

	if (unshare(CLONE_NEWUSER) < 0)
		return refused("unshare(CLONE_NEWUSER)");
	mkdir("/tmp/j", 0700);
	fd = open("/", O_RDONLY | O_DIRECTORY);
	if (chroot("/tmp/j") < 0)
		return refused("chroot in a user namespace");
	if (fchdir(fd) < 0)
		return refused("fchdir");
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		return refused("chroot(.)");
	if (can_see_host_mark())
		return say(ESCAPED, "climbed out to the host");
	return say(BLOCKED, "the climb ends at the box's root");
}

static int a_open_by_handle(void)
{
	struct {
		struct file_handle fh;
		unsigned char data[128];
	} h = { .fh.handle_bytes = 128 };
	int mount_id, fd;

	if (name_to_handle_at(AT_FDCWD, "/", &h.fh, &mount_id, 0) < 0)
		return refused("name_to_handle_at");
	fd = open_by_handle_at(AT_FDCWD, &h.fh, O_RDONLY);
	if (fd >= 0)
		return say(ESCAPED, "open_by_handle_at worked");
	return refused("open_by_handle_at");
}

/* --- namespaces ------------------------------------------------------------- */

static int setns_path(const char *path, int type)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return refused(path);
	if (setns(fd, type) == 0)
		return say(ESCAPED, "setns(%s) worked", path);
	return refused("setns");
}

static int a_setns_init_mnt(void) { return setns_path("/proc/1/ns/mnt", CLONE_NEWNS); }
static int a_setns_init_user(void) { return setns_path("/proc/1/ns/user", CLONE_NEWUSER); }

static int a_unshare_pid(void)
{
	if (unshare(CLONE_NEWPID) == 0)
		return say(ESCAPED, "new PID namespace without a user namespace");
	return refused("unshare(CLONE_NEWPID)");
}

static int a_unshare_mnt(void)
{
	if (unshare(CLONE_NEWNS) == 0)
		return say(ESCAPED, "new mount namespace without a user namespace");
	return refused("unshare(CLONE_NEWNS)");
}

/* A user namespace of our own, by every call that makes one: in it we
 * could mount devpts instances past ptys_max (and other file systems no
 * box limit counts). clone3's flags are in memory, out of a seccomp
 * filter's reach: it must fail as a whole (ENOSYS, so libc falls back to
 * clone, where the flags are seen). */
static int a_userns_create(void)
{
	struct clone_args args = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	long pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		return say(ESCAPED, "clone3(CLONE_NEWUSER) made a user namespace");
	}
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		return say(ESCAPED, "clone(CLONE_NEWUSER) made a user namespace");
	}
	if (unshare(CLONE_NEWUSER) == 0)
		return say(ESCAPED, "unshare(CLONE_NEWUSER) made a user namespace");
	return refused("clone3, clone and unshare of CLONE_NEWUSER");
}

/* A user namespace made outside the box by a process of the same user
 * (USERNS_SOCK: a unix socket that hands out an fd of it, see serve-userns),
 * joined from the session: there we would hold every capability over a
 * mount namespace of our own. */
static int a_userns_setns(void)
{
	const char *path = get("USERNS_SOCK");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int sock, ns = -1;

	if (!path)
		return say(UNTESTED, "no USERNS_SOCK");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    recvmsg(sock, &msg, 0) != 1)
		return say(UNTESTED, "no user namespace fd from %s: %s", path, strerror(errno));
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&ns, CMSG_DATA(c), sizeof(ns));
	if (ns < 0)
		return say(UNTESTED, "no fd in the message");
	if (setns(ns, CLONE_NEWUSER) < 0 && setns(ns, 0) < 0)
		return refused("setns(user namespace of the user's, CLONE_NEWUSER and 0)");
	if (unshare(CLONE_NEWNS) == 0 && mount("none", "/tmp", "tmpfs", 0, "size=1g") == 0)
		return say(ESCAPED, "joined a user namespace from outside and mounted a tmpfs");
	return say(ESCAPED, "joined a user namespace from outside the box");
}

static void *thread_main(void *arg)
{
	return arg;
}

/* Not an attack: what a session must still do under the filter. */
static int threads_and_forks(void)
{
	pthread_t t;
	void *res = NULL;
	pid_t pid;
	int status = -1;

	if (pthread_create(&t, NULL, thread_main, (void *)"ran") != 0 || pthread_join(t, &res) != 0)
		return printf("pthread_create failed\n"), 1;
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 7)
		return printf("fork failed\n"), 1;
	printf("thread %s, fork ran\n", (const char *)res);
	return 0;
}

/* In a user+mount namespace of our own we hold every capability over a copy
 * of the box's mounts; the mounts nsbox made must stay locked there. */
static int nested(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	return 0;
}

static int a_userns_umount_dev(void)
{
	if (nested() < 0)
		return refused("unshare(USER|NS)");
	if (umount2("/dev", MNT_DETACH) == 0)
		return say(ESCAPED, "unmounted /dev in a nested namespace");
	return refused("umount2(/dev) nested");
}

static int a_userns_umount_proc(void)
{
	if (nested() < 0)
		return refused("unshare(USER|NS)");
	if (umount2("/proc", MNT_DETACH) == 0)
		return say(ESCAPED, "unmounted /proc in a nested namespace");
	return refused("umount2(/proc) nested");
}

static int a_userns_remount_dev_rw(void)
{
	if (nested() < 0)
		return refused("unshare(USER|NS)");
	if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND, NULL) == 0)
		return say(ESCAPED, "remounted /dev rw in a nested namespace");
	return refused("remount /dev nested");
}

static int a_userns_remount_root_suid(void)
{
	if (nested() < 0)
		return refused("unshare(USER|NS)");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_NODEV, NULL) == 0)
		return say(ESCAPED, "cleared nosuid on / in a nested namespace");
	return refused("remount / nested");
}

static int a_userns_mount_sysfs(void)
{
	if (nested() < 0)
		return refused("unshare(USER|NS)");
	mkdir("/tmp/s", 0700);
	if (mount("sysfs", "/tmp/s", "sysfs", 0, NULL) == 0)
		return say(ESCAPED, "mounted the host's sysfs");
	return refused("mount sysfs nested");
}

static int a_userns_mknod(void)
{
	if (nested() < 0)
		return refused("unshare(USER|NS)");
	if (mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1)) == 0) {
		int fd = open("/tmp/mem", O_RDONLY);
		unlink("/tmp/mem");
		if (fd >= 0)
			return say(ESCAPED, "opened a /dev/mem node made in a nested namespace");
		return refused("open of the node");
	}
	return refused("mknod nested");
}

/* --- other processes ------------------------------------------------------------- */

static int a_ptrace_init(void)
{
	if (ptrace(PTRACE_ATTACH, 1, NULL, NULL) == 0)
		return say(ESCAPED, "attached to box init");
	return refused("ptrace(ATTACH, 1)");
}

/* From the host: the half-built box init of PID (fault tests). */
static int a_ptrace_pid(void)
{
	const char *p = get("PID");

	if (!p)
		return say(UNTESTED, "no PID");
	if (ptrace(PTRACE_ATTACH, atoi(p), NULL, NULL) == 0)
		return say(ESCAPED, "attached to pid %s", p);
	return refused("ptrace(ATTACH)");
}

static int a_proc1_mem(void)
{
	int fd = open("/proc/1/mem", O_RDWR);
	if (fd >= 0)
		return say(ESCAPED, "opened /proc/1/mem");
	return refused("open /proc/1/mem");
}

static int a_vm_readv_init(void)
{
	char buf[8];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)0x400000, sizeof(buf) };
	if (process_vm_readv(1, &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT)
		return say(ESCAPED, "process_vm_readv on box init was allowed");
	return refused("process_vm_readv(1)");
}

static int a_proc1_exe_write(void)
{
	int fd = open("/proc/1/exe", O_WRONLY);
	if (fd >= 0)
		return say(ESCAPED, "opened box init's executable for writing");
	return refused("open /proc/1/exe for writing");
}

static int a_control_socket(void)
{
	DIR *d = opendir("/proc/1/fd");
	if (d) {
		closedir(d);
		return say(ESCAPED, "listed box init's fds (its control socket)");
	}
	return refused("opendir /proc/1/fd");
}

/* Processes we can see that are not ours: none may be ptraced. */
static int a_ptrace_others(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int tried = 0;

	while (d && (e = readdir(d))) {
		char path[64];
		struct stat st;
		pid_t pid = atoi(e->d_name);
		if (pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (stat(path, &st) < 0 || st.st_uid == getuid())
			continue;
		tried++;
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0)
			return say(ESCAPED, "attached to pid %d (uid %u)", pid, st.st_uid);
	}
	if (d)
		closedir(d);
	return say(BLOCKED, "%d processes of other users visible, none traceable", tried);
}

static int a_kill_host_pid(void)
{
	const char *p = get("HOSTPID");
	char path[64];

	if (!p)
		return say(UNTESTED, "no HOSTPID");
	snprintf(path, sizeof(path), "/proc/%s", p);
	if (access(path, F_OK) == 0)
		return say(UNTESTED, "pid %s happens to exist in the box", p);
	if (kill(atoi(p), SIGTERM) == 0)
		return say(ESCAPED, "signalled host pid %s", p);
	return refused("kill(host pid)");
}

/* A pidfd of a host process the box was handed (inherited here; over a
 * unix socket likewise): the PID namespace does not stop it, Landlock's
 * signal scoping does. */
static int a_kill_host_pidfd(void)
{
	const char *p = get("PIDFD");

	if (!p)
		return say(UNTESTED, "no PIDFD");
	if (syscall(SYS_pidfd_send_signal, atoi(p), SIGTERM, NULL, 0) == 0)
		return say(ESCAPED, "signalled a host process through pidfd %s", p);
	return refused("pidfd_send_signal(host process)");
}

static int a_kill_everything(void)
{
	pid_t child = fork();
	int status;

	if (child == 0) {
		signal(SIGTERM, SIG_IGN);
		kill(-1, SIGKILL);
		_exit(0);
	}
	waitpid(child, &status, 0);
	/* We survived only if kill(-1) spared us; the host sleeper's fate is
	 * checked from outside. */
	return say(BLOCKED, "kill(-1, SIGKILL) sent; the host checks its own processes");
}

/* --- privileges -------------------------------------------------------------------- */

static int exec_euid(const char *path)
{
	int pipefd[2], status;
	char buf[32] = "";
	pid_t pid;

	if (access(path, X_OK) < 0)
		return say(UNTESTED, "%s: %s", path, strerror(errno));
	if (pipe(pipefd) < 0)
		return say(UNTESTED, "pipe");
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		execl(path, path, "euid", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	waitpid(pid, &status, 0);
	if (atoi(buf) != (int)getuid() || strstr(buf, "caps=0000000000000000") == NULL)
		return say(ESCAPED, "%s ran with %s", path, buf);
	return say(BLOCKED, "%s ran as %s", path, buf);
}

static int a_suid_binary(void) { return exec_euid("/usr/local/bin/attack-suid"); }
static int a_fcaps_binary(void) { return exec_euid("/usr/local/bin/attack-fcaps"); }

static int a_mknod(void)
{
	if (mknod("/tmp/null2", S_IFCHR | 0666, makedev(1, 3)) == 0)
		return say(ESCAPED, "made a device node");
	return refused("mknod");
}

static int a_sethostname(void)
{
	if (sethostname("evil", 4) == 0)
		return say(ESCAPED, "set the hostname");
	return refused("sethostname");
}

static int a_setdomainname(void)
{
	if (setdomainname("evil", 4) == 0)
		return say(ESCAPED, "set the domain name");
	return refused("setdomainname");
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0 && write(fd, text, strlen(text)) >= 0)
		return say(ESCAPED, "wrote %s", path);
	return refused(path);
}

static int a_sysctl_hostname(void) { return write_file("/proc/sys/kernel/hostname", "evil"); }
static int a_sysctl_core_pattern(void) { return write_file("/proc/sys/kernel/core_pattern", "|/tmp/x"); }
static int a_sysrq(void) { return write_file("/proc/sysrq-trigger", "h"); }
static int a_drop_caches(void) { return write_file("/proc/sys/vm/drop_caches", "3"); }

static int a_keyring_root(void)
{
	const char *id = get("KEYID");
	char buf[64];

	if (!id)
		return say(UNTESTED, "no KEYID");
	if (syscall(SYS_keyctl, 11 /* KEYCTL_READ */, atol(id), buf, sizeof(buf)) >= 0)
		return say(ESCAPED, "read root's key %s", id);
	return refused("keyctl(READ, root's key)");
}

/* --- terminals ---------------------------------------------------------------------- */

static int tty_fd(void)
{
	int fd = open("/dev/tty", O_RDWR);
	return fd >= 0 ? fd : 0;
}

static int a_tiocsti(void)
{
	char c = '#';
	if (ioctl(tty_fd(), TIOCSTI, &c) == 0)
		return say(ESCAPED, "TIOCSTI pushed a character into the terminal");
	if (errno != EPERM)
		return say(ESCAPED, "TIOCSTI failed with %s, not the filter's EPERM", strerror(errno));
	return refused("TIOCSTI");
}

static int a_tiocsti_highbits(void)
{
	char c = '#';
	/* The kernel reads the request as 32 bits: a filter comparing all 64
	 * would be fooled (flatpak CVE-2019-10063). */
	if (syscall(SYS_ioctl, tty_fd(), TIOCSTI | (1UL << 32), &c) == 0)
		return say(ESCAPED, "TIOCSTI with high bits set went through");
	if (errno != EPERM)
		return say(ESCAPED, "TIOCSTI|1<<32 failed with %s, not EPERM", strerror(errno));
	return refused("TIOCSTI|1<<32");
}

static int a_tiocsti_i386(void)
{
#ifdef __x86_64__
	char *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long r;

	if (c == MAP_FAILED)
		return say(UNTESTED, "no 32-bit address for the argument");
	*c = '#';
	/* int 0x80: the i386 system call table, ioctl is 54 there. */
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(54), "b"(tty_fd()), "c"(TIOCSTI), "d"((unsigned int)(unsigned long)c)
			 : "memory");
	if (r == 0)
		return say(ESCAPED, "TIOCSTI through the i386 ABI went through");
	if (r != -EPERM)
		return say(ESCAPED, "i386 TIOCSTI failed with %s, not EPERM", strerror((int)-r));
	return say(BLOCKED, "i386 TIOCSTI: %s", strerror((int)-r));
#else
	return say(UNTESTED, "not x86_64");
#endif
}

static int a_tioclinux(void)
{
	char sub = 2; /* TIOCL_SETSEL */
	if (ioctl(tty_fd(), TIOCLINUX, &sub) == 0)
		return say(ESCAPED, "TIOCLINUX worked");
	if (errno != EPERM)
		return say(ESCAPED, "TIOCLINUX failed with %s, not the filter's EPERM", strerror(errno));
	return refused("TIOCLINUX");
}

/* The line discipline it already has (N_TTY): harmless if it got through. */
static int a_tiocsetd(void)
{
	int ldisc = 0; /* N_TTY */
	if (ioctl(tty_fd(), TIOCSETD, &ldisc) == 0)
		return say(ESCAPED, "TIOCSETD worked (N_NULL would leave the terminal dead)");
	if (errno != EPERM)
		return say(ESCAPED, "TIOCSETD failed with %s, not the filter's EPERM", strerror(errno));
	return refused("TIOCSETD");
}

/* The host's pty pool (kernel.pty.max) is shared by every devpts instance:
 * a box must not take it all from other users' logins. */
static int a_pty_pool(void)
{
	int fds[1024], n = 0, err = 0;

	while (n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		fds[n] = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	if (n > 128)
		return say(ESCAPED, "opened %d ptys from the host's shared pool", n);
	if (err != ENOSPC)
		return say(ESCAPED, "ptys stopped at %d with %s, not the box's cap", n, strerror(err));
	return refused("the box's devpts stops at 128 ptys (ENOSPC)");
}

/* --- host resources --------------------------------------------------------------------- */

static int a_abstract_socket(void)
{
	const char *name = get("ABSTRACT");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (!name)
		return say(UNTESTED, "no ABSTRACT");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strncpy(addr.sun_path + 1, name, sizeof(addr.sun_path) - 2);
	if (connect(fd, (struct sockaddr *)&addr,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) == 0)
		return say(ESCAPED, "connected to the host's abstract socket @%s", name);
	return refused("connect(@abstract)");
}

static int a_sysv_shm(void)
{
	const char *key = get("SHMKEY");
	if (!key)
		return say(UNTESTED, "no SHMKEY");
	if (shmget((key_t)atoi(key), 0, 0) >= 0)
		return say(ESCAPED, "found the host's SysV shm segment");
	return refused("shmget(host key)");
}

static int a_host_file(void)
{
	if (can_see_host_mark())
		return say(ESCAPED, "the host marker is visible");
	return say(BLOCKED, "the host marker is not in the box");
}

static int a_other_box(void)
{
	const char *mark = get("OTHERMARK");
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!mark)
		return say(UNTESTED, "no OTHERMARK");
	if (access(mark, F_OK) == 0)
		return say(ESCAPED, "another box's file is visible");
	while (d && (e = readdir(d))) {
		char path[600];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/root%s", e->d_name, mark);
		if (access(path, F_OK) == 0)
			return say(ESCAPED, "another box's file through %s", path);
	}
	if (d)
		closedir(d);
	return say(BLOCKED, "no other box is reachable");
}

static int a_dev_nodes(void)
{
	static const char *const bad[] = { "/dev/mem", "/dev/kmem", "/dev/kmsg", "/dev/vda",
					   "/dev/sda", "/dev/port", "/dev/console", "/dev/tty0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (access(bad[i], F_OK) == 0)
			return say(ESCAPED, "%s is in the box", bad[i]);
	return say(BLOCKED, "no host device nodes beyond the minimal set");
}

static int a_dev_ptmx_swap(void)
{
	if (unlink("/dev/ptmx") == 0 || symlink("/tmp/fifo", "/dev/evil") == 0)
		return say(ESCAPED, "changed /dev (root code opens /dev/ptmx there)");
	return refused("unlink /dev/ptmx");
}

/* ------------------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(void);
} attacks[] = {
	{ "mount_tmpfs", a_mount_tmpfs },
	{ "umount_proc", a_umount_proc },
	{ "umount_dev", a_umount_dev },
	{ "umount_root", a_umount_root },
	{ "remount_root_suid", a_remount_root_suid },
	{ "remount_dev_rw", a_remount_dev_rw },
	{ "mount_proc", a_mount_proc },
	{ "fsopen", a_fsopen },
	{ "open_tree", a_open_tree },
	{ "chroot", a_chroot },
	{ "pivot_root", a_pivot_root },
	{ "root_dotdot", a_root_dotdot },
	{ "proc1_root", a_proc1_root },
	{ "proc_roots", a_proc_roots },
	{ "proc_cwds", a_proc_cwds },
	{ "inherited_fds", a_inherited_fds },
	{ "chroot_fd_climb", a_chroot_fd_climb },
	{ "open_by_handle", a_open_by_handle },
	{ "setns_init_mnt", a_setns_init_mnt },
	{ "setns_init_user", a_setns_init_user },
	{ "unshare_pid", a_unshare_pid },
	{ "unshare_mnt", a_unshare_mnt },
	{ "userns_create", a_userns_create },
	{ "userns_setns", a_userns_setns },
	{ "userns_umount_dev", a_userns_umount_dev },
	{ "userns_umount_proc", a_userns_umount_proc },
	{ "userns_remount_dev_rw", a_userns_remount_dev_rw },
	{ "userns_remount_root_suid", a_userns_remount_root_suid },
	{ "userns_mount_sysfs", a_userns_mount_sysfs },
	{ "userns_mknod", a_userns_mknod },
	{ "ptrace_init", a_ptrace_init },
	{ "proc1_mem", a_proc1_mem },
	{ "vm_readv_init", a_vm_readv_init },
	{ "proc1_exe_write", a_proc1_exe_write },
	{ "control_socket", a_control_socket },
	{ "ptrace_others", a_ptrace_others },
	{ "kill_host_pid", a_kill_host_pid },
	{ "kill_host_pidfd", a_kill_host_pidfd },
	{ "suid_binary", a_suid_binary },
	{ "fcaps_binary", a_fcaps_binary },
	{ "mknod", a_mknod },
	{ "sethostname", a_sethostname },
	{ "setdomainname", a_setdomainname },
	{ "sysctl_hostname", a_sysctl_hostname },
	{ "sysctl_core_pattern", a_sysctl_core_pattern },
	{ "sysrq", a_sysrq },
	{ "drop_caches", a_drop_caches },
	{ "keyring_root", a_keyring_root },
	{ "tiocsti", a_tiocsti },
	{ "tiocsti_highbits", a_tiocsti_highbits },
	{ "tiocsti_i386", a_tiocsti_i386 },
	{ "tioclinux", a_tioclinux },
	{ "tiocsetd", a_tiocsetd },
	{ "pty_pool", a_pty_pool },
	{ "abstract_socket", a_abstract_socket },
	{ "sysv_shm", a_sysv_shm },
	{ "host_file", a_host_file },
	{ "other_box", a_other_box },
	{ "dev_nodes", a_dev_nodes },
	{ "dev_ptmx_swap", a_dev_ptmx_swap },
	{ "kill_everything", a_kill_everything },
	{ "ptrace_pid", a_ptrace_pid },
};
#define N_ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

static const char *const result_names[] = { "blocked", "ESCAPED", "untested" };

static int run_one(size_t i)
{
	int r;

	alarm(10);
	detail[0] = '\0';
	r = attacks[i].fn();
	printf("%s: %s: %s\n", attacks[i].name, result_names[r], detail);
	fflush(stdout);
	return r;
}

/* Every attack in a child of its own: unshare() and chroot() stay there. */
static int run_all(bool skip_kill)
{
	int escaped = 0;

	for (size_t i = 0; i < N_ATTACKS; i++) {
		int status;
		pid_t pid;
		if (skip_kill && (strcmp(attacks[i].name, "kill_everything") == 0 ||
				  strcmp(attacks[i].name, "ptrace_pid") == 0))
			continue;
		pid = fork();
		if (pid == 0)
			_exit(run_one(i));
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status)) {
			printf("%s: untested: died of signal %d\n", attacks[i].name, WTERMSIG(status));
			fflush(stdout);
		} else if (WEXITSTATUS(status) == ESCAPED)
			escaped++;
	}
	return escaped ? 1 : 0;
}

static int print_euid(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };

	syscall(SYS_capget, &hdr, data);
	/* A setuid-root or cap_setuid binary that worked would get here
	 * with euid 0 or could become root now. */
	if (setuid(0) == 0)
		printf("0 (setuid(0) worked) ");
	printf("%u caps=%08x%08x\n", (unsigned)geteuid(), data[1].effective, data[0].effective);
	return 0;
}

static int set_file_caps(const char *file)
{
	/* struct vfs_cap_data, revision 2: cap_setuid (7) permitted, effective. */
	struct {
		unsigned int magic_etc;
		struct {
			unsigned int permitted, inheritable;
		} data[2];
	} caps = { 0x02000000 | 1 /* VFS_CAP_REVISION_2 | EFFECTIVE */, { { 1U << 7, 0 }, { 0, 0 } } };

	if (setxattr(file, "security.capability", &caps, sizeof(caps), 0) < 0) {
		perror("setxattr security.capability");
		return 1;
	}
	return 0;
}

/* Host side: hold an abstract unix socket open until killed. */
static int serve_abstract(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strncpy(addr.sun_path + 1, name, sizeof(addr.sun_path) - 2);
	if (bind(fd, (struct sockaddr *)&addr,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) < 0 ||
	    listen(fd, 16) < 0) {
		perror("bind abstract");
		return 1;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

/* Host side: run CMD in a new session keyring holding a key of root's;
 * "@KEYID@" in CMD's arguments becomes the key's id. */
/* Listen on PATH, then move into a new user namespace and hand an fd of
 * it to whoever connects (bound first: in the new namespace, with no
 * maps, the file could not be made). */
static int serve_userns(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), ns;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0) {
		perror("bind");
		return 1;
	}
	if (unshare(CLONE_NEWUSER) < 0 || (ns = open("/proc/self/ns/user", O_RDONLY)) < 0) {
		perror("user namespace");
		return 1;
	}
	printf("serving\n");
	fflush(stdout);
	for (;;) {
		char byte = 'u', cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				      .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		int conn = accept(fd, NULL, NULL);

		if (conn < 0)
			continue;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &ns, sizeof(int));
		(void)sendmsg(conn, &msg, 0);
		close(conn);
	}
}

static int with_key(char **cmd)
{
	char id[32];
	long key;

	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0) {
		perror("keyctl join");
		return 1;
	}
	key = syscall(SYS_add_key, "user", "nsbox-test-secret", "s3cret", 6,
		      -3 /* KEY_SPEC_SESSION_KEYRING */);
	if (key < 0) {
		perror("add_key");
		return 1;
	}
	snprintf(id, sizeof(id), "KEYID=%ld", key);
	for (char **a = cmd; *a; a++) {
		char *at = strstr(*a, "@KEYID@"), *joined;
		if (!at || asprintf(&joined, "%.*s%s%s", (int)(at - *a), *a, id, at + 7) < 0)
			continue;
		*a = joined;
	}
	execvp(cmd[0], cmd);
	perror(cmd[0]);
	return 127;
}

/* Host side: run CMD with a pidfd of PID open; "@PIDFD@" in CMD's
 * arguments becomes PIDFD=<its number>. */
static int with_pidfd(const char *pid, char **cmd)
{
	char arg[32];
	int fd = (int)syscall(SYS_pidfd_open, atoi(pid), 0);

	if (fd < 0 || fcntl(fd, F_SETFD, 0) < 0) { /* pidfds are born close-on-exec */
		perror("pidfd_open");
		return 1;
	}
	snprintf(arg, sizeof(arg), "PIDFD=%d", fd);
	for (char **a = cmd; *a; a++)
		if (strcmp(*a, "@PIDFD@") == 0)
			*a = arg;
	execvp(cmd[0], cmd);
	perror(cmd[0]);
	return 127;
}

/* A bounded fork bomb: fork up to N sleeping children, say how many it
 * got and why it stopped, then end them. */
static int forks(int n)
{
	int got = 0, err = 0;
	pid_t *kids = calloc((size_t)n, sizeof(pid_t));

	for (int i = 0; i < n && kids; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		kids[got++] = pid;
	}
	printf("forked=%d stopped_by=%s\n", got, err ? strerror(err) : "none");
	fflush(stdout);
	for (int i = 0; i < got; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}

/* Lower box init's open-file limit (it runs as the user's uid): what a
 * user can do to their own box, which must not make init spin or root's
 * commands hang. */
static int starve_init(int nofile)
{
	struct rlimit lim = { (rlim_t)nofile, (rlim_t)nofile };

	if (prlimit(1, RLIMIT_NOFILE, &lim, NULL) < 0) {
		printf("starve=%s\n", strerror(errno));
		return 1;
	}
	printf("starve=done\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "forks") == 0 && argc == 3)
		return forks(atoi(argv[2]));
	if (strcmp(argv[1], "starve-init") == 0 && argc == 3)
		return starve_init(atoi(argv[2]));
	if (strcmp(argv[1], "serve-userns") == 0 && argc == 3)
		return serve_userns(argv[2]);
	if (strcmp(argv[1], "serve-abstract") == 0 && argc == 3)
		return serve_abstract(argv[2]);
	if (strcmp(argv[1], "with-key") == 0 && argc >= 3)
		return with_key(argv + 2);
	if (strcmp(argv[1], "with-pidfd") == 0 && argc >= 4)
		return with_pidfd(argv[2], argv + 3);
	for (int i = 2, n = 0; i < argc && n < 15; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq) {
			*eq = '\0';
			ctx[n][0] = argv[i];
			ctx[n++][1] = eq + 1;
		}
	}
	if (strcmp(argv[1], "threads") == 0)
		return threads_and_forks();
	if (strcmp(argv[1], "euid") == 0)
		return print_euid();
	if (strcmp(argv[1], "setcap") == 0 && argc == 3)
		return set_file_caps(argv[2]);
	if (strcmp(argv[1], "list") == 0) {
		for (size_t i = 0; i < N_ATTACKS; i++)
			printf("%s\n", attacks[i].name);
		return 0;
	}
	if (strcmp(argv[1], "all") == 0)
		return run_all(true);
	if (strcmp(argv[1], "run") == 0 && argc >= 3) {
		/* "run NAME": shift the context past NAME. */
		for (size_t i = 0; i < N_ATTACKS; i++)
			if (strcmp(attacks[i].name, argv[2]) == 0)
				return run_one(i);
		fprintf(stderr, "no attack %s\n", argv[2]);
		return 2;
	}
	return 2;
}
