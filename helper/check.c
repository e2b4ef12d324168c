/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nsbox check [-f FILE] [-u USER] [-s] [-v]`: validate a config like
 * `sshd -t`, then (as root) try the login of every user a rule names with
 * the PAM face's own calls (try_login: plan, host checks, a box built by
 * box init and stopped at once), so that check and login cannot disagree:
 * silent and exit 0 when all is fine, "FILE:LINE: rule R: user U would be
 * refused: REASON" (REASON as the login logs it) and exit 1 when not.
 * With -u, only USER, and say what the policy does with USER; with -v,
 * summarise whom each rule confines and how.
 *
 * Privileged operations, and why each is safe: those of start_box_init()
 * (see boxinit.c and prepare.c), for a box that serves no session and is
 * killed as soon as it reports ready; nothing is recorded in /run/nsbox. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "check.h"
#include "config.h"
#include "configkeys.h"
#include "exitcodes.h"
#include "boxinit.h"
#include "log.h"
#include "pamface.h"
#include "pamfile.h"
#include "policy.h"

/* Try a login of U as the PAM face would make it (try_login: the same
 * calls, a box built and stopped) and say, as FILE:LINE of the rule, why
 * it would fail. Returns 0 if it would not, 1 if it would; *RET_RULE is the
 * rule U meets (NULL: none). */
static int judge_login(const struct config *cfg, const struct user_info *u,
		       const struct rule **ret_rule, bool *ret_root_exempt)
{
	struct log_reason reason;
	const char *why;
	int r;

	/* Only collected: the one reason is printed below (box init, which
	 * inherits this, prints nothing of its own). */
	log_setup(0, false);
	log_reason_begin(&reason);
	r = try_login(cfg, u, ret_rule, ret_root_exempt);
	log_reason_end(&reason);
	log_setup(LOG_TO_STDERR, false);
	if (r == 0)
		return 0;
	why = log_reason_text(&reason) ?: strerror(-r);
	if (!*ret_rule) {
		log_error("user %s: %s", u->name, why);
		return 1;
	}
	log_error("%s:%d: rule %s: user %s would be %s: %s", cfg->path, (*ret_rule)->line,
		  (*ret_rule)->name, u->name,
		  (*ret_rule)->on_error == ON_ERROR_ALLOW ? "let in UNCONFINED (on_error = allow)"
							  : "refused",
		  why);
	return 1;
}

static int explain_user(const struct config *cfg, const char *name)
{
	_cleanup_(user_record_free) struct user_record cu = { 0 };
	struct user_info info;
	const struct rule *rule = NULL;
	struct box_plan plan = { 0 };
	bool exempt = false;
	int r;

	if ((r = login_user_lookup(cfg, name, &cu)) < 0) {
		if (r == -ENOENT)
			log_error("user %s is unknown", name);
		return 1;
	}
	info = login_user_info(&cu);
	if (geteuid() == 0) {
		r = judge_login(cfg, &info, &rule, &exempt);
	} else {
		r = login_plan(cfg, &info, &rule, &exempt, &plan) < 0;
		plan_free(&plan);
		if (rule && !r)
			log_warning("not root: %s's rootfs, binds, mount points and shell were not "
				    "checked", name);
	}
	if (!r && !rule)
		printf("%s: not confined (%s)\n", name,
		       exempt ? "root is exempt, confine_root = false" : "no rule matches");
	if (r || !rule || plan_box(rule, &info, &plan) < 0)
		return r;
	printf("%s: confined by rule %s: rootfs %s%s%s, hostname %s, on_error %s\n", name,
	       rule->name, plan.rootfs, plan.rootfs_upper ? " with upper layer " : "",
	       plan.rootfs_upper ? plan.rootfs_upper : "", plan.hostname,
	       rule->on_error == ON_ERROR_ALLOW ? "allow" : "deny");
	plan_free(&plan);
	return 0;
}

/* Whether NAME was named before users[J] of rule I. */
static bool named_before(const struct config *cfg, size_t i, size_t j, const char *name)
{
	for (size_t k = 0; k <= i; k++)
		for (size_t l = 0; l < (k == i ? j : cfg->rules[k].n_users); l++)
			if (streq(cfg->rules[k].users[l], name))
				return true;
	return false;
}

/* Every user a rule names by name, once, as -u would: their login is what
 * the rule's %u, %U and %h paths mean. TRIED[n] is set for each rule
 * someone's login reached. */
static int check_named_users(const struct config *cfg, bool *tried)
{
	int failed = 0;

	for (size_t i = 0; i < cfg->n_rules; i++) {
		const struct rule *r = &cfg->rules[i];

		for (size_t j = 0; j < r->n_users; j++) {
			const struct rule *met = NULL;
			_cleanup_(user_record_free) struct user_record cu = { 0 };
			struct user_info info;
			bool exempt;
			int e;

			if (streq(r->users[j], "*") || named_before(cfg, i, j, r->users[j]))
				continue;
			if ((e = login_user_lookup(cfg, r->users[j], &cu)) < 0) {
				if (e == -ENOENT)
					log_warning("%s:%d: rule %s: user %s does not exist, not checked",
						    cfg->path, r->line, r->name, r->users[j]);
				failed |= e != -ENOENT;
				continue;
			}
			info = login_user_info(&cu);
			failed |= judge_login(cfg, &info, &met, &exempt);
			if (met)
				tried[met - cfg->rules] = true;
		}
	}
	return failed;
}

static bool needs_user(const char *tmpl)
{
	return tmpl && strchr(tmpl, '%');
}

static bool rootfs_needs_user(const struct rule *r)
{
	return needs_user(r->rootfs) || needs_user(r->rootfs_lower) || needs_user(r->rootfs_upper);
}

/* A rule that names groups or everyone: no one user stands for them. If
 * its host paths are the same for all, check them (the host half of a
 * login); say what is left to nsbox check -u. */
static int check_unnamed_members(const struct config *cfg, const struct rule *r, bool tried,
				 bool verbose)
{
	/* Stands for no one: only paths without % are used. */
	const struct user_info sample = { .name = "nsbox-check", .uid = 65534, .gid = 65534,
					  .home = "/nonexistent", .shell = "/bin/sh" };
	bool everyone = false;
	struct box_plan plan;
	int e = 0;

	for (size_t j = 0; j < r->n_users; j++)
		everyone |= streq(r->users[j], "*");
	if (r->n_groups == 0 && !everyone)
		return 0;
	if (rootfs_needs_user(r)) {
		if (verbose)
			log_warning("%s:%d: rule %s: %s: the rootfs depends on the user, so it, binds, "
			    "mount points and shells are checked per user (nsbox check -u USER)",
			    cfg->path, r->line, r->name, everyone ? "everyone" : "group members");
		return 0;
	}
	if (!tried) {
		struct log_reason reason;

		log_setup(0, false);
		log_reason_begin(&reason);
		if ((e = plan_box(r, &sample, &plan)) == 0) {
			/* Keep only the binds whose source is the same for
			 * everyone. */
			mount_list_drop(&plan.mounts, MOUNT_SOURCE_PER_USER);
			struct box_start b = { .user = &sample, .plan = &plan, .rule = r,
					       .listen_fd = -1, .devpts_tree = -1 };
			e = check_box_host_side(&b);
			plan_free(&plan);
		}
		log_reason_end(&reason);
		log_setup(LOG_TO_STDERR, false);
		if (e < 0) {
			log_error("%s:%d: rule %s: every login would be %s: %s", cfg->path, r->line,
				  r->name, r->on_error == ON_ERROR_ALLOW ? "let in UNCONFINED" : "refused",
				  log_reason_text(&reason) ?: strerror(-e));
			return 1;
		}
	}
	/* What is left for -u is said with -v only: a fine config is silent. */
	if (verbose)
		log_warning("%s:%d: rule %s: %s: binds from %%-paths, mount points and login shells "
		    "are checked per user (nsbox check -u USER)",
		    cfg->path, r->line, r->name, everyone ? "everyone" : "group members");
	return 0;
}

/* Without -u: what every login would meet, as far as it can be known
 * without one: the named users' logins tried, the rest host-side. */
static int check_logins(const struct config *cfg, bool verbose)
{
	_cleanup_free_ bool *tried = calloc(cfg->n_rules + 1, sizeof(bool));
	int failed;

	if (!tried)
		return log_errno(ENOMEM, "check"), 1;
	if (geteuid() != 0) {
		if (cfg->n_rules)
			log_warning("not root: only the syntax was checked; rootfs, binds, mount "
				    "points and shells need root");
		return 0;
	}
	failed = check_named_users(cfg, tried);
	for (size_t i = 0; i < cfg->n_rules; i++)
		failed |= check_unnamed_members(cfg, &cfg->rules[i], tried[i], verbose);
	return failed;
}

static void summarise(const struct config *cfg)
{
	printf("%s: %zu rule%s; root is %s\n", cfg->path, cfg->n_rules, cfg->n_rules == 1 ? "" : "s",
	       cfg->confine_root ? "confined if a rule names it" : "never confined");
	for (size_t i = 0; i < cfg->n_rules; i++) {
		printf("rule %s (first match wins, #%zu)\n", cfg->rules[i].name, i + 1);
		config_show_rule(&cfg->rules[i], stdout);
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
		{ "syntax", no_argument, NULL, 's' },
		{ "pam-dir", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = NSBOX_DEFAULT_CONFIG, *user = NULL, *pam_dir = NULL;
	_cleanup_free_ char *absolute = NULL;
	struct config *cfg = NULL;
	bool verbose = false, syntax_only = false;
	int c, failed, pam_failed;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:f:u:svp:h", longopts, NULL)) != -1) {
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
		case 's':
			syntax_only = true;
			break;
		case 'p':
			pam_dir = optarg;
			break;
		case 'h':
			printf("Usage: nsbox check [-f FILE] [-u USER] [-s] [-v] [-p DIR]\n"
			       "Check FILE (default %s) as pam_nsbox will read it, and run\n"
			       "what a login runs (rootfs, binds, mount points, shell) for every\n"
			       "user a rule names: silent and exit 0 when fine, FILE:LINE errors\n"
			       "and exit 1 otherwise. Warn where a PAM service using pam_nsbox\n"
			       "runs session modules inside the box.\n\n"
			       "  -f, --file FILE   the config to check\n"
			       "  -u, --user USER   check a login of USER only, and say what it gets\n"
			       "  -s, --syntax      only parse and validate FILE\n"
			       "  -v, --verbose     also print whom each rule confines, and how\n"
			       "  -p, --pam-dir DIR the PAM service files to check (default /etc/pam.d)\n"
			       "  -h, --help        show this help\n",
			       NSBOX_DEFAULT_CONFIG);
			return 0;
		case ':':
			log_error("check: option '%s' needs an argument", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			log_error("check: unknown option '%s' (see nsbox check --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("check: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	/* Parse exactly as the PAM helper does: it runs with an empty
	 * environment, so ${VAR} in the config expands to nothing there. */
	clearenv();
	/* A relative FILE is checked where it really is: the ownership rules
	 * apply to that absolute path and every directory above it. */
	if (path[0] != '/') {
		absolute = realpath(path, NULL);
		if (!absolute)
			return log_errno(errno, "config %s", path), EXIT_CHECK_FAILED;
		path = absolute;
	}
	/* What a login checks of a rootfs's code directories only while its
	 * record holds is audited in full here, and recorded afresh: this is
	 * what an admin runs after changing a rootfs (SECURITY.md). */
	audit_force_full();
	pam_failed = check_pam_dir(pam_dir ? pam_dir : "/etc/pam.d", pam_dir != NULL);
	if (config_load(path, true, &cfg) < 0)
		return EXIT_CHECK_FAILED;
	if (verbose)
		summarise(cfg);
	failed = syntax_only ? 0 : user ? explain_user(cfg, user) : check_logins(cfg, verbose);
	config_free(cfg);
	return failed || pam_failed ? EXIT_CHECK_FAILED : 0;
}
