/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boxes: how nsbox scales. Creates N live boxes for USER the way
 * pam_nsbox does (spawn the helper, protocol on fd 3, keep the socket and
 * box init's pidfd) without joining them, then tears them all down.
 *
 *   boxes -n N -u USER -c CONFIG -H HELPER [-b BATCH] [-p]
 *
 * Prints CSV lines:
 *   batch,BOXES_SO_FAR,MS_PER_BOX          creation time per box, per batch
 *   summary,N,create_ms_per_box,kernel_kb_per_box,init_rss_kb,teardown_ms_per_box,
 *           init_pss_kb,init_private_kb
 * Kernel memory is the growth of Slab + KernelStack + PageTables in
 * /proc/meminfo while the boxes live, divided by N. With -p, also where it
 * goes, per box:
 *   meminfo,FIELD,KB_PER_BOX          Slab, SUnreclaim, KernelStack,
 *                                     PageTables, Percpu (not in the total)
 *   slab,CACHE,KB_PER_BOX             the slab caches that grew most
 *   smaps,MAPPING,RSS_KB,PSS_KB,PRIVATE_KB   box init's mappings
 * Must run as root. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/protocol.h"
#include "../common/syscalls.h"
#include "meminfo.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define MAX_SLABS 512
struct slabs {
	char name[MAX_SLABS][64];
	long kb[MAX_SLABS];
	int n;
};

/* The memory each slab cache holds (its slabs, whole pages). */
static void slab_snapshot(struct slabs *s)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	while (f && fgets(line, sizeof(line), f) && s->n < MAX_SLABS) {
		long active, num, size, per, pages, nslabs;
		char name[64];

		if (sscanf(line, "%63s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   name, &active, &num, &size, &per, &pages, &nslabs) != 7)
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->kb[s->n++] = nslabs * pages * (sysconf(_SC_PAGESIZE) / 1024);
	}
	if (f)
		fclose(f);
}

static long meminfo_field(const char *key)
{
	char line[256];
	long v = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')
			sscanf(line + strlen(key) + 1, "%ld", &v);
	if (f)
		fclose(f);
	return v;
}

static const char *const profile_fields[] = { "Slab", "SUnreclaim", "KernelStack", "PageTables",
					       "Percpu" };

/* The slab caches that grew most between A and B, per box. */
static void print_slab_growth(const struct slabs *a, const struct slabs *b, int n)
{
	for (int shown = 0; shown < 15; shown++) {
		long best = 0;
		int at = -1;

		for (int i = 0; i < b->n; i++) {
			long before = 0;
			for (int j = 0; j < a->n; j++)
				if (strcmp(a->name[j], b->name[i]) == 0)
					before = a->kb[j];
			if (b->kb[i] - before > best && b->name[i][0] != '!') {
				best = b->kb[i] - before;
				at = i;
			}
		}
		if (at < 0)
			break;
		printf("slab,%s,%.2f\n", b->name[at], (double)best / n);
		((struct slabs *)b)->name[at][0] = '!'; /* shown */
	}
}

/* Box init's mappings, summed by what they map. */
static void print_smaps(pid_t pid)
{
	char path[64], line[512], mapping[256] = "";
	long rss = 0, pss = 0, priv = 0, v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char name[256] = "";

		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %255s", &lo, &hi, name) >= 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (mapping[0] || rss)
				printf("smaps,%s,%ld,%ld,%ld\n", mapping[0] ? mapping : "[anon]", rss,
				       pss, priv);
			snprintf(mapping, sizeof(mapping), "%s", name);
			rss = pss = priv = 0;
		} else if (sscanf(line, "Rss: %ld kB", &v) == 1)
			rss = v;
		else if (sscanf(line, "Pss: %ld kB", &v) == 1)
			pss = v;
		else if (sscanf(line, "Private_Clean: %ld kB", &v) == 1 ||
			 sscanf(line, "Private_Dirty: %ld kB", &v) == 1)
			priv += v;
	}
	if (mapping[0] || rss)
		printf("smaps,%s,%ld,%ld,%ld\n", mapping[0] ? mapping : "[anon]", rss, pss, priv);
	if (f)
		fclose(f);
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Proportional and private memory of PID (smaps_rollup): what the box
 * init costs beyond the library pages every process shares. */
static void pss_private_kb(pid_t pid, long *pss, long *private_kb)
{
	char path[64], line[256];
	long v;
	FILE *f;

	*pss = *private_kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	*private_kb = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Pss: %ld kB", &v) == 1)
			*pss = v;
		else if (sscanf(line, "Private_Clean: %ld kB", &v) == 1 ||
			 sscanf(line, "Private_Dirty: %ld kB", &v) == 1)
			*private_kb += v;
	}
	fclose(f);
}

/* The keeper holds the N box sockets (the boxes live while it does), so
 * that this process keeps a small fd table: a login program forks the
 * helper with a few fds, and fork()+close_range() from a process holding N
 * fds would cost O(N) per box here and be counted as nsbox's. */
static pid_t start_keeper(int *ret_fd)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char byte, control[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

		close(sv[0]);
		do {
			msg.msg_control = control;
			msg.msg_controllen = sizeof(control);
		} while (recvmsg(sv[1], &msg, 0) > 0); /* keep every fd it gets */
		_exit(0);
	}
	close(sv[1]);
	*ret_fd = sv[0];
	return pid;
}

static int hand_to_keeper(int keeper, int fd)
{
	char byte = 'k', control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(keeper, &msg, 0) != 1)
		return -1;
	close(fd);
	return 0;
}

