/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy index (common/policyindex.h): for a table of configs and
 * users, "the index says no rule can match" must imply "policy_match()
 * finds no rule", through the bytes the module reads; a damaged index, or
 * one whose copy of the config is not the config's bytes now, must say
 * "ask the helper"; the module's path checks refuse what root did not put
 * there. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "policy.h"
#include "tap.h"

/* students and alias500 are two names of gid 500, staff is 600; "broken"
 * makes the name service fail. */
static int stub_group(const char *name, gid_t *ret)
{
	if (strcmp(name, "students") == 0 || strcmp(name, "alias500") == 0)
		*ret = 500;
	else if (strcmp(name, "staff") == 0)
		*ret = 600;
	else if (strcmp(name, "broken") == 0)
		return -EIO;
	else
		return -ENOENT;
	return 0;
}

struct test_user {
	struct user_info info;
	const char *what;
};

static gid_t alice_g[] = { 1000 }, carol_g[] = { 1001, 500 }, dave_g[] = { 1002, 500 },
	     eve_g[] = { 600 }, bob_g[] = { 1003 }, root_g[] = { 0 };
static char *alice_n[] = { "alice" }, *carol_n[] = { "carol", "students" },
	    *dave_n[] = { "dave", "team" }, *eve_n[] = { "staff" }, *bob_n[] = { "bob" },
	    *root_n[] = { "root" }, *star_n[] = { "*" };

#define USER(n, u, g, gl, nl, w)                                                                   \
	{ { .name = n, .uid = u, .gid = g, .home = "/h", .groups = gl,                             \
	    .n_groups = sizeof(gl) / sizeof(gl[0]), .group_names = nl,                             \
	    .n_group_names = sizeof(nl) / sizeof(nl[0]) },                                         \
	  w }

static const struct test_user users[] = {
	USER("alice", 1000, 1000, alice_g, alice_n, "alice (named)"),
	USER("carol", 1001, 1001, carol_g, carol_n, "carol (in students by name)"),
	USER("dave", 1002, 1002, dave_g, dave_n, "dave (gid 500, named team)"),
	USER("eve", 1004, 600, eve_g, eve_n, "eve (primary group staff)"),
	USER("bob", 1003, 1003, bob_g, bob_n, "bob (named by nothing)"),
	USER("Alice", 1005, 1005, bob_g, bob_n, "Alice (another spelling)"),
	USER("root", 0, 0, root_g, root_n, "root"),
	USER("toor", 0, 0, root_g, root_n, "toor (uid 0)"),
	USER("x", 1006, 1006, bob_g, star_n, "x (in a group called *)"),
};

static const char *const configs[] = {
	"",
	"rule a { users = {\"alice\"} rootfs = \"/r\" }\n",
	"rule g { groups = {\"students\"} rootfs = \"/r\" }\n",
	"rule g { groups = {\"alias500\"} rootfs = \"/r\" }\n",
	"rule g { groups = {\"staff\"} rootfs = \"/r\" }\n",
	"rule g { groups = {\"nosuchgroup\"} rootfs = \"/r\" }\n",
	"rule g { groups = {\"broken\"} rootfs = \"/r\" }\n",
	"rule s { users = {\"*\"} rootfs = \"/r\" }\n",
	"rule a { users = {\"alice\"} rootfs = \"/r\" }\n"
	"rule b { users = {\"bob\", \"carol\"} groups = {\"staff\"} rootfs = \"/r\" }\n",
	"confine_root = true\nrule r { users = {\"root\"} rootfs = \"/r\" }\n",
	"confine_root = true\nrule a { users = {\"alice\"} rootfs = \"/r\" }\n",
	"confine_root = true\nrule s { users = {\"*\"} rootfs = \"/r\" }\n",
	"rule r { users = {\"root\", \"toor\"} rootfs = \"/r\" }\n",
	"rule a { users = {\"alice\", \"alice\"} groups = {\"students\", \"students\"} "
	"rootfs = \"/r\" }\nrule b { users = {\"alice\"} rootfs = \"/r\" }\n",
};

