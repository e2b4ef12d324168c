/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The admin commands: nsbox list, nsbox enter, nsbox stop. Root only: they
 * read /run/nsbox (root's, 0700) and act on boxes through pidfds verified
 * against their records (registry.c), never through a pid from /proc. */
#include "admin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "../common/paths.h"
#include "../common/protocol.h"
#include "../common/syscalls.h"
#include "../common/timeouts.h"
#include "../common/ttyfilter.h"
#include "box.h"
#include "boxsocket.h"
#include "exitcodes.h"
#include "log.h"
#include "registry.h"

static bool need_root(const char *cmd)
{
	if (geteuid() == 0)
		return true;
	log_error("%s: only root may manage boxes (they are recorded in %s)", cmd, NSBOX_RUN_DIR);
	return false;
}

/* The memory of a box: the resident memory of every process of its PID
 * namespace (box init's), from the host's /proc. */
static long box_memory_kb(pid_t init)
{
	char path[300], line[128];
	struct stat ns, other;
	struct dirent *e;
	long total = 0, kb;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	if (stat(path, &ns) < 0 || !(d = opendir("/proc")))
		return -1;
	while ((e = readdir(d))) {
		FILE *f;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
		if (stat(path, &other) < 0 || other.st_ino != ns.st_ino || other.st_dev != ns.st_dev)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
				total += kb;
		fclose(f);
	}
	closedir(d);
	return total;
}

static int box_sessions(const struct box_record *r)
{
	char path[PATH_MAX];
	int n = -1;

	if (!r->shared)
		return 1;
	box_socket_path(r->id, path, sizeof(path));
	return query_box_sessions(path, &n) == 0 ? n : -1;
}

static void format_age(long long seconds, char *buf, size_t size)
{
	if (seconds < 60)
		snprintf(buf, size, "%llds", seconds);
	else if (seconds < 3600)
		snprintf(buf, size, "%lldm%02llds", seconds / 60, seconds % 60);
	else if (seconds < 86400)
		snprintf(buf, size, "%lldh%02lldm", seconds / 3600, seconds / 60 % 60);
	else
		snprintf(buf, size, "%lldd%02lldh", seconds / 86400, seconds / 3600 % 24);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct box_record *all, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		const struct box_record *r = &all[i];
		printf("%s\n  {\"id\": ", i ? "," : "");
		json_string(r->id);
		printf(", \"user\": ");
		json_string(r->user);
		printf(", \"uid\": %u, \"rule\": ", r->uid);
		json_string(r->rule);
		printf(", \"shared\": %s, \"pid\": %d, \"sessions\": %d, \"age_seconds\": %lld, "
		       "\"memory_kb\": %ld, \"rootfs\": ",
		       r->shared ? "true" : "false", (int)r->pid, box_sessions(r),
		       (long long)time(NULL) - r->created, box_memory_kb(r->pid));
		json_string(r->rootfs);
		printf("}");
	}
	printf("%s]\n", n ? "\n" : "");
}

static void print_table(const struct box_record *all, size_t n)
{
	printf("%-24s %-12s %-12s %-8s %-8s %-9s %s\n", "ID", "USER", "RULE", "PID", "SESSIONS",
	       "AGE", "MEMORY");
	for (size_t i = 0; i < n; i++) {
		const struct box_record *r = &all[i];
		char age[32], sessions[16];
		int s = box_sessions(r);

		format_age((long long)time(NULL) - r->created, age, sizeof(age));
		snprintf(sessions, sizeof(sessions), s < 0 ? "?" : "%d%s", s,
			 r->shared ? " shared" : "");
		printf("%-24s %-12s %-12s %-8d %-8s %-9s %ldK\n", r->id, r->user, r->rule,
		       (int)r->pid, sessions, age, box_memory_kb(r->pid));
	}
}

int cmd_list(int argc, char **argv)
{
	_cleanup_free_ struct box_record *all = NULL;
	bool json = argc == 2 && streq(argv[1], "--json");
	size_t n;

	if (argc > 2 || (argc == 2 && !json)) {
		log_error("usage: nsbox list [--json]");
		return EXIT_USAGE;
	}
	if (!need_root("list"))
		return EXIT_USAGE;
	if (registry_list(&all, &n) < 0)
		return EXIT_NO_BOX;
	if (json)
		print_json(all, n);
	else
		print_table(all, n);
	return 0;
}

