/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nsbox check [-f FILE] [-u USER] [-v]`: validate a config like `sshd -t`:
 * silent and exit 0 when it is fine, "FILE:LINE: what" and exit 1 when not.
 * With -u, also say what the policy does with USER; with -v, summarise
 * whom each rule confines and how. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "log.h"
#include "pamfile.h"
#include "policy.h"

static int lookup_group(const char *name, gid_t *ret_gid)
{
	struct group *gr = getgrnam(name);

	if (!gr)
		return -ENOENT;
	*ret_gid = gr->gr_gid;
	return 0;
}

/* The user's gids and their names, as the module sends them at login, so
 * that check and login match groups alike. */
static int user_groups(const struct passwd *pw, gid_t **ret_gids, char ***ret_names,
		       size_t *ret_n_gids, size_t *ret_n_names)
{
	_cleanup_free_ gid_t *gids = NULL;
	char **names;
	int n = 64;
	size_t k = 0;

	for (;;) {
		gid_t *g = realloc(gids, (size_t)n * sizeof(gid_t));
		int want = n;

		if (!g)
			return log_errno(ENOMEM, "groups of %s", pw->pw_name);
		gids = g;
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > 1 << 20)
			return log_errno(E2BIG, "groups of %s", pw->pw_name);
	}
	names = calloc((size_t)n + 1, sizeof(char *));
	if (!names)
		return log_errno(ENOMEM, "groups of %s", pw->pw_name);
	for (int i = 0; i < n; i++) {
		struct group *gr = getgrgid(gids[i]);
		if (gr && gr->gr_name[0] && (names[k] = strdup(gr->gr_name)))
			k++;
	}
	*ret_gids = TAKE_PTR(gids);
	*ret_names = names;
	*ret_n_gids = (size_t)n;
	*ret_n_names = k;
	return 0;
}

static int explain_user(const struct config *cfg, const char *name)
{
	struct passwd *pw = getpwnam(name);
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_strv_free_ char **names = NULL;
	size_t n_gids = 0, n_names = 0;
	struct user_info u;
	const struct rule *rule;
	struct box_plan plan;
	bool exempt;

	if (!pw) {
		log_error("user %s is unknown", name);
		return 1;
	}
	if (user_groups(pw, &gids, &names, &n_gids, &n_names) < 0)
		return 1;
	u = (struct user_info){ .name = pw->pw_name, .uid = pw->pw_uid, .gid = pw->pw_gid,
				.home = pw->pw_dir, .shell = pw->pw_shell, .groups = gids,
				.n_groups = n_gids, .group_names = names, .n_group_names = n_names };
	rule = policy_match(cfg, &u, lookup_group, &exempt);
	if (!rule) {
		printf("%s: not confined (%s)\n", name,
		       exempt ? "root is exempt, confine_root = false" : "no rule matches");
		return 0;
	}
	if (plan_box(rule, &u, &plan) < 0)
		return 1;
	printf("%s: confined by rule %s: rootfs %s%s%s, hostname %s, on_error %s\n", name,
	       rule->name, plan.rootfs, plan.rootfs_upper ? " with upper layer " : "",
	       plan.rootfs_upper ? plan.rootfs_upper : "", plan.hostname,
	       rule->on_error == ON_ERROR_ALLOW ? "allow" : "deny");
	plan_free(&plan);
	return 0;
}

static void print_list(const char *label, char *const *list, size_t n)
{
	if (n == 0)
		return;
	printf("  %s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %s", streq(list[i], "*") ? "(everyone)" : list[i]);
	printf("\n");
}

static void summarise(const struct config *cfg)
{
	printf("%s: %zu rule%s; root is %s\n", cfg->path, cfg->n_rules, cfg->n_rules == 1 ? "" : "s",
	       cfg->confine_root ? "confined if a rule names it" : "never confined");
	for (size_t i = 0; i < cfg->n_rules; i++) {
		const struct rule *r = &cfg->rules[i];
		printf("rule %s (first match wins, #%zu)\n", r->name, i + 1);
		print_list("users", r->users, r->n_users);
		print_list("groups", r->groups, r->n_groups);
		if (r->rootfs_lower)
			printf("  rootfs overlay of %s (shared, read-only) and %s (per user)\n",
			       r->rootfs_lower, r->rootfs_upper);
		else
			printf("  rootfs %s\n", r->rootfs);
		printf("  hostname %s, on_error %s%s\n", r->hostname,
		       r->on_error == ON_ERROR_ALLOW ? "allow" : "deny",
		       r->syslog_socket ? ", syslog socket bound" : "");
		printf("  share %s", r->share == SHARE_USER ? "user" : "session");
		if (r->share == SHARE_USER)
			printf(", linger %lds", r->linger);
		printf(", network %s", r->network_none ? "none" : "host");
		if (r->pids_max)
			printf(", pids_max %ld", r->pids_max);
		if (r->memory_max)
			printf(", memory_max %llu", r->memory_max);
		if (r->nofile)
			printf(", nofile %ld", r->nofile);
		if (r->cpu_weight)
			printf(", cpu_weight %ld", r->cpu_weight);
		printf("\n");
		print_list("tmpfs", r->tmpfs, r->n_tmpfs);
		for (size_t j = 0; j < r->n_binds; j++)
			printf("  bind %s -> %s%s%s\n", r->binds[j].source, r->binds[j].target,
			       r->binds[j].readonly ? " (read-only)" : "",
			       r->binds[j].optional ? " (optional)" : "");
	}
}

static void print_pam_warning(const char *text, void *userdata _unused_)
{
	fprintf(stderr, "nsbox: warning: %s\n", text);
}

/* Where the service files that use pam_nsbox put host work in the box:
 * warnings only (exit status unchanged), as the stack still works. A
 * missing default pam.d is no PAM; a missing -p DIR is an error. */
static int check_pam_dir(const char *dir, bool explicit_dir)
{
	int r = pam_check_dir(dir, print_pam_warning, NULL);

	if (r >= 0 || (r == -ENOENT && !explicit_dir))
		return 0;
	log_errno(-r, "%s", dir);
	return 1;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "pam-dir", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = NSBOX_DEFAULT_CONFIG, *user = NULL, *pam_dir = NULL;
	struct config *cfg = NULL;
	bool verbose = false;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:f:u:vp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'p':
			pam_dir = optarg;
			break;
		case 'h':
			printf("Usage: nsbox check [-f FILE] [-u USER] [-v] [-p DIR]\n"
			       "Validate FILE (default %s) as pam_nsbox will read it: silent\n"
			       "and exit 0 when fine, FILE:LINE errors and exit 1 otherwise.\n"
			       "Warn where a PAM service using pam_nsbox runs session modules\n"
			       "inside the box.\n\n"
			       "  -f, --file FILE   the config to check\n"
			       "  -u, --user USER   also print which rule confines USER, and how\n"
			       "  -v, --verbose     also print whom each rule confines, and how\n"
			       "  -p, --pam-dir DIR the PAM service files to check (default /etc/pam.d)\n"
			       "  -h, --help        show this help\n",
			       NSBOX_DEFAULT_CONFIG);
			return 0;
		case ':':
			log_error("check: option '%s' needs an argument", argv[optind - 1]);
			return 2;
		default:
			log_error("check: unknown option '%s' (see nsbox check --help)", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		log_error("check: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	/* Parse exactly as the PAM helper does: it runs with an empty
	 * environment, so ${VAR} in the config expands to nothing there. */
	clearenv();
	rc = check_pam_dir(pam_dir ? pam_dir : "/etc/pam.d", pam_dir != NULL);
	if (config_load(path, true, &cfg) < 0)
		return 1;
	if (verbose)
		summarise(cfg);
	if (user && explain_user(cfg, user) != 0)
		rc = 1;
	config_free(cfg);
	return rc;
}
