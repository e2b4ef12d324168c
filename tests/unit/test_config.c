/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The config parser, template expansion and rule matching, in memory. */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "policy.h"
#include "tap.h"

/* The reason of the last parse() that failed. */
static struct log_reason reason;

static int parse(const char *text, struct config **c)
{
	int r;

	*c = NULL;
	log_reason_begin(&reason);
	r = config_parse_buffer("test.conf", text, strlen(text), c);
	log_reason_end(&reason);
	return r;
}

static const char *last_error(void)
{
	return log_reason_text(&reason) ?: "";
}

/* Groups in the tests: "students" is gid 500, "staff" 600. */
static int stub_group(const char *name, gid_t *ret)
{
	if (strcmp(name, "students") == 0)
		*ret = 500;
	else if (strcmp(name, "staff") == 0)
		*ret = 600;
	else
		return -ENOENT;
	return 0;
}

static void parsing(void)
{
	struct config *c;

	is_int(parse("", &c), 0, "an empty config parses");
	ok(c && c->n_rules == 0 && !c->confine_root, "empty: no rules, root not confined");
	config_free(c);

	is_int(parse("hostname = \"h-%u\"\n"
		     "syslog_socket = true\n"
		     "tmpfs = {\"/run\"}\n"
		     "rule a {\n"
		     "  users = {\"alice\", \"bob\"} # trailing comment\n"
		     "  rootfs = \"/srv/%u\"\n"
		     "  bind { source = \"%h\" }\n"
		     "  bind { source = \"/data\" target = \"/mnt/data\" readonly = true optional = true }\n"
		     "}\n"
		     "rule b {\n"
		     "  groups = {\"students\"}\n"
		     "  rootfs = \"/srv/shared\"\n"
		     "  hostname = \"lab\"\n"
		     "  tmpfs = {}\n"
		     "  on_error = \"allow\"\n"
		     "  syslog_socket = false\n"
		     "  accounting = false\n"
		     "  user_namespaces = true\n"
		     "}\n",
		     &c),
	       0, "a full config parses");
	if (!c)
		return;
	is_int(c->n_rules, 2, "two rules");
	is_str(c->rules[0].name, "a", "rule names");
	is_int(c->rules[0].n_users, 2, "users list");
	is_str(c->rules[0].hostname, "h-%u", "a rule inherits the top-level hostname");
	ok(c->rules[0].syslog_socket, "a rule inherits syslog_socket");
	is_int(c->rules[0].n_tmpfs, 1, "a rule inherits the top-level tmpfs list");
	is_int(c->rules[0].n_binds, 2, "bind sections");
	is_str(c->rules[0].binds[0].target, "%h", "a bind target defaults to its source");
	ok(c->rules[0].binds[1].readonly && c->rules[0].binds[1].optional, "readonly, optional");
	ok(c->rules[0].on_error == ON_ERROR_DENY, "on_error defaults to deny");
	is_str(c->rules[1].hostname, "lab", "a rule's own hostname wins");
	ok(!c->rules[1].syslog_socket, "a rule's own syslog_socket wins");
	ok(c->rules[1].on_error == ON_ERROR_ALLOW, "on_error = allow");
	ok(c->rules[0].accounting, "accounting defaults to true");
	ok(!c->rules[1].accounting, "accounting = false");
	ok(!c->rules[0].user_namespaces, "user_namespaces defaults to false");
	ok(c->rules[1].user_namespaces, "user_namespaces = true");
	is_str(c->rules[0].tmpfs_size, "2%", "tmpfs_size defaults to 2% (at most 20% of RAM a box)");
	config_free(c);

	is_int(parse("rule r {\n  users = {\"a\"}\n}\n", &c), -EINVAL, "a rule without rootfs fails");
	ok(strstr(last_error(), "rule r: no rootfs"), "... and says so");
	is_int(parse("bogus = 1\n", &c), -EINVAL, "unknown keys fail");
	is_str(last_error(), "test.conf:1: no such option 'bogus'", "... with FILE:LINE");
	is_int(parse("# one\n// two\n/* three\n four */\nbogus = 1\n", &c), -EINVAL,
	       "comments of every kind");
	is_str(last_error(), "test.conf:5: no such option 'bogus'", "... keep line numbers right");
	is_int(parse("hostname = \"x\"// c\nbogus = 1\n", &c), -EINVAL,
	       "a // comment right after a string");
	is_str(last_error(), "test.conf:2: no such option 'bogus'", "... keeps line numbers right");
	is_int(parse("/* to do\nrule r { users = {\"a\"} rootfs = \"/x\" }\n", &c), -EINVAL,
	       "an unclosed comment fails (the rules after it would be lost)");
	is_str(last_error(), "test.conf:1: a /* comment is not closed", "... at the line it opens");
	is_int(parse("rule r { users = {\"a\"}\n rootfs = \"/x }\n\n", &c), -EINVAL,
	       "an unclosed string fails");
	is_str(last_error(), "test.conf:2: a quoted string is not closed", "... at the line it opens");
	is_int(config_parse_buffer("test.conf", "hostname = \"x\"\n\0rule r {}", 24, &c), -EINVAL,
	       "a NUL byte fails");
	is_int(parse("rule r {\n users = {\"a\", \"b\"}\n rootfs = \"/x\"\n users = {\"c\"}\n}\n", &c),
	       -EINVAL, "a key set twice in a rule fails");
	ok(strstr(last_error(), "test.conf:4: users is set twice"), "... at the second one");
	is_int(parse("rootfs = \"/x\"\nrule r { users = {\"a\"} users += {\"b\"} rootfs = \"/y\" }\n"
		     "rule s { users = {\"c\"} }\n", &c),
	       0, "+= appends; the same key in the top level, two rules and a rule is fine");
	is_int(c ? (int)c->rules[0].n_users : -1, 2, "... and += appended");
	config_free(c);
	/* What libconfuse would take another way than it reads: each refused. */
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" users + = {\"b\"} }\n", &c), -EINVAL,
	       "a lone + (libconfuse drops it: += would become =)");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" \"users\" = {\"b\"} }\n", &c), -EINVAL,
	       "a quoted key");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" }\nrule|users = {\"b\"}\n", &c), -EINVAL,
	       "a key path into another section");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" hostname = \"${X\"} }\n", &c), -EINVAL,
	       "${...} in a string");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" } */* old\nrule s { users = {\"b\"} rootfs = \"/y\" }\n",
		     &c),
	       -EINVAL, "a comment libconfuse would open after a stray *");
	{
		char text[4096] = "rule r { users = {\"a\"} rootfs = \"/x\" ";
		for (int i = 0; i < 70; i++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "users += \"u%d\" ", i);
		strcat(text, "on_error = \"deny\" on_error = \"allow\" }\n");
		is_int(parse(text, &c), -EINVAL, "many appends do not hide a key set twice");
		ok(strstr(last_error(), "on_error is set twice"), "... which is named");
	}
	is_int(parse("confine_root = perhaps\n", &c), -EINVAL, "bad booleans fail");
	is_int(parse("on_error = \"maybe\"\n", &c), -EINVAL, "bad on_error fails");
	is_int(parse("rule r { rootfs = \"/x\" }\n", &c), -EINVAL, "a rule matching no one fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" }\nrule r { users = {\"b\"} rootfs = \"/y\" }\n", &c),
	       -EINVAL, "duplicate rule names fail");
	is_int(parse("rule { users = {\"a\"} rootfs = \"/x\" }\n", &c), -EINVAL, "a rule needs a name");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" bind { target = \"/t\" } }\n", &c),
	       -EINVAL, "a bind needs a source");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" bind { source = \"/\" } }\n", &c),
	       -EINVAL, "a bind onto the box's / fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" tmpfs = {\"/dev/shm\"} }\n", &c),
	       -EINVAL, "a tmpfs under /dev fails");
	is_int(parse("rule r { users = {\"a:b\"} rootfs = \"/x\" }\n", &c), -EINVAL,
	       "user names with ':' fail");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x/../etc\" }\n", &c), -EINVAL,
	       "rootfs with .. fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x/%\" }\n", &c), -EINVAL,
	       "a lone % fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" hostname = \"%h\" }\n", &c), -EINVAL,
	       "%h in a hostname fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" shell = \"sh\" }\n", &c), -EINVAL,
	       "a relative shell fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" tmpfs = {\"/var/tmp:1777\", \"/run:0700\"} }\n", &c),
	       0, "tmpfs entries with a mode parse");
	config_free(c);
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" tmpfs = {\"/var/tmp:0777\"} }\n", &c),
	       -EINVAL, "a world-writable tmpfs without the sticky bit fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" tmpfs = {\"/var/tmp:9\"} }\n", &c),
	       -EINVAL, "a non-octal tmpfs mode fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\" tmpfs_size = \"12q\" }\n", &c),
	       -EINVAL, "a bad tmpfs_size fails");
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\"\n"
		     " tmpfs = {\"/a\", \"/b\", \"/c\", \"/d\", \"/e\", \"/f\", \"/g\", \"/h\"} }\n",
		     &c),
	       0, "8 tmpfs entries parse");
	config_free(c);
	is_int(parse("rule r { users = {\"a\"} rootfs = \"/x\"\n"
		     " tmpfs = {\"/a\", \"/b\", \"/c\", \"/d\", \"/e\", \"/f\", \"/g\", \"/h\", \"/i\"} }\n",
		     &c),
	       -EINVAL, "a 9th tmpfs entry fails (each is a tmpfs the user may fill)");

	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo\" rootfs_upper = \"/up/%u\"\n"
		     "  share = \"user\" }\n",
		     &c),
	       0, "an overlay rootfs with share = user parses");
	config_free(c);
	is_int(parse("rule r { users = {\"a\"}\n rootfs_lower = \"/lo\" rootfs_upper = \"/up/%u\"\n}\n", &c),
	       -EINVAL, "an overlay rootfs with share = session fails");
	is_str(last_error(),
	       "test.conf:3: rule r: rootfs_upper needs share = \"user\" (two boxes of one user "
	       "must not mount the same upper layer)",
	       "... and says why, with FILE:LINE");
	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo,x\" rootfs_upper = \"/up/%u\" share = \"user\" }\n", &c),
	       -EINVAL, "a ',' in rootfs_lower fails (an overlayfs option separator)");
	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo\" rootfs_upper = \"/up:x\" share = \"user\" }\n", &c),
	       -EINVAL, "a ':' in rootfs_upper fails");
	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo\" rootfs_upper = \"/\" share = \"user\" }\n", &c),
	       -EINVAL, "rootfs_upper = \"/\" fails");
	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo\" share = \"user\" }\n", &c),
	       -EINVAL, "rootfs_lower without rootfs_upper fails");
	/* Issue 13 (a): before the check, two users shared this upper layer. */
	is_int(parse("rule r { users = {\"a\", \"b\"}\n rootfs_lower = \"/lo\"\n"
		     " rootfs_upper = \"/up/shared\" share = \"user\" }\n", &c),
	       -EINVAL, "a rootfs_upper without %u or %U fails");
	is_str(last_error(),
	       "test.conf:3: rule r: rootfs_upper \"/up/shared\" must name the user (%u or %U): "
	       "each user needs an upper layer of their own",
	       "... and says why, with FILE:LINE");
	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo\" rootfs_upper = \"/up/%%u\" "
		     "share = \"user\" }\n", &c),
	       -EINVAL, "an escaped %%u does not name the user");
	is_int(parse("rule r { users = {\"a\"} rootfs_lower = \"/lo\" rootfs_upper = \"/up/u%U\" "
		     "share = \"user\" }\n", &c),
	       0, "%U names the user");
	config_free(c);
}

