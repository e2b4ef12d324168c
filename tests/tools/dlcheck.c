/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dlcheck MODULE: dlopen(RTLD_NOW) a PAM module as libpam does and check
 * that both session entry points resolve. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	void *h;

	if (argc != 2)
		return 2;
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	if (!dlsym(h, "pam_sm_open_session") || !dlsym(h, "pam_sm_close_session")) {
		fprintf(stderr, "missing pam_sm_open_session or pam_sm_close_session\n");
		return 1;
	}
	dlclose(h);
	return 0;
}
