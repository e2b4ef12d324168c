/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "box.h"
#include "log.h"
#include "path.h"

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

int parse_duration(const char *s, long *ret_seconds)
{
	unsigned long long v;
	char *end;

	if (streq(s, "forever")) {
		*ret_seconds = LINGER_FOREVER;
		return 0;
	}
	if (!*s || !strchr("0123456789", *s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > 100000000ULL)
		return -EINVAL;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case 'd': v *= 86400; break;
	default: return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	*ret_seconds = (long)v;
	return 0;
}

int parse_bytes(const char *s, unsigned long long *ret_bytes)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!*s || !strchr("0123456789", *s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: return -EINVAL;
	}
	if ((*end && end[1]) || v == 0 || v > (~0ULL >> shift))
		return -EINVAL;
	*ret_bytes = v << shift;
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

/* Whether R names U: the matcher the module also runs on the policy
 * index (common/match.h). A failed lookup counts as no match here, as it
 * always has: the group then cannot be shown to be U's. */
static bool rule_names(const struct rule *r, const struct user_info *u, group_lookup_fn lookup)
{
	const struct match_user mu = { .name = u->name, .gid = u->gid,
				       .gids = u->groups, .n_gids = u->n_groups,
				       .group_names = u->group_names,
				       .n_group_names = u->n_group_names };

	return names_match(r->users, r->n_users, r->groups, r->n_groups, &mu, lookup) > 0;
}

const struct rule *policy_match(const struct config *c, const struct user_info *u,
				group_lookup_fn lookup, bool *ret_root_exempt)
{
	bool exempt = u->uid == 0 && !c->confine_root;

	if (ret_root_exempt)
		*ret_root_exempt = exempt;
	if (exempt)
		return NULL;
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];
		if (rule_names(r, u, lookup))
			return r;
	}
	return NULL;
}

/* Every name of LIST (of N) that is not in OUT yet, appended to OUT. */
static void add_new_names(char *const *list, size_t n, char **out, size_t *n_out)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < *n_out && !streq(out[j], list[i]))
			j++;
		if (j == *n_out)
			out[(*n_out)++] = list[i];
	}
}

int policy_index_of(const struct config *c, struct policy_index *ret)
{
	size_t n_users = 0, n_groups = 0;
	struct policy_index ix = { .config_path = c->path, .config_text = c->text,
				   .config_size = c->text_size };

	if (!c->confine_root)
		ix.flags |= NSBOX_INDEX_ROOT_EXEMPT;
	for (size_t i = 0; i < c->n_rules; i++) {
		n_users += c->rules[i].n_users;
		n_groups += c->rules[i].n_groups;
	}
	ix.users = calloc(n_users + 1, sizeof(char *));
	ix.groups = calloc(n_groups + 1, sizeof(char *));
	if (!ix.users || !ix.groups) {
		policy_index_free(&ix);
		return -ENOMEM;
	}
	/* The union of every rule's lists: names_match() on it is true
	 * whenever it is true on one rule's (it is an "any of" on each
	 * list), so "no" from the index implies "no rule" here. */
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];
		add_new_names(r->users, r->n_users, ix.users, &ix.n_users);
		add_new_names(r->groups, r->n_groups, ix.groups, &ix.n_groups);
	}
	for (size_t i = 0; i < ix.n_users; i++)
		if (streq(ix.users[i], "*"))
			ix.flags |= NSBOX_INDEX_ANYONE;
	*ret = ix;
	return 0;
}

static int expand_or_log(const struct rule *r, const char *key, const char *tmpl,
			 const struct user_info *u, enum template_kind kind, char **ret)
{
	const char *why = "";
	int err = expand_template(tmpl, u, kind, ret, &why);

	if (err == -EINVAL)
		log_error("rule %s: %s \"%s\" for user %s: %s", r->name, key, tmpl, u->name, why);
	else if (err < 0)
		log_errno(-err, "rule %s: %s", r->name, key);
	return err;
}

