/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What pam_nsbox.so and `nsbox pam-helper` say to each other over the
 * SOCK_SEQPACKET pair the module creates: one fixed-size request, one
 * fixed-size reply (with box init's pidfd attached by SCM_RIGHTS when a box
 * was built). Fixed sizes keep the parsing in sshd's address space trivial.
 * After the reply the helper exits; box init keeps the helper's end of the
 * socket and dies when the module's end closes (close_session or the
 * application's death). */
#ifndef NSBOX_PROTOCOL_H
#define NSBOX_PROTOCOL_H

#include <sched.h>
#include <stdint.h>

#define NSBOX_PROTOCOL_VERSION 3
/* The module passes the socket as this fd. */
#define NSBOX_PROTOCOL_FD 3
/* argv of the helper: no paths, no secrets (box init inherits this command
 * line until it renames itself). */
#define NSBOX_HELPER_ARGV0 "nsbox"
#define NSBOX_HELPER_COMMAND "pam-helper"

enum nsbox_request_flags {
	NSBOX_REQUEST_DEBUG = 1 << 0,
	/* uid, gid, home, shell come from the application's name service */
	NSBOX_REQUEST_HAS_USER = 1 << 1,
	/* gids holds every group of the user, group_names the name of each
	 * one that has a name: the module's, for its policy index. The
	 * helper never uses them (it looks the groups up itself: the
	 * application's environment may be the user's, pamface.c). */
	NSBOX_REQUEST_ALL_GROUPS = 1 << 2,
};

#define NSBOX_REQUEST_GROUP_BYTES 8192
#define NSBOX_REQUEST_MAX_GIDS 1024

struct nsbox_request {
	uint32_t version;
	uint32_t flags;
	char user[256];
	char service[64];
	char config[1024];
	/* Test builds only (module and helper built with NSBOX_TEST_BUILD):
	 * the setup step at which to wait for SIGUSR1, for fault tests. The
	 * release helper ignores it; the release module never sets it. */
	char test_pause[32];
	/* The user as the application resolved it (sshd, su and login have
	 * the name service loaded already; the helper then looks up only the
	 * gids of rule groups the names do not match). The helper falls back
	 * to its own lookup when a flag above is missing. */
	uint32_t uid;
	uint32_t gid;
	char home[1024];
	char shell[256];
	uint32_t n_groups;
	char group_names[NSBOX_REQUEST_GROUP_BYTES]; /* NUL-separated */
	/* The gids: a rule's group matches by gid too, as getgrnam names it
	 * (two names can share a gid; the name service gives one of them). */
	uint32_t n_gids;
	uint32_t gids[NSBOX_REQUEST_MAX_GIDS];
};

/* A box's id: the name of its record (boxrecord.h). */
#define NSBOX_BOX_ID_SIZE 80

enum nsbox_verdict {
	NSBOX_VERDICT_IGNORE = 1,     /* not confined: no rule, or root exempt */
	NSBOX_VERDICT_BOXED = 2,      /* box built, pidfd attached */
	NSBOX_VERDICT_DENY = 3,	      /* fail closed: message says why */
	NSBOX_VERDICT_UNCONFINED = 4, /* on_error = allow: log a warning, go on */
};

/* The namespaces of a box that the application joins (setns on box init's
 * pidfd): all the box has but its user namespace, so that the application
 * keeps its real root for the rest of the login; NSBOX_REPLY_JOIN_NET
 * adds the network namespace. nsbox enter joins the same. */
#define BOX_JOIN_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWCGROUP)

enum nsbox_reply_flags {
	/* A shared box: the session leaves it at close, it is not stopped. */
	NSBOX_REPLY_SHARED = 1 << 0,
	/* A second fd comes with the pidfd: this session's hold on a shared
	 * box, to keep instead of the protocol socket. */
	NSBOX_REPLY_CONNECTION = 1 << 1,
	/* The box has its own network namespace (network = none): join it. */
	NSBOX_REPLY_JOIN_NET = 1 << 2,
	/* nice is set: the module sets it on the session (cpu_weight). */
	NSBOX_REPLY_NICE = 1 << 3,
	/* The rule allows the session to create user namespaces
	 * (user_namespaces = true); without it the module filters them out. */
	NSBOX_REPLY_USERNS = 1 << 4,
};

struct nsbox_reply {
	uint32_t version;
	uint32_t verdict;
	int32_t init_pid; /* host pid of box init, for the log line */
	uint32_t flags;
	char rule[128];
	char rootfs[1024];
	char message[1024]; /* why: for every verdict but BOXED */
	char box_id[NSBOX_BOX_ID_SIZE]; /* the box's record (boxrecord.h) */
	/* Limits the module sets on the session (0: none): RLIMIT_NPROC,
	 * RLIMIT_AS, RLIMIT_NOFILE. */
	uint64_t rlimit_nproc;
	uint64_t rlimit_as;
	uint64_t rlimit_nofile;
	int32_t nice; /* with NSBOX_REPLY_NICE: -20..19 */
	uint32_t reserved;
};

#endif
