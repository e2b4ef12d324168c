/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ttythief: what a confined user does with the standard fds su gave her
 * session. Static (the box has no libc). Run by tests/escape/terminal.t.
 *
 *   ttythief serve SOCK LOG  (another box of hers) take fds over SOCK, log
 *                            each one's device; once LOG.go exists (the
 *                            session it came from is over), log all it reads
 *   ttythief give SOCK       send fds 0, 1, 2 and /dev/tty over SOCK
 *   ttythief ftruncate FD    cut the file behind FD to nothing
 *   ttythief ptrace PID      try PTRACE_ATTACH, print the errno name
 *   ttythief ctty-size R C   set the window size through /dev/tty
 *
 * and, for tests/escape/ptys.t, with the ptys of a box's /dev/ptmx:
 *   ttythief hold-ptys N STOP   open up to N, print "PTYS=K (why it stopped)",
 *                               hold them until the file STOP exists
 *   ttythief give-ptys N SOCK   open up to N and send them over SOCK
 *   ttythief keep SOCK LOG      (another box) take ptys over SOCK, hold them
 *                               all, log "KEPT total" after each batch
 *   ttythief own-devpts N DIR   in a user and mount namespace of its own,
 *                               mount a devpts of its own on DIR (made if
 *                               missing) and open up to N ptys there: print
 *                               "OWN=K (why it stopped)"
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 4

static int sock_at(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	return socket(AF_UNIX, SOCK_STREAM, 0);
}