static struct match_user match_of(const struct user_info *u)
{
	return (struct match_user){ .name = u->name, .gid = u->gid, .gids = u->groups,
				    .n_gids = u->n_groups, .group_names = u->group_names,
				    .n_group_names = u->n_group_names };
}

/* The index of C as the module would read it: built, encoded, decoded. */
static int index_bytes(const struct config *c, char **ret_buf, size_t *ret_size,
		       struct policy_index *ret)
{
	struct policy_index built;
	int r = policy_index_of(c, &built);

	if (r < 0)
		return r;
	r = policy_index_encode(&built, ret_buf, ret_size);
	policy_index_free(&built);
	return r ?: policy_index_decode(*ret_buf, *ret_size, ret);
}

static struct config *parse(const char *text)
{
	struct config *c = NULL;

	if (config_parse_buffer("/etc/test.conf", text, strlen(text), &c) < 0)
		return NULL;
	/* As config_load() keeps them for a root-owned file. */
	c->text = strdup(text);
	c->text_size = strlen(text);
	return c;
}

/* The property, for every config and user: a sure answer of the index is
 * the policy's answer. */
static void implication(void)
{
	size_t sure = 0, violations = 0, asked = 0;

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct config *c = parse(configs[i]);
		struct policy_index ix;
		char *buf = NULL;
		size_t size;

		if (!ok(c && index_bytes(c, &buf, &size, &ix) == 0, "config %zu parses and indexes", i)) {
			config_free(c);
			free(buf);
			continue;
		}
		for (size_t j = 0; j < sizeof(users) / sizeof(users[0]); j++) {
			const struct user_info *u = &users[j].info;
			struct match_user mu = match_of(u);
			const char *why = "";
			bool exempt = false;
			const struct rule *rule = policy_match(c, u, stub_group, &exempt);
			enum index_verdict v = policy_index_decide(&ix, u->uid, &mu, true, stub_group,
								  &why);

			if (v == INDEX_ASK_HELPER) {
				asked++;
				continue;
			}
			sure++;
			if (rule || (v == INDEX_ROOT_EXEMPT) != exempt) {
				violations++;
				printf("# config %zu, %s: index says %s, policy says %s\n", i,
				       users[j].what, v == INDEX_NO_RULE ? "no rule" : "root exempt",
				       rule ? rule->name : "no rule");
			}
		}
		policy_index_free(&ix);
		free(buf);
		config_free(c);
	}
	is_int(violations, 0, "a sure answer of the index is never contradicted by policy_match()");
	ok(sure > 20 && asked > 20, "both answers occur in the table (%zu sure, %zu asked)", sure,
	   asked);
}

static enum index_verdict verdict(const char *text, size_t user, bool groups_known,
				  const char **why)
{
	struct config *c = parse(text);
	struct match_user mu = match_of(&users[user].info);
	enum index_verdict v = INDEX_ASK_HELPER;
	struct policy_index ix;
	char *buf = NULL;
	size_t size;

	*why = "";
	if (c && index_bytes(c, &buf, &size, &ix) == 0) {
		v = policy_index_decide(&ix, users[user].info.uid, &mu, groups_known, stub_group,
					why);
		policy_index_free(&ix);
	}
	free(buf);
	config_free(c);
	return v;
}