static void expansion(void)
{
	gid_t groups[] = { 1000 };
	struct user_info u = { .name = "alice", .uid = 1000, .gid = 1000, .home = "/home/alice",
			       .groups = groups, .n_groups = 1 };
	const char *why = NULL;
	char *out = NULL;

	is_int(expand_template("/srv/%u/%U%h/%%", &u, TEMPLATE_PATH, &out, &why), 0,
	       "expand %u %U %h %%");
	is_str(out, "/srv/alice/1000/home/alice/%", "... into the right text");
	free(out);
	u.name = "john.doe_x";
	is_int(expand_template("%u-box", &u, TEMPLATE_HOSTNAME, &out, &why), 0,
	       "a hostname from an awkward user name");
	is_str(out, "john-doe-x-box", "... is made hostname-safe");
	free(out);
	u.name = "..";
	is_int(expand_template("/srv/%u", &u, TEMPLATE_PATH, &out, &why), -EINVAL,
	       "a user called .. cannot climb out of the rootfs directory");
	u.name = "a/b";
	is_int(expand_template("/srv/%u", &u, TEMPLATE_PATH, &out, &why), -EINVAL,
	       "a user name with / cannot add path components");
	u.name = "alice";
	u.home = "/home/alice/";
	is_int(expand_template("%h", &u, TEMPLATE_PATH, &out, &why), -EINVAL,
	       "a home that is not normalised is refused");
	u.home = "/";
	is_int(expand_template("%h", &u, TEMPLATE_BOX_PATH, &out, &why), -EINVAL,
	       "a home of / cannot be a bind target");
}

