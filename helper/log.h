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

/* Log a message at PRIO. An error-level message is also the reason of the
 * log_reason being collected, if it has none yet. */
void log_msg(int prio, const char *fmt, ...) _printf_(2, 3);

/* Log "<what>: <strerror(err)>" at LOG_ERR and return -err, so a failing
 * syscall is reported once, where it failed: return log_errno(errno, ...). */
int log_errno(int err, const char *fmt, ...) _printf_(2, 3);

/* The reason a call failed, for a caller that hands it on (the PAM face
 * to the module, which logs it once through pam_syslog; nsbox check to
 * its user; box init and the mount-namespace child to their parent): the
 * first error logged between log_reason_begin(R) and log_reason_end(R)
 * (a cleanup function), collected in R and read from R, never from a
 * global. Reasons nest: what is logged inside an inner R stays in it
 * (a failure the caller forgives leaves no trace outside) unless
 * log_reason_pass(R) hands it to the one around it. */
struct log_reason {
	char text[1024];
	struct log_reason *outer;
};

void log_reason_begin(struct log_reason *r);
void log_reason_end(struct log_reason *r);
void log_reason_pass(const struct log_reason *r);
/* R's reason, or NULL when nothing was logged. */
const char *log_reason_text(const struct log_reason *r);

#define log_error(...)	 log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	 log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled())                                                           \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)

#endif