/* The cases that matter, one by one (user indexes into users[]). */
static void cases(void)
{
	const char *why;

	is_int(verdict(configs[1], 4, true, &why), INDEX_NO_RULE, "bob under a rule for alice: no rule");
	is_int(verdict(configs[1], 0, true, &why), INDEX_ASK_HELPER, "alice under her rule: the helper");
	is_int(verdict(configs[1], 5, true, &why), INDEX_NO_RULE,
	       "Alice is not alice (the name service's spelling is what counts)");
	is_int(verdict(configs[0], 4, false, &why), INDEX_NO_RULE,
	       "no rule at all: no rule, without the user's groups");
	is_int(verdict(configs[2], 4, false, &why), INDEX_ASK_HELPER,
	       "rules name groups and the user's groups are unknown: the helper");
	is_int(verdict(configs[2], 4, true, &why), INDEX_NO_RULE, "bob is not a student: no rule");
	is_int(verdict(configs[3], 2, true, &why), INDEX_ASK_HELPER,
	       "dave's gid 500 is alias500's: the helper (match by gid)");
	is_int(verdict(configs[4], 3, true, &why), INDEX_ASK_HELPER,
	       "eve's primary group is staff: the helper");
	is_int(verdict(configs[6], 4, true, &why), INDEX_ASK_HELPER,
	       "a group lookup that fails: the helper");
	is_str(why, "a group lookup failed", "... and it says so");
	is_int(verdict(configs[7], 4, true, &why), INDEX_ASK_HELPER,
	       "users = {\"*\"}: the helper for everyone");
	is_int(verdict(configs[7], 6, true, &why), INDEX_ROOT_EXEMPT,
	       "users = {\"*\"}: root is still exempt");
	is_int(verdict(configs[1], 7, true, &why), INDEX_ROOT_EXEMPT, "any uid 0 is root");
	is_int(verdict(configs[10], 6, true, &why), INDEX_ASK_HELPER,
	       "confine_root = true: root goes to the helper even when no rule names it");
	is_int(verdict(configs[10], 4, true, &why), INDEX_NO_RULE,
	       "confine_root = true: bob, named by nothing, still needs no helper");
	is_int(verdict(configs[5], 8, true, &why), INDEX_NO_RULE,
	       "a group called * in the user's list is no wildcard");
}

static void damaged(void)
{
	struct config *c = parse(configs[8]);
	struct policy_index ix;
	char *buf = NULL, *copy;
	size_t size;
	struct nsbox_index_header *h;

	if (!ok(c && index_bytes(c, &buf, &size, &ix) == 0, "an index to damage")) {
		config_free(c);
		free(buf);
		return;
	}
	is_str(ix.config_path, "/etc/test.conf", "it names its config");
	is_int(ix.n_users, 3, "users of every rule, each once (alice, bob, carol)");
	is_int(ix.n_groups, 1, "groups of every rule (staff)");
	is_int(ix.config_size, strlen(configs[8]), "it carries the config's bytes");
	ok(ix.config_size == strlen(configs[8]) &&
		   memcmp(ix.config_text, configs[8], ix.config_size) == 0,
	   "... every one of them");
	policy_index_free(&ix);

	copy = malloc(size + 1);
	memcpy(copy, buf, size);
	is_int(policy_index_decode(copy, size - 1, &ix), -EBADMSG, "a truncated index is refused");
	copy[size] = 'x';
	is_int(policy_index_decode(copy, size + 1, &ix), -EBADMSG, "trailing bytes are refused");
	is_int(policy_index_decode(copy, 16, &ix), -EBADMSG, "a header cut short is refused");
	h = (struct nsbox_index_header *)copy;
	h->version++;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "another version is refused");
	h->version--;
	ok(strncmp(h->build_id, NSBOX_VERSION "-", strlen(NSBOX_VERSION) + 1) == 0 &&
		   strlen(h->build_id) > strlen(NSBOX_VERSION) + 1,
	   "it carries the package version and a build identity (%s)", h->build_id);
	h->build_id[strlen(h->build_id) - 1] ^= 1;
	is_int(policy_index_decode(copy, size, &ix), -ESTALE, "an index of another build is refused");
	h->build_id[strlen(h->build_id) - 1] ^= 1;
	h->build_id[sizeof(h->build_id) - 1] = 'x';
	is_int(policy_index_decode(copy, size, &ix), -ESTALE,
	       "... also one whose build identity only begins with ours");
	h->build_id[sizeof(h->build_id) - 1] = '\0';
	h->magic[0] ^= 1;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "another magic is refused");
	h->magic[0] ^= 1;
	h->flags |= 1u << 7;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "an unknown flag is refused");
	h->flags &= ~(1u << 7);
	h->n_users++;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "a name count beyond the names is refused");
	h->n_users -= 2;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "names no count accounts for are refused");
	h->n_users++;
	h->config_size++;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG,
	       "a config copy longer than its bytes is refused");
	h->config_size -= 2;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG,
	       "a config copy shorter than its bytes is refused");
	h->config_size++;
	h->reserved = 1;
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "a reserved field set is refused");
	h->reserved = 0;
	copy[sizeof(*h) + h->config_size] = '\0';
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "an empty name is refused");
	memcpy(copy, buf, size);
	copy[size - 1] = 'x';
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "an unterminated last name is refused");
	memset(h->config_path, 'a', sizeof(h->config_path));
	is_int(policy_index_decode(copy, size, &ix), -EBADMSG, "an unterminated config path is refused");
	memcpy(copy, buf, size);
	is_int(policy_index_decode(copy, size, &ix), 0, "the undamaged bytes decode");
	policy_index_free(&ix);
	free(copy);
	free(buf);
	config_free(c);
}

