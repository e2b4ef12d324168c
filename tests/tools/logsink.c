/* SPDX-License-Identifier: GPL-2.0-or-later */
/* logsink SOCKET FILE: a test syslog daemon. Binds a datagram unix socket
 * at SOCKET and appends every message received to FILE, one per line,
 * until killed. The tests bind it over /dev/log in their private mount
 * namespace to read what pam_nsbox, sshd and pam_unix log. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[8192];
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: logsink SOCKET FILE\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("logsink: bind");
		return 1;
	}
	chmod(argv[1], 0666);
	out = fopen(argv[2], "a");
	if (!out) {
		perror("logsink: open");
		return 1;
	}
	setvbuf(out, NULL, _IOLBF, 0);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
	}
}