static void matching(void)
{
	gid_t student_groups[] = { 1001, 500 };
	struct user_info alice = { .name = "alice", .uid = 1000, .gid = 1000, .home = "/h" };
	struct user_info carol = { .name = "carol", .uid = 1001, .gid = 1001, .home = "/h",
				   .groups = student_groups, .n_groups = 2 };
	struct user_info root = { .name = "root", .uid = 0, .gid = 0, .home = "/root" };
	struct user_info eve = { .name = "eve", .uid = 1002, .gid = 600, .home = "/h" };
	struct config *c;
	bool exempt;

	parse("rule first { users = {\"alice\"} rootfs = \"/a\" }\n"
	      "rule second { users = {\"alice\", \"carol\"} rootfs = \"/b\" }\n"
	      "rule byprimary { groups = {\"staff\"} rootfs = \"/c\" }\n"
	      "rule everyone { users = {\"*\"} rootfs = \"/d\" }\n",
	      &c);
	if (!c)
		return;
	is_str(policy_match(c, &alice, stub_group, NULL)->name, "first", "first match wins");
	is_str(policy_match(c, &carol, stub_group, NULL)->name, "second", "a later rule matches");
	is_str(policy_match(c, &eve, stub_group, NULL)->name, "byprimary",
	       "a primary group matches");
	ok(policy_match(c, &root, stub_group, &exempt) == NULL && exempt,
	   "root is exempt, even from users = {\"*\"}");
	config_free(c);

	parse("confine_root = true\nrule r { users = {\"*\"} rootfs = \"/d\" }\n", &c);
	ok(c && policy_match(c, &root, stub_group, &exempt) != NULL && !exempt,
	   "confine_root = true confines root");
	config_free(c);

	parse("rule r { groups = {\"students\", \"nosuchgroup\"} rootfs = \"/d\" }\n", &c);
	ok(c && policy_match(c, &carol, stub_group, NULL) != NULL, "a supplementary group matches");
	ok(c && policy_match(c, &alice, stub_group, NULL) == NULL, "no rule: NULL (PAM_IGNORE)");
	{
		char *names[] = { "carol", "students" }, *other[] = { "staff", "*" };
		struct user_info by_name = { .name = "carol", .uid = 1001, .gid = 1001, .home = "/h",
					     .group_names = names, .n_group_names = 2 };
		ok(c && policy_match(c, &by_name, NULL, NULL) != NULL,
		   "group names from the application match without a lookup");
		by_name.group_names = other;
		ok(c && policy_match(c, &by_name, NULL, NULL) == NULL,
		   "a group called * in the user's list is not a wildcard");
	}
	{
		/* gid 500 is named "team" by the name service; the rule names
		 * "students", another name of gid 500. */
		char *names[] = { "team" };
		gid_t gids[] = { 1001, 500 };
		struct user_info alias = { .name = "dave", .uid = 1002, .gid = 1001, .home = "/h",
					   .groups = gids, .n_groups = 2,
					   .group_names = names, .n_group_names = 1 };
		ok(c && policy_match(c, &alias, stub_group, NULL) != NULL,
		   "a group matches by gid when the name service gave another name for it");
		gids[1] = 501;
		ok(c && policy_match(c, &alias, stub_group, NULL) == NULL,
		   "... and not when the gid differs");
	}
	config_free(c);
}

