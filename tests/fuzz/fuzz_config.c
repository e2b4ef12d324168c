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

/* students and its second name alias500 are gid 500, staff 600; "broken"
 * is a name service failure. */
static int stub_group(const char *name, gid_t *ret)
{
	if (strcmp(name, "students") == 0 || strcmp(name, "alias500") == 0) {
		*ret = 500;
		return 0;
	}
	if (strcmp(name, "staff") == 0) {
		*ret = 600;
		return 0;
	}
	return strcmp(name, "broken") == 0 ? -EIO : -ENOENT;
}

/* The policy index of C, through its bytes, must never answer for U what
 * policy_match() does not (RULE, EXEMPT): abort, so the fuzzer reports it. */
static void check_index(const struct config *c, const struct user_info *u,
			const struct rule *rule, bool exempt)
{
	const struct match_user mu = { .name = u->name, .gid = u->gid, .gids = u->groups,
				       .n_gids = u->n_groups, .group_names = u->group_names,
				       .n_group_names = u->n_group_names };
	struct policy_index built, ix;
	char *buf = NULL;
	size_t size;
	const char *why;

	if (policy_index_of(c, &built) < 0)
		return;
	if (policy_index_encode(&built, &buf, &size) == 0 &&
	    policy_index_decode(buf, size, &ix) == 0) {
		/* The copy of the config the module compares is the text parsed. */
		if (ix.config_size != c->text_size ||
		    memcmp(ix.config_text, c->text, c->text_size) != 0)
			abort();
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
	/* Group names as getgrgid gives them: alice's gid 500 is named
	 * "students" (rules may call it alias500 too), dave's 600 "staff",
	 * and some names are no group a rule can look up ("team", "*"). */
	static const gid_t alice_g[] = { 1000, 500 }, root_g[] = { 0 }, dave_g[] = { 1002, 600 },
			   dots_g[] = { 1001 };
	static char *alice_n[] = { "alice", "students" }, *root_n[] = { "root" },
		    *dave_n[] = { "dave", "staff", "team" }, *dots_n[] = { "*", ".." },
		    *odd_n[] = { "a%u/b", "" };
	const struct user_info users[] = {
		{ .name = "alice", .uid = 1000, .gid = 1000, .home = "/home/alice", .shell = "/bin/sh",
		  .groups = alice_g, .n_groups = 2, .group_names = alice_n, .n_group_names = 2 },
		{ .name = "root", .uid = 0, .gid = 0, .home = "/root", .shell = "/bin/sh",
		  .groups = root_g, .n_groups = 1, .group_names = root_n, .n_group_names = 1 },
		{ .name = "dave", .uid = 1002, .gid = 1002, .home = "/home/dave", .shell = "/bin/sh",
		  .groups = dave_g, .n_groups = 2, .group_names = dave_n, .n_group_names = 3 },
		{ .name = "..", .uid = 1001, .gid = 1001, .home = "/", .shell = "/bin/sh",
		  .groups = dots_g, .n_groups = 1, .group_names = dots_n, .n_group_names = 2 },
		{ .name = "a%u/b", .uid = 4294967294U, .gid = 1, .home = "/h//x", .shell = "",
		  .group_names = odd_n, .n_group_names = 2 },
	};
	struct config *c = NULL;

	log_setup(0, false);
	if (config_parse_buffer("fuzz.conf", (const char *)data, size, &c) < 0)
		return 0;
	/* As config_load() keeps them, for the policy index to carry. */
	c->text = malloc(size ? size : 1);
	if (!c->text) {
		config_free(c);
		return 0;
	}
	memcpy(c->text, data, size);
	c->text_size = size;
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
