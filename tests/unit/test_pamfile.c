/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PAM service file reader behind `nsbox check`'s stack warnings. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pamfile.h"
#include "tap.h"

static char dir[64];
static char warnings[16384];
static size_t n_warnings;

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static void collect(const char *text, void *userdata)
{
	(void)userdata;
	n_warnings++;
	strncat(warnings, text, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

/* The warnings for SERVICE, in warnings[]; returns their number. */
static size_t check(const char *service)
{
	struct pam_stack s;
	size_t n;

	warnings[0] = '\0';
	n_warnings = 0;
	if (pam_stack_load(dir, service, &s) < 0)
		return (size_t)-1;
	n = pam_stack_warnings(&s, service, collect, NULL);
	pam_stack_free(&s);
	return n;
}

static void parse_lines(void)
{
	struct pam_line pl;
	char l1[] = "session [success=ok ignore=ignore default=bad]\tpam_selinux.so close";
	char l2[] = "-session optional pam_nsbox.so debug leave";
	char l3[] = "@include common-session";
	char l4[] = "   ";
	char l5[] = "session required";
	char l6[] = "session optional pam_foo.so leaveX [leave]";

	is_int(pam_parse_line(l1, &pl), 0, "a bracketed control with spaces parses");
	is_str(pl.control, "[success=ok ignore=ignore default=bad]", "the control is one field");
	is_str(pl.module, "pam_selinux.so", "the module follows the bracketed control");
	is_int(pam_parse_line(l2, &pl), 0, "a '-session' line parses");
	is_str(pl.type, "session", "the type loses its '-'");
	ok(pl.leave, "the leave argument is seen among others");
	is_int(pam_parse_line(l3, &pl), 0, "@include parses");
	ok(pl.at_include, "@include is an include of every type");
	is_str(pl.module, "common-session", "the included file");
	is_int(pam_parse_line(l4, &pl), 1, "a blank line is empty");
	is_int(pam_parse_line(l5, &pl), -EINVAL, "a line without a module is invalid");
	is_int(pam_parse_line(l6, &pl), 0, "arguments parse");
	ok(!pl.leave, "'leaveX' and '[leave]' are not the leave argument");
}

static void stacks(void)
{
	struct pam_stack s;
	char want[256];

	put("common-session",
	    "# comment\nsession [default=1] pam_permit.so\nsession requisite pam_deny.so\n"
	    "session required pam_unix.so # trailing # comment\n");
	put("common-auth", "auth required pam_unix.so\n");
	put("good", "@include common-auth\nsession optional pam_nsbox.so leave\n"
		    "session optional pam_keyinit.so \\\n  force revoke\n@include common-session\n"
		    "session required pam_limits.so\nSession required /lib/security/pam_nsbox.so\n"
		    "auth include common-missing\n");
	ok(pam_stack_load(dir, "good", &s) == 0, "a service loads");
	is_int(s.n_entries, 7,
	       "session lines of the file and of @include; comments, auth lines skipped");
	is_int(s.n_problems, 0, "an 'auth include' of a missing file is not followed for session");
	if (s.n_entries == 7) {
		is_str(s.entries[2].module, "pam_permit.so", "included lines come in their place");
		snprintf(want, sizeof(want), "%s/common-session", dir);
		is_str(s.entries[2].file, want, "an included line names its own file");
		is_int(s.entries[4].line, 4, "a line number counts comments");
		is_int(s.entries[1].line, 3, "a continued line has the number of its first line");
		is_int(s.entries[5].line, 6, "lines after a continuation keep their numbers");
		ok(s.entries[0].leave && s.entries[6].nsbox && !s.entries[6].leave,
		   "the leave line and the confining line (by path, type in any case)");
	}
	pam_stack_free(&s);
	is_int(check("good"), 0, "leave first, confining last: no warning");

	put("late", "session optional pam_nsbox.so leave\n@include common-session\n"
		    "session required pam_nsbox.so\nsession required pam_limits.so\n"
		    "session required pam_env.so\n");
	is_int(check("late"), 2, "two modules after the confining line: two warnings");
	snprintf(want, sizeof(want), "%s/late:4: service late: pam_limits.so runs inside the box",
		 dir);
	ok(strstr(warnings, want) != NULL, "the warning names the file, line, service and module");
	snprintf(want, sizeof(want), "confining pam_nsbox.so at %s/late:3", dir);
	ok(strstr(warnings, want) != NULL, "and where the confining line is");

	put("noleave", "session required pam_unix.so\nsession required pam_nsbox.so\n");
	is_int(check("noleave"), 1, "no leave line: one warning");
	ok(strstr(warnings, "no \"session optional pam_nsbox.so leave\" line") != NULL,
	   "it says the leave line is missing");

	put("early", "session optional pam_keyinit.so\nsession optional pam_nsbox.so leave\n"
		     "session include common-session\nsession required pam_nsbox.so\n");
	is_int(check("early"), 1, "a module before the leave line: one warning");
	snprintf(want, sizeof(want),
		 "%s/early:1: service early: pam_keyinit.so closes inside the box", dir);
	ok(strstr(warnings, want) != NULL, "the module that closes in the box is named");

	put("twice", "session optional pam_nsbox.so leave\nsession substack common-session\n"
		     "session required pam_nsbox.so\nsession required pam_nsbox.so\n");
	is_int(check("twice"), 1, "a second confining line: one warning");
	ok(strstr(warnings, "a second confining pam_nsbox.so") != NULL, "it says so");

	put("leaveafter", "session required pam_unix.so\nsession required pam_nsbox.so\n"
			  "session optional pam_nsbox.so leave\n");
	is_int(check("leaveafter"), 1, "a leave line after the confining line counts as none");

	put("plain", "@include common-session\nsession required pam_limits.so\n");
	is_int(check("plain"), 0, "a service without pam_nsbox: nothing to say");
}

static void hostile(void)
{
	char fifo[256], want[256];

	put("loop", "session optional pam_nsbox.so leave\n@include loop2\n"
		    "session required pam_nsbox.so\n");
	put("loop2", "session include loop2\n");
	is_int(check("loop"), 1, "an include loop ends, with one warning");
	ok(strstr(warnings, "includes nested 16 deep") != NULL, "at PAM's depth limit");

	put("missing", "session optional pam_nsbox.so leave\nsession include nothere\n"
		       "session required pam_nsbox.so\n");
	is_int(check("missing"), 1, "an unreadable include: one warning");
	snprintf(want, sizeof(want), "%s/missing:2: cannot read included %s/nothere: No such file",
		 dir, dir);
	ok(strstr(warnings, want) != NULL, "naming the line that includes it");

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ok(mkfifo(fifo, 0600) == 0, "a FIFO in pam.d");
	put("withfifo", "session optional pam_nsbox.so leave\n@include fifo\n"
			"session required pam_nsbox.so\n");
	is_int(check("withfifo"), 1,
	       "an included FIFO is refused, not read (the check does not hang)");
	put("big", "");
	{
		char path[256];
		int fd;

		snprintf(path, sizeof(path), "%s/big", dir);
		fd = open(path, O_WRONLY);
		ok(fd >= 0 && ftruncate(fd, PAMFILE_MAX_SIZE + 1) == 0,
		   "a file over the size limit");
		close(fd);
	}
	put("withbig", "session optional pam_nsbox.so leave\n@include big\n"
		       "session required pam_nsbox.so\n");
	is_int(check("withbig"), 1, "an oversized include is not read");
	ok(strstr(warnings, "File too large") != NULL, "and says why");
}

static void whole_dir(void)
{
	int n;

	warnings[0] = '\0';
	n_warnings = 0;
	n = pam_check_dir(dir, collect, NULL);
	/* late 2, noleave 1, early 1, twice 1, leaveafter 1, loop 1,
	 * missing 1, withfifo 1, withbig 1; good and plain none. */
	is_int(n, 10, "pam_check_dir: every service that uses pam_nsbox, warnings summed");
	ok(strstr(warnings, "service early:") < strstr(warnings, "service late:"), "in name order");
	is_int(pam_check_dir("/nonexistent/pam.d", collect, NULL), -ENOENT, "a missing directory");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nsbox-pamfile.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	parse_lines();
	stacks();
	hostile();
	whole_dir();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		ok(system(cmd) == 0, "the test directory is removed");
	}
	return done_testing();
}