/* The rule's tmpfs entries, expanded for U, onto LIST. */
static int plan_tmpfs(const struct rule *r, const struct user_info *u, struct mount_list *list)
{
	for (size_t i = 0; i < r->n_tmpfs; i++) {
		_cleanup_free_ char *path = NULL, *target = NULL;
		const char *why = "";
		unsigned mode;
		int err = split_tmpfs_entry(r->tmpfs[i], &path, &mode, &why);

		if (err < 0) {
			log_error("rule %s: tmpfs \"%s\": %s", r->name, r->tmpfs[i], why);
			return err;
		}
		if ((err = expand_or_log(r, "tmpfs", path, u, TEMPLATE_BOX_PATH, &target)) < 0 ||
		    (err = mount_list_add_tmpfs(list, target, mode, r->tmpfs_size)) < 0)
			return err;
	}
	return 0;
}

/* The rule's binds, expanded for U, onto LIST. */
static int plan_binds(const struct rule *r, const struct user_info *u, struct mount_list *list)
{
	for (size_t i = 0; i < r->n_binds; i++) {
		const struct bind_template *b = &r->binds[i];
		_cleanup_free_ char *source = NULL, *target = NULL;
		unsigned flags = b->optional ? MOUNT_SOURCE_OPTIONAL : 0;
		int err;

		if (strchr(b->source, '%'))
			flags |= MOUNT_SOURCE_PER_USER;
		if ((err = expand_or_log(r, "bind source", b->source, u, TEMPLATE_PATH, &source)) < 0 ||
		    (err = expand_or_log(r, "bind target", b->target, u, TEMPLATE_BOX_PATH,
					 &target)) < 0 ||
		    (err = mount_list_add_bind(list, source, target, b->readonly, flags)) < 0)
			return err;
	}
	return 0;
}

/* What box init mounts after /proc and /dev, in order. */
static int plan_mounts(const struct rule *r, const struct user_info *u, struct mount_list *list)
{
	size_t after_scratch;
	int err = mount_list_add_scratch(list, r->tmpfs_size);

	after_scratch = list->n;
	err = err ?: plan_tmpfs(r, u, list);
	err = err ?: plan_binds(r, u, list);
	if (!err && r->accounting)
		err = mount_list_add_accounting(list, after_scratch);
	return err;
}

int plan_box(const struct rule *r, const struct user_info *u, struct box_plan *ret)
{
	struct box_plan p = { 0 };
	int err;

	if (r->rootfs_lower) {
		err = expand_or_log(r, "rootfs_lower", r->rootfs_lower, u, TEMPLATE_PATH, &p.rootfs);
		err = err ?: expand_or_log(r, "rootfs_upper", r->rootfs_upper, u, TEMPLATE_PATH,
					   &p.rootfs_upper);
	} else {
		err = expand_or_log(r, "rootfs", r->rootfs, u, TEMPLATE_PATH, &p.rootfs);
	}
	err = err ?: expand_or_log(r, "hostname", r->hostname, u, TEMPLATE_HOSTNAME, &p.hostname);
	if (!err && r->shell)
		err = expand_or_log(r, "shell", r->shell, u, TEMPLATE_BOX_PATH, &p.shell);
	err = err ?: plan_mounts(r, u, &p.mounts);
	if (err) {
		if (err == -ENOMEM)
			log_error("rule %s: out of memory", r->name);
		plan_free(&p);
		return err;
	}
	*ret = p;
	return 0;
}

void plan_free(struct box_plan *p)
{
	free(p->rootfs);
	free(p->rootfs_upper);
	free(p->hostname);
	free(p->shell);
	mount_list_free(&p->mounts);
	memset(p, 0, sizeof(*p));
}

int cpu_weight_to_nice(long weight)
{
	/* The kernel's load weight of each nice value, -20 to 19 (each step
	 * is about 1.25 times the next); cpu.weight 100 is 1024, nice 0. */
	static const long prio_weight[40] = {
		88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
		9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
		1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
		110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
	};
	double want = (double)weight * 1024.0 / 100.0, best = 0;
	int nice = 0;

	for (int i = 0; i < 40; i++) {
		double a = (double)prio_weight[i];
		double ratio = a > want ? a / want : want / a;
		if (i == 0 || ratio < best) {
			best = ratio;
			nice = i - 20;
		}
	}
	return nice;
}
