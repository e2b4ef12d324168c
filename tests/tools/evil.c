/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evil.so: what an attacker would LD_PRELOAD into privileged code. Its
 * constructor appends "comm pid" to the file named by EVIL_MARK, so a test
 * can see which processes loaded it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void evil(void)
{
	const char *mark = getenv("EVIL_MARK");
	char comm[64] = "?", line[128];
	int fd;

	if (!mark)
		mark = "/tmp/nsbox-evil-ran";
	fd = open("/proc/self/comm", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n - 1 : 0] = '\0';
		close(fd);
	}
	snprintf(line, sizeof(line), "%s %d\n", comm, (int)getpid());
	fd = open(mark, O_WRONLY | O_APPEND | O_CREAT, 0666);
	if (fd >= 0) {
		if (write(fd, line, strlen(line)) < 0)
			line[0] = '\0';
		close(fd);
	}
}