/* A file holding TEXT, at offset 0. */
static int file_of(const char *text, size_t size)
{
	int fd = memfd_create("nsbox-test.conf", MFD_CLOEXEC);

	if (fd < 0 || write(fd, text, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fd;
}

/* check_config(TEXT as the config's bytes now, SIZE as fstat said). */
static int check_with(const struct policy_index *ix, const char *path, const char *text,
		      off_t size, const char **why)
{
	int fd = file_of(text, strlen(text));
	int r = fd < 0 ? -EIO : policy_index_check_config(ix, path, fd, size, why);

	if (fd >= 0)
		close(fd);
	return r;
}

/* The index is used only while the config's bytes are its copy. */
static void same_bytes(void)
{
	const char *text = configs[8];
	struct config *c = parse(text);
	struct policy_index ix;
	char *buf = NULL, *edited = NULL, *big = NULL;
	const char *why = "";
	size_t size, len = strlen(text);
	off_t n = (off_t)len;

	if (!ok(c && index_bytes(c, &buf, &size, &ix) == 0, "an index to compare")) {
		config_free(c);
		free(buf);
		return;
	}
	is_int(check_with(&ix, "/etc/test.conf", text, n, &why), 0,
	       "the config's bytes are the index's copy: the index is of it");
	is_int(check_with(&ix, "/etc/other.conf", text, n, &why), -ESTALE,
	       "another config path is another config");
	is_str(why, "the index is of another config", "... and it says so");
	edited = strdup(text);
	edited[len - 3] ^= 1;
	is_int(check_with(&ix, "/etc/test.conf", edited, n, &why), -ESTALE,
	       "one byte changed, same size: another config");
	is_str(why, "the config changed since it was indexed", "... and it says so");
	edited[len - 3] ^= 1;
	edited[0] ^= 1;
	is_int(check_with(&ix, "/etc/test.conf", edited, n, &why), -ESTALE,
	       "the first byte changed: another config");
	edited[len - 1] = '\0';
	edited[0] ^= 1;
	is_int(check_with(&ix, "/etc/test.conf", edited, n - 1, &why), -ESTALE,
	       "one byte shorter: another config");
	is_int(check_with(&ix, "/etc/test.conf", edited, n, &why), -ESTALE,
	       "one byte shorter than fstat said (cut since): another config");
	if (asprintf(&big, "%s#", text) > 0)
		is_int(check_with(&ix, "/etc/test.conf", big, n, &why), -ESTALE,
		       "a byte more than fstat said (grown since): another config");
	free(big);
	big = NULL;
	policy_index_free(&ix);
	free(buf);
	buf = NULL;
	config_free(c);

	/* A config longer than one read's chunk, changed near its end. */
	big = malloc(20000 + 1);
	memset(big, '#', 20000);
	memcpy(big, text, len);
	big[len] = '\n';
	big[20000] = '\0';
	c = parse(big);
	if (ok(c && index_bytes(c, &buf, &size, &ix) == 0, "a 20000-byte config indexes")) {
		is_int(check_with(&ix, "/etc/test.conf", big, 20000, &why), 0,
		       "... and its bytes are the copy");
		big[19990] = 'x';
		is_int(check_with(&ix, "/etc/test.conf", big, 20000, &why), -ESTALE,
		       "... and one byte changed near its end is another config");
		policy_index_free(&ix);
	}
	free(buf);
	free(big);
	free(edited);
	config_free(c);
}

/* The index's bounds are the config loader's. */
static void bounds(void)
{
	struct policy_index ix = { .config_path = "/etc/test.conf", .config_text = "",
				   .config_size = NSBOX_CONFIG_MAX_BYTES + 1 };
	char *buf = NULL;
	size_t size;

	is_int(CONFIG_MAX_BYTES, NSBOX_CONFIG_MAX_BYTES, "the index's bound is the config loader's");
	is_int(policy_index_encode(&ix, &buf, &size), -EFBIG,
	       "a copy beyond the largest config is not encoded");
	free(buf);
}

/* open_root_owned() on files a test can make: only as root (as anyone
 * else, the temporary directory is not root's and every case fails on
 * that). */
static void path_checks(void)
{
	char dir[] = "/tmp/nsbox-ix.XXXXXX", path[256], link[256];
	struct stat st;
	int fd;

	is_int(open_root_owned("etc/passwd", false, &fd, &st), -EINVAL, "a relative path is refused");
	is_int(open_root_owned("/etc/../etc/passwd", false, &fd, &st), -EINVAL, "a .. is refused");
	is_int(open_root_owned("/etc//passwd", false, &fd, &st), -EINVAL, "a // is refused");
	if (geteuid() != 0 || !mkdtemp(dir)) {
		for (int i = 0; i < 12; i++)
			skip("not root", "open_root_owned on a test tree");
		return;
	}
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/conf", dir);
	close(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
	is_int(open_root_owned(path, true, &fd, &st), 0, "root's file in root's directory opens");
	if (fd >= 0)
		close(fd);
	ok(S_ISREG(st.st_mode) && st.st_uid == 0, "... and its stat is returned");
	chmod(path, 0664);
	is_int(open_root_owned(path, false, &fd, &st), -EPERM, "a group-writable file is refused");
	chmod(path, 0644);
	ok(chown(path, 1, 0) == 0, "(setup: chown to uid 1)");
	is_int(open_root_owned(path, false, &fd, &st), -EPERM, "a file not root's is refused");
	ok(chown(path, 0, 0) == 0, "(setup: chown back to root)");
	snprintf(link, sizeof(link), "%s/link", dir);
	ok(symlink(path, link) == 0, "(setup: a symlink to the file)");
	is_int(open_root_owned(link, true, &fd, &st), -ELOOP, "a symlink to it is refused (reading)");
	is_int(open_root_owned(link, false, &fd, &st), -ELOOP, "... and as O_PATH");
	snprintf(link, sizeof(link), "%s/dirlink", dir);
	ok(symlink(dir, link) == 0, "(setup: a symlink to the directory)");
	snprintf(link, sizeof(link), "%s/dirlink/conf", dir);
	is_int(open_root_owned(link, false, &fd, &st), -ELOOP, "a symlinked directory is refused");
	chmod(dir, 0777);
	is_int(open_root_owned(path, false, &fd, &st), -EPERM,
	       "a world-writable directory (not sticky) is refused");
	chmod(dir, 0755);
	snprintf(link, sizeof(link), "%s/dirlink", dir);
	unlink(link);
	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	log_setup(0, false);
	implication();
	cases();
	damaged();
	same_bytes();
	bounds();
	path_checks();
	return done_testing();
}
