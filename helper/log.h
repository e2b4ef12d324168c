/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NSBOX_LOG_H
#define NSBOX_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "../common/util.h"

/* Where helper messages go: the terminal of a user running `nsbox run` or
 * `nsbox check`, and/or syslog (authpriv) for the PAM face. */
enum {
	LOG_TO_STDERR = 1 << 0,
	LOG_TO_SYSLOG = 1 << 1,
	/* Errors are not syslogged here but only remembered: the PAM face
	 * hands them to the module, which logs them once. */
	LOG_ERRORS_TO_CALLER = 1 << 2,
};

void log_setup(int targets, bool debug);
bool log_debug_enabled(void);

/* Log a message at PRIO. Error-level messages are also remembered (the first
 * one since log_reset_error()) so the PAM face can hand the reason for a
 * failure to the module, which logs it once through pam_syslog. */
void log_msg(int prio, const char *fmt, ...) _printf_(2, 3);

/* Log "<what>: <strerror(err)>" at LOG_ERR and return -err, so a failing
 * syscall is reported once, where it failed: return log_errno(errno, ...). */
int log_errno(int err, const char *fmt, ...) _printf_(2, 3);

const char *log_first_error(void);
void log_reset_error(void);

#define log_error(...)	 log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	 log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled())                                                           \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)

#endif
