/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where nsbox keeps things, for the module and the helper alike: each path
 * is written here once. */
#ifndef NSBOX_PATHS_H
#define NSBOX_PATHS_H

/* The config a login uses unless the module's config= names another, and
 * what nsbox check reads by default. */
#define NSBOX_DEFAULT_CONFIG "/etc/nsbox.conf"

/* Root's, 0700, made on demand by the helper (registry.c); nothing below
 * it is trusted unless it is root's too. */
#define NSBOX_RUN_DIR "/run/nsbox"
/* Box records (registry.h): the helper writes them, the module removes an
 * unshared box's at close. */
#define NSBOX_BOXES_DIR NSBOX_RUN_DIR "/boxes"
/* Policy indexes (policyindex.h): the helper writes them, the module reads
 * them. */
#define NSBOX_INDEX_DIR NSBOX_RUN_DIR "/index"

#endif
