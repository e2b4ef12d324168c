/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int log_targets = LOG_TO_STDERR;
static bool log_debug_on;
static char first_error[1024];

void log_setup(int targets, bool debug)
{
	log_targets = targets;
	log_debug_on = debug;
	if (targets & LOG_TO_SYSLOG)
		openlog("nsbox", LOG_PID | LOG_ODELAY, LOG_AUTHPRIV);
}

bool log_debug_enabled(void)
{
	return log_debug_on;
}

const char *log_first_error(void)
{
	return first_error[0] ? first_error : NULL;
}

void log_reset_error(void)
{
	first_error[0] = '\0';
}

static void log_text(int prio, const char *text)
{
	if (prio <= LOG_ERR && !first_error[0])
		snprintf(first_error, sizeof(first_error), "%s", text);
	if (log_targets & LOG_TO_STDERR)
		fprintf(stderr, "nsbox: %s\n", text);
	if ((log_targets & LOG_TO_SYSLOG) && !(prio <= LOG_ERR && (log_targets & LOG_ERRORS_TO_CALLER)))
		syslog(prio, "%s", text);
}

void log_msg(int prio, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_text(prio, text);
}

int log_errno(int err, const char *fmt, ...)
{
	char what[900], text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s: %s", what, strerror(err));
	log_text(LOG_ERR, text);
	return -err;
}
