/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A box's record in NSBOX_BOXES_DIR, as the helper writes it (registry.h)
 * and the module removes it at the close of a session whose box was its
 * own. Header-only: the module links no helper object. */
#ifndef NSBOX_BOXRECORD_H
#define NSBOX_BOXRECORD_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "paths.h"
#include "protocol.h"
#include "util.h"

/* True for ids nsbox makes: letters, digits, ".", "_", "-", not starting
 * with "." (so never "." or ".." or a temporary file), shorter than
 * NSBOX_BOX_ID_SIZE. */
static inline bool box_id_is_valid(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len >= NSBOX_BOX_ID_SIZE || id[0] == '.')
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

struct box_record {
	char id[NSBOX_BOX_ID_SIZE]; /* USER-PID */
	char user[256];
	uint32_t uid;
	char rule[128];
	bool shared;
	pid_t pid;			/* box init, as the host sees it */
	unsigned long long starttime;	/* of box init, in clock ticks since boot */
	long long created;		/* unix time */
	char rootfs[1024];
};

/* A record's second name, in the index of its uid: NSBOX_BOXES_DIR/ID.uUID
 * (registry_each_box_of() finds a uid's boxes by these names). */
static inline void box_index_path(const char *id, uint32_t uid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.u%u", NSBOX_BOXES_DIR, id, uid);
}

/* Unlink the record of box ID, and its index name (the record says whose
 * it is): the module's part, at the close of a session of its own box. */
static inline void unlink_box_record(const char *id)
{
	char path[sizeof(NSBOX_BOXES_DIR) + NSBOX_BOX_ID_SIZE + 8], index[sizeof(path) + 12];
	struct box_record r;
	int fd;

	if (!box_id_is_valid(id))
		return;
	snprintf(path, sizeof(path), "%s/%s.box", NSBOX_BOXES_DIR, id);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r) && streq(r.id, id)) {
			box_index_path(id, r.uid, index, sizeof(index));
			(void)unlink(index);
		}
		close(fd);
	}
	(void)unlink(path);
}

#endif
