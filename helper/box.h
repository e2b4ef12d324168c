/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What both faces of box init share: process title, hostname, identity
 * report. */
#ifndef NSBOX_BOX_H
#define NSBOX_BOX_H

#include <stdbool.h>
#include <sys/types.h>

/* Box init's name (PR_SET_NAME): a box record is trusted only for a
 * process of this name (registry.c), which the kernel keeps whole only
 * below 16 bytes with the NUL. */
#define BOX_INIT_NAME "nsbox-init"
_Static_assert(sizeof(BOX_INIT_NAME) <= 16, "BOX_INIT_NAME fits in a task's comm");
/* The hostname of a box whose rule (or nsbox run --hostname) sets none. */
#define BOX_DEFAULT_HOSTNAME "nsbox"

/* Remember where argv lives so box init can replace its command line: the
 * box's /proc/1/cmdline must not show host paths. */
void save_argv(int argc, char **argv);
void set_process_title(const char *title);

/* RFC 1123 labels, at most 64 bytes: what sethostname() will be given. */
bool hostname_is_valid(const char *name);

int set_box_hostname(const char *name);

/* "nsbox: WHERE: uid=… gid=… hostname=… pid=… cwd=…" on stderr. */
void print_identity(const char *where);

/* A wait status as a shell shows it: the exit status, or 128 + signal. */
int status_to_exit_code(int status);

/* fork() in a process that cannot go on without the child (box init of
 * nsbox run, the process that joins a box for nsbox enter): the child's
 * pid, 0 in the child; on failure one log line and _exit(FAIL_STATUS). */
pid_t fork_or_exit(int fail_status);

#endif
