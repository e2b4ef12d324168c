/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "box.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitcodes.h"
#include "log.h"

static char *argv_start;
static size_t argv_size;

int status_to_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_NSBOX_FAILED;
}

pid_t fork_or_exit(int fail_status)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_errno(errno, "fork()");
		_exit(fail_status);
	}
	return pid;
}

void save_argv(int argc, char **argv)
{
	if (argc < 1)
		return;
	argv_start = argv[0];
	argv_size = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
}

void set_process_title(const char *title)
{
	(void)prctl(PR_SET_NAME, title, 0, 0, 0);
	if (!argv_start || argv_size == 0)
		return;
	memset(argv_start, 0, argv_size);
	snprintf(argv_start, argv_size, "%s", title);
}

bool hostname_is_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0, label = 0;

	if (len == 0 || len > 64 || name[0] == '.' || name[0] == '-' || name[len - 1] == '.' ||
	    name[len - 1] == '-')
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || (*p == '-' && label > 0)))
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

int set_box_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		return log_errno(errno, "sethostname(\"%s\")", name);
	return 0;
}

void print_identity(const char *where)
{
	char host[HOST_NAME_MAX + 1] = "?", cwd[PATH_MAX] = "?";

	(void)gethostname(host, sizeof(host));
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	fprintf(stderr, "nsbox: %s: uid=%u gid=%u hostname=%s pid=%d cwd=%s\n", where,
		(unsigned)getuid(), (unsigned)getgid(), host, (int)getpid(), cwd);
}