static void weights(void)
{
	is_int(cpu_weight_to_nice(100), 0, "cpu_weight 100 is nice 0");
	is_int(cpu_weight_to_nice(50), 3, "cpu_weight 50 is nice 3");
	is_int(cpu_weight_to_nice(200), -3, "cpu_weight 200 is nice -3");
	is_int(cpu_weight_to_nice(1), 19, "cpu_weight 1 is nice 19");
	is_int(cpu_weight_to_nice(10000), -20, "cpu_weight 10000 is nice -20");
}

static void planning(void)
{
	struct user_info u = { .name = "alice", .uid = 1000, .gid = 1000, .home = "/home/alice" };
	struct box_plan p;
	struct config *c;

	parse("rule r {\n users = {\"*\"}\n rootfs = \"/srv/%u\"\n hostname = \"%u-box\"\n"
	      " tmpfs = {\"/run/%u:1777\"}\n bind { source = \"%h\" target = \"/home/%u\" }\n}\n",
	      &c);
	if (!c)
		return;
	is_int(plan_box(&c->rules[0], &u, &p), 0, "a rule is planned for a user");
	is_str(p.rootfs, "/srv/alice", "rootfs expanded");
	is_str(p.hostname, "alice-box", "hostname expanded");
	/* /dev/shm, /tmp, accounting's /run, the tmpfs, the bind, 3 records. */
	is_int(p.mounts.n, 8, "mounts planned: scratch, /run, tmpfs, bind, login records");
	if (p.mounts.n == 8) {
		const struct mount_entry *e = p.mounts.entries;
		is_str(e[0].target, "/dev/shm", "/dev/shm first");
		is_str(e[1].target, "/tmp", "then /tmp");
		ok(e[0].mode == 01777 && e[1].mode == 01777, "both 1777");
		ok(e[2].kind == MOUNT_TMPFS && streq(e[2].target, "/run") &&
			   streq(e[2].only_for, "/run/utmp"),
		   "accounting's /run, only for utmp, before the rule's tmpfs");
		is_str(e[3].target, "/run/alice", "tmpfs expanded");
		is_int(e[3].mode, 01777, "tmpfs mode kept");
		is_int(e[4].kind, MOUNT_BIND, "then the bind");
		is_str(e[4].source, "/home/alice", "bind source expanded");
		is_str(e[4].target, "/home/alice", "bind target expanded");
		ok(e[4].flags & MOUNT_SOURCE_PER_USER, "a bind from %%h is per user");
		ok(e[5].kind == MOUNT_LOGIN_RECORD && streq(e[5].target, "/run/utmp") &&
			   streq(e[7].target, "/var/log/lastlog"),
		   "login records last");
		ok(e[7].flags & MOUNT_TARGET_EXISTING, "a record needs its file in the rootfs");
		mount_list_drop(&p.mounts, MOUNT_SOURCE_PER_USER);
		ok(p.mounts.n == 7 && streq(p.mounts.entries[4].target, "/run/utmp"),
		   "per-user binds can be dropped (nsbox check)");
	}
	plan_free(&p);
	u.name = "..";
	log_reason_begin(&reason);
	is_int(plan_box(&c->rules[0], &u, &p), -EINVAL, "a hostile user name fails the plan");
	log_reason_end(&reason);
	ok(strstr(last_error(), "rule r: rootfs"), "... naming the rule and key");
	config_free(c);

	/* A tmpfs of the rule's on /run holds utmp: no second /run. */
	parse("rule r {\n users = {\"*\"}\n rootfs = \"/srv\"\n tmpfs = {\"/run\"}\n}\n", &c);
	if (!c)
		return;
	u.name = "alice";
	is_int(plan_box(&c->rules[0], &u, &p), 0, "a rule with a /run tmpfs is planned");
	is_int(p.mounts.n, 6, "scratch, the rule's /run and 3 records: no tmpfs of accounting");
	if (p.mounts.n == 6)
		ok(streq(p.mounts.entries[2].target, "/run") && !p.mounts.entries[2].only_for &&
			   p.mounts.entries[2].mode == 0755,
		   "the /run tmpfs is the rule's");
	plan_free(&p);
	config_free(c);
	parse("rule r {\n users = {\"*\"}\n rootfs = \"/srv\"\n accounting = false\n}\n", &c);
	if (!c)
		return;
	is_int(plan_box(&c->rules[0], &u, &p), 0, "a rule without accounting is planned");
	is_int(p.mounts.n, 2, "only /dev/shm and /tmp without accounting");
	plan_free(&p);
	config_free(c);
}

int main(void)
{
	log_setup(0, false);
	parsing();
	expansion();
	matching();
	planning();
	weights();
	return done_testing();
}