/* One box, as pam_nsbox would get it. Returns 0 and the socket and box
 * init's pid; its pidfd is closed, so that N boxes cost N fds here (root may
 * lack CAP_SYS_RESOURCE to raise RLIMIT_NOFILE). */
static int make_box(const char *helper, const char *user, const char *config, int *ret_sock,
		    pid_t *ret_init)
{
	struct nsbox_request req = { .version = NSBOX_PROTOCOL_VERSION };
	struct nsbox_reply rep;
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &rep, .iov_len = sizeof(rep) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { NSBOX_HELPER_ARGV0, NSBOX_HELPER_COMMAND, NULL };
		char *const envp[] = { NULL };
		int null = open("/dev/null", O_RDWR);
		dup2(sv[1], NSBOX_PROTOCOL_FD);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		sys_close_range(NSBOX_PROTOCOL_FD + 1, ~0U, 0);
		execve(helper, argv, envp);
		_exit(127);
	}
	close(sv[1]);
	snprintf(req.user, sizeof(req.user), "%s", user);
	snprintf(req.service, sizeof(req.service), "bench");
	snprintf(req.config, sizeof(req.config), "%s", config);
	if (send(sv[0], &req, sizeof(req), 0) != sizeof(req) ||
	    recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) != sizeof(rep) ||
	    rep.verdict != NSBOX_VERDICT_BOXED || !(c = CMSG_FIRSTHDR(&msg))) {
		fprintf(stderr, "boxes: no box: %s\n", rep.message);
		close(sv[0]);
		waitpid(pid, &status, 0);
		return -1;
	}
	for (int *fd = (int *)CMSG_DATA(c);
	     (char *)(fd + 1) <= (char *)c + c->cmsg_len; fd++)
		close(*fd);
	waitpid(pid, &status, 0);
	*ret_sock = sv[0];
	*ret_init = rep.init_pid;
	return 0;
}

int main(int argc, char **argv)
{
	const char *user = NULL, *config = NULL, *helper = NULL;
	int n = 100, batch = 100, c, sock, keeper_fd = -1, profile = 0;
	static struct slabs slabs0, slabs1;
	long fields0[5] = { 0 };
	pid_t keeper;
	pid_t *inits;
	struct rlimit rl = { 1 << 20, 1 << 20 };
	double t0, total_create, t_teardown;
	long mem0, mem1, init_rss, init_pss, init_private;
	pid_t first_init = 0;

	while ((c = getopt(argc, argv, "n:u:c:H:b:p")) != -1) {
		switch (c) {
		case 'n': n = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'c': config = optarg; break;
		case 'H': helper = optarg; break;
		case 'b': batch = atoi(optarg); break;
		case 'p': profile = 1; break;
		default: return 2;
		}
	}
	if (!user || !config || !helper || n < 1 || batch < 1) {
		fprintf(stderr, "usage: boxes -n N -u USER -c CONFIG -H HELPER [-b BATCH] [-p]\n");
		return 2;
	}
	setrlimit(RLIMIT_NOFILE, &rl);
	inits = calloc((size_t)n, sizeof(pid_t));
	keeper = start_keeper(&keeper_fd);
	if (!inits || keeper < 0) {
		perror("boxes: setup");
		return 1;
	}
	if (profile) {
		slab_snapshot(&slabs0);
		for (int i = 0; i < 5; i++)
			fields0[i] = meminfo_field(profile_fields[i]);
	}
	mem0 = meminfo_kb();
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		double tb = i % batch == 0 ? now_ms() : 0;
		static double batch_start;
		if (tb)
			batch_start = tb;
		if (make_box(helper, user, config, &sock, &inits[i]) < 0 ||
		    hand_to_keeper(keeper_fd, sock) < 0) {
			fprintf(stderr, "boxes: box %d failed: %m\n", i);
			n = i;
			break;
		}
		if (i == 0)
			first_init = inits[i];
		if ((i + 1) % batch == 0)
			printf("batch,%d,%.3f\n", i + 1, (now_ms() - batch_start) / batch);
	}
	total_create = now_ms() - t0;
	usleep(200 * 1000);
	mem1 = meminfo_kb();
	init_rss = rss_kb(first_init);
	pss_private_kb(first_init, &init_pss, &init_private);
	if (profile && n > 0) {
		slab_snapshot(&slabs1);
		for (int i = 0; i < 5; i++)
			printf("meminfo,%s,%.2f\n", profile_fields[i],
			       (double)(meminfo_field(profile_fields[i]) - fields0[i]) / n);
		print_slab_growth(&slabs0, &slabs1, n);
		print_smaps(first_init);
	}

	/* Teardown: a pidfd of each init (the pids cannot have been reused:
	 * the boxes live while the keeper holds their sockets), SIGKILL, then
	 * let the keeper go and wait for each init to exit (a pidfd polls
	 * readable then). */
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		int pidfd = sys_pidfd_open(inits[i], 0);
		if (pidfd >= 0) {
			sys_pidfd_send_signal(pidfd, SIGKILL);
			close(pidfd);
		}
	}
	close(keeper_fd);
	waitpid(keeper, NULL, 0);
	for (int i = 0; i < n; i++) {
		int pidfd = sys_pidfd_open(inits[i], 0);
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		if (pidfd < 0)
			continue; /* gone and reaped already */
		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	t_teardown = now_ms() - t0;
	printf("summary,%d,%.3f,%.1f,%ld,%.3f,%ld,%ld\n", n, total_create / n,
	       (double)(mem1 - mem0) / n, init_rss, t_teardown / n, init_pss, init_private);
	return n > 0 ? 0 : 1;
}
