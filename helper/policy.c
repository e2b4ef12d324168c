/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "policy.h"

#include <errno.h>
#include <limits.h>
#include <sys/mount.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "path.h"

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

/* The innermost entry of LIST (a tmpfs or a bind) whose target DIR is or
 * lies below, or NULL (DIR is in the rootfs). */
static const struct mount_entry *enclosing_entry(const struct mount_list *list, const char *dir)
{
	const struct mount_entry *best = NULL;

	for (size_t i = 0; i < list->n; i++) {
		const struct mount_entry *e = &list->entries[i];
		if (e->kind != MOUNT_LOGIN_RECORD && path_at_or_below(dir, e->target) &&
		    (!best || strlen(e->target) > strlen(best->target)))
			best = e;
	}
	return best;
}

/* A read-only mount sits on one name: a user who may rename a directory
 * above it (mv ~/.config ~/.old) makes the path anew, writable, and reaches
 * the host's files there. Every directory above PATH must be one the user
 * cannot rename: a mount point (rename gives EBUSY), or in a read-only
 * plain rootfs, a read-only bind or a tmpfs of the box (its mount points
 * are root's, made by the helper); not a directory inside a writable bind
 * (or an overlay rootfs, writable where its permissions say). NULL when
 * PATH is safe, else why not. */
static const char *readonly_path_unsafe(const struct rule *r, const struct mount_list *list,
					const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		const struct mount_entry *e;
		char *slash = strrchr(dir, '/');

		if (slash == dir)
			return NULL; /* the parent is "/": the rootfs's root */
		*slash = '\0';
		e = enclosing_entry(list, dir);
		if (!e) {
			if (r->rootfs_lower)
				return "it lies in an overlay rootfs, where the user may rename a "
				       "directory above it";
			continue; /* in the read-only rootfs */
		}
		if (streq(e->target, dir))
			continue; /* a mount point */
		if (e->kind == MOUNT_BIND && !(e->attrs & MOUNT_ATTR_RDONLY))
			return "a directory above it lies inside a writable bind, where the user "
			       "may rename it; put it directly in the bind's target, or bind its "
			       "parent read-only";
	}
}

/* readonly_paths: each a bind of the host path at the same place, read-only,
 * after the binds (so that it may make part of one read-only). */
static int plan_readonly_paths(const struct rule *r, const struct user_info *u,
			       struct mount_list *list)
{
	for (size_t i = 0; i < r->n_readonly_paths; i++) {
		_cleanup_free_ char *path = NULL;
		const char *tmpl = r->readonly_paths[i];
		unsigned flags = strchr(tmpl, '%') ? MOUNT_SOURCE_PER_USER : 0;
		int err = expand_or_log(r, "readonly_paths", tmpl, u, TEMPLATE_BOX_PATH, &path);
		const char *why;

		if (err < 0)
			return err;
		if ((why = readonly_path_unsafe(r, list, path))) {
			log_error("rule %s: readonly_paths %s: %s", r->name, path, why);
			return -EPERM;
		}
		if ((err = mount_list_add_bind(list, path, path, true, flags)) < 0)
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
	err = err ?: plan_readonly_paths(r, u, list);
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