static int recv_fds(int conn, int *fds)
{
	char byte, control[CMSG_SPACE(MAX_FDS * sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;

	if (recvmsg(conn, &msg, 0) <= 0 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS)
		return 0;
	memcpy(fds, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
	return (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
}

/* Every byte any received fd yields goes to LOG, until all are dead. */
static int serve(const char *path, const char *log)
{
	struct sockaddr_un sa;
	int s = sock_at(path, &sa), conn, fds[MAX_FDS], n, live;
	FILE *out = fopen(log, "a");
	struct pollfd p[MAX_FDS];
	char go[4096];

	if (s < 0 || !out || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		return perror("serve"), 1;
	setvbuf(out, NULL, _IONBF, 0);
	fprintf(out, "listening\n");
	if ((conn = accept(s, NULL, NULL)) < 0 || (n = recv_fds(conn, fds)) <= 0)
		return fprintf(out, "no fds\n"), 1;
	for (int i = 0; i < n; i++) {
		struct stat st;
		fstat(fds[i], &st);
		fprintf(out, "fd%d rdev=%u:%u dev=%u\n", i, major(st.st_rdev), minor(st.st_rdev),
			(unsigned)st.st_dev);
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	}
	fprintf(out, "got %d fds\n", n);
	snprintf(go, sizeof(go), "%s.go", log);
	while (access(go, F_OK) < 0)
		usleep(50 * 1000);
	fprintf(out, "reading\n");
	for (live = n; live > 0;) {
		if (poll(p, (nfds_t)n, -1) < 0)
			break;
		for (int i = 0; i < n; i++) {
			char buf[256];
			ssize_t r;
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = read(p[i].fd, buf, sizeof(buf));
			if (r <= 0) {
				fprintf(out, "fd%d: %s\n", i, r == 0 ? "EOF" : strerror(errno));
				p[i].fd = -1;
				live--;
				continue;
			}
			fprintf(out, "read from fd%d: %.*s\n", i, (int)r, buf);
		}
	}
	fprintf(out, "all dead\n");
	return 0;
}

static int give(const char *path)
{
	struct sockaddr_un sa;
	int s = sock_at(path, &sa), fds[MAX_FDS] = { 0, 1, 2, -1 }, n = 3;
	char byte = 'F', control[CMSG_SPACE(MAX_FDS * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = CMSG_SPACE(MAX_FDS * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	fds[3] = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (fds[3] >= 0)
		n = 4;
	else
		printf("no /dev/tty: %s\n", strerror(errno));
	msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || sendmsg(s, &msg, 0) != 1)
		return perror("give"), 1;
	printf("GAVE %d fds\n", n);
	return 0;
}

#define MAX_PTYS 200

/* Up to N ptys of /dev/ptmx in FDS; prints how many and why it stopped. */
static int open_ptys(int n, int *fds)
{
	int k = 0;

	if (n > MAX_PTYS)
		n = MAX_PTYS;
	while (k < n && (fds[k] = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0)
		k++;
	printf("PTYS=%d (%s)\n", k, k < n ? strerror(errno) : "all asked for");
	fflush(stdout);
	return k;
}

static int hold_ptys(int n, const char *stop)
{
	int fds[MAX_PTYS];

	open_ptys(n, fds);
	for (int i = 0; i < 120 * 20 && access(stop, F_OK) < 0; i++)
		usleep(50 * 1000);
	return 0;
}

static int give_ptys(int n, const char *path)
{
	struct sockaddr_un sa;
	int s = sock_at(path, &sa), fds[MAX_PTYS], k = open_ptys(n, fds);
	char byte = 'P', control[CMSG_SPACE(MAX_PTYS * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = CMSG_SPACE(k * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	if (k == 0)
		return 1;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(k * sizeof(int));
	memcpy(CMSG_DATA(c), fds, k * sizeof(int));
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || sendmsg(s, &msg, 0) != 1)
		return perror("give-ptys"), 1;
	/* Wait for the keeper to close: only then does it hold them. */
	if (read(s, &byte, 1) < 0)
		return perror("give-ptys: read"), 1;
	printf("GAVE %d\n", k);
	return 0;
}

static int keep(const char *path, const char *log)
{
	struct sockaddr_un sa;
	int s = sock_at(path, &sa), conn, total = 0;
	FILE *out = fopen(log, "a");

	if (s < 0 || !out || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 8) < 0)
		return perror("keep"), 1;
	setvbuf(out, NULL, _IONBF, 0);
	fprintf(out, "listening\n");
	while ((conn = accept(s, NULL, NULL)) >= 0) {
		char byte, control[CMSG_SPACE(MAX_PTYS * sizeof(int))];
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				      .msg_controllen = sizeof(control) };
		struct cmsghdr *c;

		if (recvmsg(conn, &msg, 0) > 0 && (c = CMSG_FIRSTHDR(&msg)) && c->cmsg_type == SCM_RIGHTS)
			total += (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		fprintf(out, "KEPT %d\n", total);
		close(conn); /* the fds stay open here */
	}
	return 0;
}

/* Past any ptys_max: an instance of one's own draws on the host's pool. */
static int own_devpts(int n, const char *dir)
{
	char ptmx[4096];
	int k = 0;

	(void)mkdir(dir, 0700);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return printf("OWN=0 (unshare(USER|NS): %s)\n", strerror(errno)), 0;
	if (mount("devpts", dir, "devpts", 0, "newinstance,ptmxmode=0666") < 0)
		return printf("OWN=0 (mount devpts: %s)\n", strerror(errno)), 0;
	snprintf(ptmx, sizeof(ptmx), "%s/ptmx", dir);
	for (; k < n; k++)
		if (open(ptmx, O_RDWR | O_NOCTTY) < 0)
			return printf("OWN=%d (%s)\n", k, strerror(errno)), 0;
	return printf("OWN=%d (all)\n", k), 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "own-devpts") == 0)
		return own_devpts(atoi(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "hold-ptys") == 0)
		return hold_ptys(atoi(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "give-ptys") == 0)
		return give_ptys(atoi(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "keep") == 0)
		return keep(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "give") == 0)
		return give(argv[2]);
	if (argc == 3 && strcmp(argv[1], "ftruncate") == 0) {
		if (ftruncate(atoi(argv[2]), 0) == 0)
			return fprintf(stderr, "TRUNCATED\n"), 0;
		return fprintf(stderr, "ftruncate: %s\n", strerror(errno)), 1;
	}
	if (argc == 4 && strcmp(argv[1], "ctty-size") == 0) {
		struct winsize ws = { .ws_row = (unsigned short)atoi(argv[2]),
				      .ws_col = (unsigned short)atoi(argv[3]) };
		int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
		if (fd < 0 || ioctl(fd, TIOCSWINSZ, &ws) < 0)
			return printf("/dev/tty: %s\n", strerror(errno)), 1;
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "ptrace") == 0) {
		if (ptrace(PTRACE_ATTACH, atoi(argv[2]), NULL, NULL) == 0)
			return printf("PTRACE_OK\n"), 0;
		return printf("ptrace: %s\n", errno == EPERM ? "EPERM" : strerror(errno)), 1;
	}
	fprintf(stderr, "usage: see the top of ttythief.c\n");
	return 2;
}
