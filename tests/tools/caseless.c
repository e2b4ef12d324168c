/* SPDX-License-Identifier: GPL-2.0-or-later */
/* caseless.so: LD_PRELOADed into the PAM driver, a name service that
 * ignores case, as sssd or winbind may: getpwnam_r("ALICE") finds alice and
 * answers with her own spelling. A login as "ALICE" must then be boxed by a
 * rule that names alice. */
#include <ctype.h>
#include <dlfcn.h>
#include <pwd.h>
#include <string.h>

typedef int getpwnam_r_fn(const char *, struct passwd *, char *, size_t, struct passwd **);
typedef struct passwd *getpwnam_fn(const char *);

static const char *lower(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i < size - 1; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **ret)
{
	getpwnam_r_fn *real = (getpwnam_r_fn *)dlsym(RTLD_NEXT, "getpwnam_r");
	char low[256];

	return real(lower(name, low, sizeof(low)), pw, buf, size, ret);
}

struct passwd *getpwnam(const char *name)
{
	getpwnam_fn *real = (getpwnam_fn *)dlsym(RTLD_NEXT, "getpwnam");
	char low[256];

	return real(lower(name, low, sizeof(low)));
}
