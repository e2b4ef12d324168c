/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "values.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "path.h"
#include "../common/util.h"

#define EXPANDED_MAX 4096

struct buf {
	char data[EXPANDED_MAX];
	size_t len;
};

static bool append(struct buf *b, const char *s, size_t n)
{
	if (b->len + n >= sizeof(b->data))
		return false;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

/* A user name in a hostname: keep [A-Za-z0-9-], turn the rest into '-'. */
static bool append_hostname_safe(struct buf *b, const char *name)
{
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '-';
		if (!append(b, &c, 1))
			return false;
	}
	return true;
}

static int expand_escape(struct buf *b, char esc, const struct user_info *u,
			 enum template_kind kind, const char **why)
{
	char num[24];

	switch (esc) {
	case 'u':
		if (kind == TEMPLATE_HOSTNAME)
			return append_hostname_safe(b, u->name) ? 0 : -ENAMETOOLONG;
		/* A name must stay one path component. */
		if (!*u->name || strchr(u->name, '/') || streq(u->name, ".") ||
		    streq(u->name, "..")) {
			*why = "the user name cannot be used in a path";
			return -EINVAL;
		}
		return append(b, u->name, strlen(u->name)) ? 0 : -ENAMETOOLONG;
	case 'U':
		snprintf(num, sizeof(num), "%u", (unsigned)u->uid);
		return append(b, num, strlen(num)) ? 0 : -ENAMETOOLONG;
	case 'h':
		if (kind == TEMPLATE_HOSTNAME) {
			*why = "%h cannot be used in a hostname";
			return -EINVAL;
		}
		if (!path_is_normalized_absolute(u->home)) {
			*why = "the user's home is not a normalised absolute path";
			return -EINVAL;
		}
		return append(b, u->home, strlen(u->home)) ? 0 : -ENAMETOOLONG;
	case '%':
		return append(b, "%", 1) ? 0 : -ENAMETOOLONG;
	default:
		*why = esc ? "unknown %-escape (known: %u %U %h %%)" : "a lone % at the end";
		return -EINVAL;
	}
}

static int check_expanded(const char *s, enum template_kind kind, const char **why)
{
	if (kind == TEMPLATE_HOSTNAME) {
		if (!hostname_is_valid(s)) {
			*why = "not a valid hostname (letters, digits, '-', '.'; at most 64)";
			return -EINVAL;
		}
		return 0;
	}
	if (!path_is_normalized_absolute(s)) {
		*why = "not a normalised absolute path (no //, ., .. or trailing /)";
		return -EINVAL;
	}
	if (kind == TEMPLATE_BOX_PATH &&
	    (streq(s, "/") || path_at_or_below(s, "/proc") || path_at_or_below(s, "/dev"))) {
		*why = "/, /proc and /dev inside the box belong to nsbox";
		return -EINVAL;
	}
	return 0;
}

int expand_template(const char *tmpl, const struct user_info *u, enum template_kind kind,
		    char **ret, const char **why)
{
	struct buf b = { .len = 0 };
	int r;

	*why = "";
	if (!tmpl || !*tmpl) {
		*why = "empty";
		return -EINVAL;
	}
	b.data[0] = '\0';
	for (const char *p = tmpl; *p; p++) {
		if (*p != '%') {
			r = append(&b, p, 1) ? 0 : -ENAMETOOLONG;
		} else {
			r = expand_escape(&b, p[1], u, kind, why);
			if (p[1])
				p++;
		}
		if (r == -ENAMETOOLONG)
			*why = "too long once expanded";
		if (r < 0)
			return -EINVAL;
	}
	if ((r = check_expanded(b.data, kind, why)) < 0)
		return r;
	*ret = strdup(b.data);
	return *ret ? 0 : -ENOMEM;
}

/* A unit a number may carry, and what it multiplies the number by. */
struct unit {
	char suffix;
	unsigned long long factor;
};

/* The one reader of the numbers config values hold (durations, sizes):
 * decimal digits, then nothing or one suffix of UNITS (a list ended by
 * suffix 0). *RET_NUMBER is the digits' value, *RET_DIGITS how many
 * there were (leading zeros too), *RET_FACTOR the unit's factor (1
 * without one). Bounds are the caller's: the number times the factor may
 * not fit. */
