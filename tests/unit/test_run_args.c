/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nsbox run` argument parsing. */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "run.h"
#include "tap.h"

static int parse(struct run_opts *o, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(o, 0, sizeof(*o));
	return parse_run_args(argc, argv, o);
}

int main(void)
{
	struct run_opts o;

	log_setup(0, false);
	{
		char *argv[] = { "run", NULL };
		is_int(parse(&o, argv), 0, "no arguments parse");
		ok(!o.rootfs && !o.cmd && !o.map_root && !o.verbose, "defaults: host root, shell");
		is_str(o.hostname, "nsbox", "default hostname is nsbox");
	}
	{
		char *argv[] = { "run",	      "--rootfs", "/srv/r", "--hostname", "h1", "--root",
				 "--verbose", "--",	  "ps",	    "-ef",	  NULL };
		is_int(parse(&o, argv), 0, "all options parse");
		is_str(o.rootfs, "/srv/r", "--rootfs DIR");
		is_str(o.hostname, "h1", "--hostname NAME");
		ok(o.map_root && o.verbose, "--root and --verbose");
		ok(o.cmd && strcmp(o.cmd[0], "ps") == 0 && strcmp(o.cmd[1], "-ef") == 0 &&
			   !o.cmd[2],
		   "CMD and its arguments after --");
	}
	{
		char *argv[] = { "run", "--rootfs=/r", "ls", "--root", NULL };
		is_int(parse(&o, argv), 0, "--rootfs=DIR and CMD without --");
		is_str(o.rootfs, "/r", "--rootfs=DIR");
		ok(!o.map_root && o.cmd && strcmp(o.cmd[1], "--root") == 0,
		   "options after CMD belong to CMD");
	}
	{
		char *argv[] = { "run", "--bogus", "true", NULL };
		is_int(parse(&o, argv), -EINVAL, "unknown long option is refused");
	}
	{
		char *argv[] = { "run", "-x", "true", NULL };
		is_int(parse(&o, argv), -EINVAL, "unknown short option is refused");
	}
	{
		char *argv[] = { "run", "--rootfs", NULL };
		is_int(parse(&o, argv), -EINVAL, "--rootfs without a value is refused");
	}
	{
		char *argv[] = { "run", "--rootfs", "", "true", NULL };
		is_int(parse(&o, argv), -EINVAL, "an empty --rootfs is refused");
	}
	{
		char *argv[] = { "run", "--hostname", "-bad", "true", NULL };
		is_int(parse(&o, argv), -EINVAL, "an invalid hostname is refused");
	}
	{
		char *argv[] = { "run", "-h", NULL };
		is_int(parse(&o, argv), 0, "-h parses");
		ok(o.help, "-h asks for help");
	}
	return done_testing();
}
