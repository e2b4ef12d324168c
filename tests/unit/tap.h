/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TAP for the C unit tests: ok(cond, "what"), skip("why", "what"),
 * done_testing(). prove(1) runs the binaries. */
#ifndef NSBOX_TAP_H
#define NSBOX_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static int tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!pass)
		tap_failed++;
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, what)                                                                    \
	do {                                                                                       \
		long _g = (long)(got), _w = (long)(want);                                          \
		if (!ok(_g == _w, "%s", what))                                                     \
			printf("# got %ld, want %ld\n", _g, _w);                                   \
	} while (0)
#define is_str(got, want, what)                                                                    \
	do {                                                                                       \
		const char *_g = (got), *_w = (want);                                              \
		if (!ok(_g && _w && strcmp(_g, _w) == 0, "%s", what))                              \
			printf("# got '%s', want '%s'\n", _g ? _g : "(null)", _w);                 \
	} while (0)

static inline void skip(const char *why, const char *what)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, what, why);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
