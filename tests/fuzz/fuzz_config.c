/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: a hostile nsbox.conf through the parser, rule matching,
 * the policy index (checked against rule matching) and template
 * expansion, for a few users (one with a hostile name). libFuzzer calls
 * LLVMFuzzerTestOneInput; replay.c calls it on the corpus in make check. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int stub_group(const char *name, gid_t *ret)
{
	if (strcmp(name, "students") == 0) {
		*ret = 500;
		return 0;
	}
	return -ENOENT;
}

/* The policy index of C, through its bytes, must never answer for U what
 * policy_match() does not (RULE, EXEMPT): abort, so the fuzzer reports it. */
static void check_index(const struct config *c, const struct user_info *u,
			const struct rule *rule, bool exempt)
{
	const struct match_user mu = { .name = u->name, .gid = u->gid, .gids = u->groups,
				       .n_gids = u->n_groups };
	struct policy_index built, ix;
	char *buf = NULL;
	size_t size;
	const char *why;

	if (policy_index_of(c, &built) < 0)
		return;
	if (policy_index_encode(&built, &buf, &size) == 0 &&
	    policy_index_decode(buf, size, &ix) == 0) {
		enum index_verdict v = policy_index_decide(&ix, u->uid, &mu, true, stub_group, &why);
		if (v != INDEX_ASK_HELPER && (rule || (v == INDEX_ROOT_EXEMPT) != exempt))
			abort();
		policy_index_free(&ix);
	}
	policy_index_free(&built);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const gid_t groups[] = { 1000, 500 };
	const struct user_info users[] = {
		{ .name = "alice", .uid = 1000, .gid = 1000, .home = "/home/alice", .shell = "/bin/sh",
		  .groups = groups, .n_groups = 2 },
		{ .name = "root", .uid = 0, .gid = 0, .home = "/root", .shell = "/bin/sh" },
		{ .name = "..", .uid = 1001, .gid = 1001, .home = "/", .shell = "/bin/sh" },
		{ .name = "a%u/b", .uid = 4294967294U, .gid = 1, .home = "/h//x", .shell = "" },
	};
	struct config *c = NULL;

	log_setup(0, false);
	log_reset_error();
	if (config_parse_buffer("fuzz.conf", (const char *)data, size, &c) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		bool exempt;
		const struct rule *r = policy_match(c, &users[i], stub_group, &exempt);
		struct box_plan plan;

		check_index(c, &users[i], r, exempt);
		if (r && plan_box(r, &users[i], &plan) == 0)
			plan_free(&plan);
	}
	config_free(c);
	return 0;
}
