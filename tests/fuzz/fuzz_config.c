/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: a hostile nsbox.conf through the parser, rule matching and
 * template expansion, for a few users (one with a hostile name). libFuzzer
 * calls LLVMFuzzerTestOneInput; replay.c calls it on the corpus in
 * make check. */
#include <errno.h>
#include <stdint.h>
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

		if (r && plan_box(r, &users[i], &plan) == 0)
			plan_free(&plan);
	}
	config_free(c);
	return 0;
}
