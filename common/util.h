/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the helper and the PAM module: automatic cleanup
 * (systemd's _cleanup_ idiom), ownership transfer and string checks. Header
 * only, so the module links nothing of the helper. */
#ifndef NSBOX_UTIL_H
#define NSBOX_UTIL_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_     __attribute__((noreturn))

/* Closes *FD and marks it closed: a _cleanup_close_ variable closed early
 * by hand must not be closed again at scope exit (the number may by then
 * belong to another file). */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void strv_freep(char ***strv)
{
	if (!*strv)
		return;
	for (char **s = *strv; *s; s++)
		free(*s);
	free(*strv);
}

#define _cleanup_(f)	    __attribute__((cleanup(f)))
#define _cleanup_close_	    _cleanup_(closep)
#define _cleanup_free_	    _cleanup_(freep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* Hand an fd or pointer on so the cleanup attribute no longer owns it. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd_ = (fd);                                                                   \
		(fd) = -1;                                                                         \
		_fd_;                                                                              \
	})
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p_ = (p);                                                           \
		(p) = NULL;                                                                        \
		_p_;                                                                               \
	})

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline const char *startswith(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* Close every fd but the N in KEEP (which need not be sorted). */
static inline void close_all_except(const int *keep, size_t n)
{
	int from = 0;

	for (;;) {
		int next = -1;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= from && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0) {
			close_range((unsigned)from, ~0U, 0);
			return;
		}
		if (next > from)
			close_range((unsigned)from, (unsigned)next - 1, 0);
		from = next + 1;
	}
}

/* Retry a syscall-like expression while it fails with EINTR. */
#define RETRY_EINTR(expr)                                                                          \
	({                                                                                         \
		__typeof__(expr) _r_;                                                              \
		do                                                                                 \
			_r_ = (expr);                                                              \
		while (_r_ < 0 && errno == EINTR);                                                 \
		_r_;                                                                               \
	})

/* Whether the process of PIDFD exits within MS milliseconds (a pidfd polls
 * readable once it has). */
static inline bool pidfd_exits_within(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return RETRY_EINTR(poll(&p, 1, ms)) > 0;
}

#endif