static int parse_number(const char *s, const struct unit *units, unsigned long long *ret_number,
			size_t *ret_digits, unsigned long long *ret_factor)
{
	unsigned long long v = 0;
	size_t n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		if (v > (~0ULL - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (n == 0)
		return -EINVAL;
	*ret_number = v;
	*ret_digits = n;
	*ret_factor = 1;
	if (s[n] == '\0')
		return 0;
	if (s[n + 1] != '\0')
		return -EINVAL;
	for (; units->suffix; units++)
		if (units->suffix == s[n]) {
			*ret_factor = units->factor;
			return 0;
		}
	return -EINVAL;
}

int parse_duration(const char *s, long *ret_seconds)
{
	static const struct unit units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 0, 0 },
	};
	unsigned long long v, factor;
	size_t digits;

	if (streq(s, "forever")) {
		*ret_seconds = LINGER_FOREVER;
		return 0;
	}
	if (parse_number(s, units, &v, &digits, &factor) < 0 || v > 100000000ULL)
		return -EINVAL;
	*ret_seconds = (long)(v * factor);
	return 0;
}

int parse_bytes(const char *s, unsigned long long *ret_bytes)
{
	static const struct unit units[] = {
		{ 'k', 1ULL << 10 }, { 'K', 1ULL << 10 }, { 'm', 1ULL << 20 }, { 'M', 1ULL << 20 },
		{ 'g', 1ULL << 30 }, { 'G', 1ULL << 30 }, { 't', 1ULL << 40 }, { 'T', 1ULL << 40 },
		{ 0, 0 },
	};
	unsigned long long v, factor;
	size_t digits;

	if (parse_number(s, units, &v, &digits, &factor) < 0 || v == 0 || v > ~0ULL / factor)
		return -EINVAL;
	*ret_bytes = v * factor;
	return 0;
}

int check_tmpfs_size(const char *s)
{
	/* Passed on to tmpfs as written: the factors are not used. */
	static const struct unit units[] = {
		{ 'k', 0 }, { 'm', 0 }, { 'g', 0 }, { 'K', 0 }, { 'M', 0 }, { 'G', 0 }, { '%', 0 },
		{ 0, 0 },
	};
	unsigned long long v, factor;
	size_t digits;

	/* Not 0: for tmpfs, size=0 means no limit at all. */
	if (parse_number(s, units, &v, &digits, &factor) < 0 || digits >= 16 || v == 0)
		return -EINVAL;
	return 0;
}

int split_tmpfs_entry(const char *entry, char **ret_path, unsigned *ret_mode, const char **why)
{
	const char *colon = strrchr(entry, ':');
	unsigned long mode = 0755;
	char *end;

	*ret_path = NULL;
	if (colon) {
		errno = 0;
		mode = strtoul(colon + 1, &end, 8);
		/* Octal digits only: strtoul would also take " 755" and "+755". */
		if (colon[1] == '\0' || strspn(colon + 1, "01234567") != strlen(colon + 1) || *end ||
		    errno || mode > 07777) {
			*why = "the mode after ':' must be octal, as in /var/tmp:1777";
			return -EINVAL;
		}
		/* Group/other-writable without the sticky bit would let users
		 * replace root's entries in it. */
		if ((mode & 022) && !(mode & 01000)) {
			*why = "a tmpfs writable by group or others needs the sticky bit (1777)";
			return -EINVAL;
		}
	}
	*ret_path = colon ? strndup(entry, (size_t)(colon - entry)) : strdup(entry);
	if (!*ret_path) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*ret_mode = (unsigned)mode;
	return 0;
}

int template_check(const char *tmpl, enum template_kind kind, const char **why)
{
	static const struct user_info sample = {
		.name = "user", .uid = 1000, .gid = 1000, .home = "/home/user",
	};
	char *out = NULL;
	int r = expand_template(tmpl, &sample, kind, &out, why);

	free(out);
	return r;
}
