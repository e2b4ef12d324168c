/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int log_targets = LOG_TO_STDERR;
static bool log_debug_on;
static struct log_reason *collecting; /* the innermost, or NULL */

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

void log_reason_begin(struct log_reason *r)
{
	*r = (struct log_reason){ .outer = collecting };
	collecting = r;
}

void log_reason_end(struct log_reason *r)
{
	if (collecting == r)
		collecting = r->outer;
}

void log_reason_pass(const struct log_reason *r)
{
	if (r->text[0] && r->outer && !r->outer->text[0])
		snprintf(r->outer->text, sizeof(r->outer->text), "%s", r->text);
}

const char *log_reason_text(const struct log_reason *r)
{
	return r->text[0] ? r->text : NULL;
}

static void log_text(int prio, const char *text)
{
	if (prio <= LOG_ERR && collecting && !collecting->text[0])
		snprintf(collecting->text, sizeof(collecting->text), "%s", text);
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