/* The boxes NAME means: one box id, or every box of user NAME. */
static int find_boxes(const char *name, struct box_record **ret, size_t *ret_n)
{
	_cleanup_free_ struct box_record *all = NULL;
	size_t n, found = 0;
	int r = registry_list(&all, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (streq(all[i].id, name) || streq(all[i].user, name))
			all[found++] = all[i];
	if (found == 0) {
		log_error("no box %s (nsbox list shows the boxes)", name);
		return -ENOENT;
	}
	*ret = TAKE_PTR(all);
	*ret_n = found;
	return 0;
}

/* The start of nsbox stop and enter: arguments (ARGS_OK, else USAGE),
 * root, and the boxes NAME means. Returns 0, or the exit status. */
static int boxes_for(const char *cmd, bool args_ok, const char *usage, const char *name,
		     struct box_record **ret, size_t *ret_n)
{
	if (!args_ok) {
		log_error("usage: %s", usage);
		return EXIT_USAGE;
	}
	if (!need_root(cmd))
		return EXIT_USAGE;
	return find_boxes(name, ret, ret_n) < 0 ? EXIT_NO_BOX : 0;
}

int cmd_stop(int argc, char **argv)
{
	_cleanup_free_ struct box_record *boxes = NULL;
	size_t n;
	int failed = 0, r;

	r = boxes_for("stop", argc == 2, "nsbox stop BOX|USER", argv[1], &boxes, &n);
	if (r != 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int pidfd = -1;

		if (box_pidfd(&boxes[i], &pidfd) < 0) {
			registry_remove(boxes[i].id); /* gone meanwhile */
			continue;
		}
		/* PID 1 dies, and the kernel kills the rest of the box. */
		if (sys_pidfd_send_signal(pidfd, SIGKILL) < 0) {
			log_errno(errno, "kill box %s", boxes[i].id);
			failed++;
			continue;
		}
		if (!pidfd_exits_within(pidfd, STOP_TIMEOUT_MS)) {
			log_error("box %s did not stop within %d s", boxes[i].id,
				  STOP_TIMEOUT_MS / 1000);
			failed++;
			continue;
		}
		registry_remove(boxes[i].id);
		printf("stopped %s\n", boxes[i].id);
	}
	return failed ? EXIT_NO_BOX : 0;
}

/* CMD runs as root with every capability in a tree the user may partly
 * write (binds, tmpfs, an overlay's upper layer): it gets a fixed PATH of
 * the directories checked at box creation, an environment of its own, none
 * of our file descriptors but 0-2 (a host directory fd would be a way out,
 * runc CVE-2024-21626 class), and no TIOCSTI into root's terminal for
 * anything it starts as the user (su in the box). */
static _noreturn_ void exec_in_box(char **argv, const char *id)
{
	const char *term = getenv("TERM");
	char term_var[128];

	if (term && strlen(term) < 64)
		snprintf(term_var, sizeof(term_var), "%s", term);
	else
		term_var[0] = '\0';
	if (clearenv() != 0 || setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0 ||
	    setenv("HOME", "/root", 1) < 0 || (term_var[0] && setenv("TERM", term_var, 1) < 0) ||
	    setenv("container", "nsbox", 1) < 0)
		_exit(EXIT_CANNOT_EXEC);
	/* The command may become the user (su in the box): it gets what a
	 * session gets, no typing into terminals and no user namespaces. */
	if (sys_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0 || install_tty_filter() < 0 ||
	    install_userns_filter() < 0) {
		log_errno(errno, "hardening the command for box %s", id);
		_exit(EXIT_CANNOT_EXEC);
	}
	if (chdir("/") < 0)
		_exit(EXIT_CANNOT_EXEC);
	execvp(argv[0], argv);
	log_errno(errno, "%s in box %s", argv[0], id);
	_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* A child of ours that joins the box's namespaces and forks CMD there
 * (born in the box's PID namespace); it exits with CMD's status. This
 * process never leaves the host's namespaces. */
static _noreturn_ void join_and_run(const struct box_record *r, int pidfd, int flags, char **cmd)
{
	int status;
	pid_t pid;

	if (setns(pidfd, flags) < 0) {
		log_errno(errno, "setns(box %s)", r->id);
		_exit(EXIT_NO_BOX);
	}
	pid = fork_or_exit(EXIT_NO_BOX);
	if (pid == 0)
		exec_in_box(cmd, r->id);
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		_exit(EXIT_NO_BOX);
	_exit(status_to_exit_code(status));
}

/* Like nsenter or machinectl shell: root joins the box's namespaces (not
 * its user namespace: it stays root) and runs CMD there. */
static int enter_and_run(const struct box_record *r, char **cmd)
{
	static char *shell[] = { "/bin/sh", "-l", NULL };
	int flags = BOX_JOIN_NS;
	_cleanup_close_ int pidfd = -1;
	bool own_net;
	int status;
	pid_t pid;

	if (box_pidfd(r, &pidfd) < 0 || box_has_own_net(pidfd, r->pid, &own_net) < 0) {
		log_error("box %s is gone", r->id);
		return EXIT_NO_BOX;
	}
	if (own_net)
		flags |= CLONE_NEWNET;
	pid = fork();
	if (pid < 0)
		return log_errno(errno, "fork()"), EXIT_NO_BOX;
	if (pid == 0)
		join_and_run(r, pidfd, flags, cmd && cmd[0] ? cmd : shell);
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		return log_errno(errno, "waitpid()"), EXIT_NO_BOX;
	return status_to_exit_code(status);
}

int cmd_enter(int argc, char **argv)
{
	_cleanup_free_ struct box_record *boxes = NULL;
	size_t n;
	int r;

	r = boxes_for("enter", argc >= 2 && (argc == 2 || streq(argv[2], "--")),
		      "nsbox enter BOX|USER [-- CMD [ARGS...]]", argv[1], &boxes, &n);
	if (r != 0)
		return r;
	if (n > 1) {
		log_error("%s has %zu boxes; name one:", argv[1], n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s\n", boxes[i].id);
		return EXIT_USAGE;
	}
	return enter_and_run(&boxes[0], argc > 3 ? argv + 3 : NULL);
}
