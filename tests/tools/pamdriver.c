/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pamdriver: a pamtester that stays in one process, for the tests.
 *
 *   pamdriver [options] SERVICE USER
 *     -n N         open and close the session N times (default 1)
 *     -c CMD       between open and close, fork and run CMD with /bin/sh -c
 *                  as USER (like su does); its output goes to stdout
 *     -t           start a second thread first (pam_nsbox must refuse)
 *     -o           open only, never close (pam_end then runs the cleanup)
 *     -C           call close_session without a prior open, then again
 *     -w PATH      after open, as root (the application), try to write PATH
 *                  and print root_write=OK or the error
 *     -e           open, then pam_end without close_session; print
 *                  ns_back=yes if the process is in the namespaces it
 *                  started in (mnt, uts, ipc, pid for children), and
 *                  seccomp=MODE from /proc/self/status
 *     -s MODE      SIGCHLD as a login program may have it: "handler" (one
 *                  that reaps every child, waitpid(-1) as sshd's), or
 *                  "ignore" (SIG_IGN); prints, at the end, sigchld_reaped=N
 *                  (children the handler reaped) and sigchld_kept=yes|no
 *                  (the action is still the one set); with "ignore", a
 *                  child of its own exits 0.3 s after the start, and
 *                  other_child=gone|zombie says whether it was reaped
 *     -F N         first open N more fds (of /dev/null), as a login program
 *                  with files of its own open
 *     -2           open, then open a second session on a second handle in
 *                  the same process; close the first, then the second;
 *                  print open2=N and ns_back=yes|no
 *
 * Prints one line per event (conv_error=TEXT for a PAM_ERROR_MSG the modules
 * send) and, at the end:
 *   fds_before=A fds_after=B rss_kb_before=C rss_kb_after=D children_left=E
 * fds/rss "before" are taken after the first cycle, when the libraries PAM
 * loads lazily are in, so growth means a leak. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Messages are printed as "conv_error=TEXT" / "conv_info=TEXT" (what su
 * would show on stderr); a prompt fails, as nothing should ask here. */
static int print_conv(int n, const struct pam_message **msg, struct pam_response **resp,
		      void *data)
{
	struct pam_response *r;

	(void)data;
	if (n <= 0)
		return PAM_CONV_ERR;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style != PAM_ERROR_MSG && msg[i]->msg_style != PAM_TEXT_INFO)
			return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		printf("conv_%s=%s\n", msg[i]->msg_style == PAM_ERROR_MSG ? "error" : "info",
		       msg[i]->msg);
	*resp = r;
	return PAM_SUCCESS;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void *sleeper(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* Like su: the user is looked up before the session opens (inside the box
 * the name service reads the box's /etc/passwd). */
static struct passwd user_pw;

static int run_as(const char *cmd)
{
	struct passwd *pw = &user_pw;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0)
			_exit(126);
		if (chdir(pw->pw_dir) < 0 && chdir("/") < 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *const ns_names[] = { "mnt", "uts", "ipc", "pid_for_children" };

static void ns_ids(unsigned long ids[4])
{
	char path[64];
	struct stat st;

	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
		ids[i] = stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
	}
}

/* The Seccomp: line of /proc/self/status, as seccomp=MODE (0: no filter):
 * whether a refused session left a filter on the application. */
static void print_seccomp(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp:", 8) == 0)
			printf("seccomp=%d\n", atoi(line + 8));
	if (f)
		fclose(f);
}

/* -e and -2: whether the process is back in the namespaces it started in. */
static int end_without_close(const char *service, const char *user, bool second)
{
	struct pam_conv conv = { print_conv, NULL };
	unsigned long before[4], after[4];
	pam_handle_t *pamh, *pamh2;
	int r;

	ns_ids(before);
	/* Both handles first: inside a box, pam_start would read its pam.d. */
	if (pam_start(service, user, &conv, &pamh) != PAM_SUCCESS ||
	    (second && pam_start(service, user, &conv, &pamh2) != PAM_SUCCESS)) {
		printf("pam_start failed\n");
		return 1;
	}
	r = pam_open_session(pamh, 0);
	printf("open=%d (%s)\n", r, pam_strerror(pamh, r));
	if (second) {
		r = pam_open_session(pamh2, 0);
		printf("open2=%d (%s)\n", r, pam_strerror(pamh2, r));
		pam_close_session(pamh, 0);
		pam_end(pamh, PAM_SUCCESS);
		if (r == PAM_SUCCESS)
			pam_close_session(pamh2, 0);
		pam_end(pamh2, PAM_SUCCESS);
	} else {
		pam_end(pamh, PAM_SUCCESS);
	}
	ns_ids(after);
	printf("ns_back=%s\n", memcmp(before, after, sizeof(before)) == 0 ? "yes" : "no");
	print_seccomp();
	fflush(NULL);
	_exit(0); /* as -o: possibly still in a box */
}

static int children_left(void)
{
	int n = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		n++;
	return n;
}

static volatile sig_atomic_t sigchld_reaped;

static void reap_all(int sig)
{
	int saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		sigchld_reaped++;
	errno = saved;
}

/* -s: set SIGCHLD's action; 0, or -1 for an unknown MODE. */
static int set_sigchld(const char *mode, struct sigaction *ret)
{
	struct sigaction sa = { 0 };

	if (strcmp(mode, "handler") == 0)
		sa.sa_handler = reap_all;
	else if (strcmp(mode, "ignore") == 0)
		sa.sa_handler = SIG_IGN;
	else
		return -1;
	sa.sa_flags = SA_RESTART;
	*ret = sa;
	return sigaction(SIGCHLD, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct pam_conv conv = { print_conv, NULL };
	const char *cmd = NULL, *write_path = NULL, *sigchld = NULL;
	struct sigaction chld_set = { 0 };
	pid_t kid = -1;
	bool thread = false, open_only = false, close_first = false, end_only = false,
	     second = false;
	int cycles = 1, c, fds_before = -1;
	long rss_before = -1;
	pam_handle_t *pamh;
	int r, failures = 0;

	while ((c = getopt(argc, argv, "n:c:toCw:e2s:F:")) != -1) {
		switch (c) {
		case 'F':
			for (int i = atoi(optarg); i > 0; i--)
				if (open("/dev/null", O_RDONLY) < 0)
					return 1;
			break;
		case 's': sigchld = optarg; break;
		case 'w': write_path = optarg; break;
		case 'n': cycles = atoi(optarg); break;
		case 'c': cmd = optarg; break;
		case 't': thread = true; break;
		case 'o': open_only = true; break;
		case 'C': close_first = true; break;
		case 'e': end_only = true; break;
		case '2': second = true; break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: pamdriver [-n N] [-c CMD] [-t] [-o] [-C] SERVICE USER\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sigchld && set_sigchld(sigchld, &chld_set) < 0) {
		fprintf(stderr, "pamdriver: -s handler|ignore\n");
		return 2;
	}
	if (sigchld && chld_set.sa_handler == SIG_IGN && (kid = fork()) == 0) {
		usleep(300000);
		_exit(0);
	}
	if (end_only || second)
		return end_without_close(argv[optind], argv[optind + 1], second);
	if (cmd) {
		struct passwd *pw = getpwnam(argv[optind + 1]);
		if (!pw) {
			printf("unknown user %s\n", argv[optind + 1]);
			return 1;
		}
		user_pw = *pw;
		user_pw.pw_name = strdup(pw->pw_name);
		user_pw.pw_dir = strdup(pw->pw_dir);
	}
	if (thread) {
		pthread_t t;
		pthread_create(&t, NULL, sleeper, NULL);
	}
	r = pam_start(argv[optind], argv[optind + 1], &conv, &pamh);
	if (r != PAM_SUCCESS) {
		printf("pam_start=%d\n", r);
		return 1;
	}
	if (close_first) {
		printf("close_without_open=%d\n", pam_close_session(pamh, 0));
		printf("close_again=%d\n", pam_close_session(pamh, 0));
	}
	struct rlimit nofile_before;
	getrlimit(RLIMIT_NOFILE, &nofile_before);
	int nice_before = getpriority(PRIO_PROCESS, 0);
	for (int i = 0; i < cycles; i++) {
		r = pam_open_session(pamh, 0);
		if (cycles == 1 || r != PAM_SUCCESS)
			printf("open=%d (%s)\n", r, pam_strerror(pamh, r));
		if (r != PAM_SUCCESS) {
			failures++;
			continue;
		}
		if (write_path) {
			int fd = open(write_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
			printf("root_write=%s\n", fd >= 0 ? "OK" : strerror(errno));
			if (fd >= 0)
				close(fd);
		}
		if (cmd)
			printf("cmd_status=%d\n", run_as(cmd));
		if (open_only)
			break;
		r = pam_close_session(pamh, 0);
		if (cycles == 1 || r != PAM_SUCCESS)
			printf("close=%d (%s)\n", r, pam_strerror(pamh, r));
		if (r != PAM_SUCCESS)
			failures++;
		if (i == 0) {
			fds_before = count_fds();
			rss_before = rss_kb();
		}
	}
	struct rlimit nofile_after;
	getrlimit(RLIMIT_NOFILE, &nofile_after);
	printf("failures=%d\n", failures);
	/* What the module changed on the application for the session, after
	 * the last close: it must be back. */
	printf("nice_restored=%s nofile_restored=%s (%llu/%llu, then %llu/%llu)\n",
	       getpriority(PRIO_PROCESS, 0) == nice_before ? "yes" : "no",
	       nofile_after.rlim_cur == nofile_before.rlim_cur &&
			       nofile_after.rlim_max == nofile_before.rlim_max
		       ? "yes"
		       : "no",
	       (unsigned long long)nofile_before.rlim_cur, (unsigned long long)nofile_before.rlim_max,
	       (unsigned long long)nofile_after.rlim_cur, (unsigned long long)nofile_after.rlim_max);
	if (kid > 0) { /* before children_left() reaps it */
		usleep(400000); /* it has exited by now */
		printf("other_child=%s\n", waitpid(kid, NULL, WNOHANG) == kid ? "zombie" : "gone");
	}
	printf("fds_before=%d fds_after=%d rss_kb_before=%ld rss_kb_after=%ld children_left=%d\n",
	       fds_before, count_fds(), rss_before, rss_kb(), children_left());
	if (sigchld) {
		struct sigaction now;
		sigset_t mask;

		sigaction(SIGCHLD, NULL, &now);
		sigprocmask(SIG_SETMASK, NULL, &mask);
		printf("sigchld_reaped=%d sigchld_kept=%s\n", (int)sigchld_reaped,
		       now.sa_handler == chld_set.sa_handler && !sigismember(&mask, SIGCHLD) ? "yes"
											    : "no");

	}
	pam_end(pamh, PAM_SUCCESS);
	/* -o: still in the box's namespaces, as an application that never
	 * closed. Exit at once: in a SANITIZE=1 build LeakSanitizer's
	 * exit-time tracer would be born in the box's PID namespace, unable
	 * to see this process, and spin. */
	if (open_only) {
		fflush(NULL);
		_exit(failures ? 1 : 0);
	}
	return failures ? 1 : 0;
}
