/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The list of a box's mounts (mountlist.h): building it. Nothing here
 * touches the file system. */
#include "mountlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "../common/util.h"

const char *const accounting_files[ACCOUNTING_FILES_N] = {
	"/run/utmp",
	"/var/log/wtmp",
	"/var/log/lastlog",
};

static void entry_free(struct mount_entry *e)
{
	free(e->target);
	free(e->source);
}

int mount_list_insert(struct mount_list *l, size_t at, const struct mount_entry *e)
{
	struct mount_entry copy = *e, *v;

	if (at > l->n)
		return -EINVAL;
	copy.tree = NO_TREE;
	copy.target = strdup(e->target);
	copy.source = e->source ? strdup(e->source) : NULL;
	v = realloc(l->entries, (l->n + 1) * sizeof(*v));
	if (!copy.target || (e->source && !copy.source) || !v) {
		entry_free(&copy);
		if (v)
			l->entries = v;
		return -ENOMEM;
	}
	memmove(&v[at + 1], &v[at], (l->n - at) * sizeof(*v));
	v[at] = copy;
	l->entries = v;
	l->n++;
	return 0;
}

int mount_list_add(struct mount_list *l, const struct mount_entry *e)
{
	return mount_list_insert(l, l->n, e);
}

void mount_list_drop(struct mount_list *l, unsigned flags)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->entries[i].flags & flags)
			entry_free(&l->entries[i]);
		else
			l->entries[k++] = l->entries[i];
	}
	l->n = k;
}

void mount_list_free(struct mount_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		entry_free(&l->entries[i]);
	free(l->entries);
	*l = (struct mount_list){ 0 };
}

int mount_list_add_tmpfs(struct mount_list *l, const char *target, unsigned mode, const char *size)
{
	const struct mount_entry e = { .kind = MOUNT_TMPFS,
				       .target = (char *)target,
				       .mode = mode,
				       .size = size,
				       .attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };

	return mount_list_add(l, &e);
}

int mount_list_add_scratch(struct mount_list *l, const char *size)
{
	int r = mount_list_add_tmpfs(l, "/dev/shm", 01777, size);

	return r < 0 ? r : mount_list_add_tmpfs(l, "/tmp", 01777, size);
}

int mount_list_add_bind(struct mount_list *l, const char *source, const char *target, bool readonly,
			unsigned flags)
{
	const struct mount_entry e = {
		.kind = MOUNT_BIND,
		.source = (char *)source,
		.target = (char *)target,
		.attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (readonly ? MOUNT_ATTR_RDONLY : 0),
		.flags = flags,
	};

	return mount_list_add(l, &e);
}

int mount_list_add_accounting(struct mount_list *l, size_t run_at)
{
	/* The records are writable (root code writes them, as on the
	 * host); what the user may do with them is the host's permissions. */
	const uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	const struct mount_entry run = {
		.kind = MOUNT_TMPFS,
		.target = (char *)"/run",
		.mode = 0755,
		.size = ACCOUNTING_RUN_SIZE,
		.only_for = accounting_files[0],
		.attrs = attrs,
		.flags = MOUNT_TARGET_EXISTING,
	};
	bool have_run = false;
	int r;

	for (size_t i = 0; i < l->n; i++)
		have_run |=
			l->entries[i].kind == MOUNT_TMPFS && streq(l->entries[i].target, "/run");
	if (!have_run && (r = mount_list_insert(l, run_at, &run)) < 0)
		return r;
	for (size_t i = 0; i < ACCOUNTING_FILES_N; i++) {
		const struct mount_entry rec = {
			.kind = MOUNT_LOGIN_RECORD,
			.source = (char *)accounting_files[i],
			.target = (char *)accounting_files[i],
			.attrs = attrs,
			.flags = MOUNT_SOURCE_OPTIONAL | MOUNT_TARGET_EXISTING,
		};
		if ((r = mount_list_add(l, &rec)) < 0)
			return r;
	}
	return 0;
}
