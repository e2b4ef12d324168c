/* SPDX-License-Identifier: GPL-2.0-or-later */
/* id-map text and hostname validation. */
#include <errno.h>
#include <string.h>

#include "box.h"
#include "log.h"
#include "ns.h"
#include "tap.h"

int main(void)
{
	char buf[64];

	log_setup(0, false);
	is_int(format_id_map(buf, sizeof(buf), 1000, 1000, 1), 12, "identity map length");
	is_str(buf, "1000 1000 1\n", "identity map text");
	format_id_map(buf, sizeof(buf), 0, 61234, 1);
	is_str(buf, "0 61234 1\n", "root map text");
	is_int(format_id_map(buf, sizeof(buf), 0, 1000, 0), -EINVAL, "an empty range is refused");
	is_int(format_id_map(buf, sizeof(buf), 4294967295UL, 1, 1), -EINVAL,
	       "(uid_t)-1 cannot be mapped");
	is_int(format_id_map(buf, sizeof(buf), 4294967290UL, 1, 100), -EINVAL,
	       "a range past 2^32 is refused");
	is_int(format_id_map(buf, 5, 1000, 1000, 1), -ENOSPC, "a short buffer is reported");

	ok(hostname_is_valid("nsbox"), "plain hostname");
	ok(hostname_is_valid("alice-box.example.org"), "dotted hostname");
	ok(hostname_is_valid("a"), "one letter");
	ok(!hostname_is_valid(""), "empty hostname");
	ok(!hostname_is_valid("-x"), "leading hyphen");
	ok(!hostname_is_valid("x-"), "trailing hyphen");
	ok(!hostname_is_valid("a..b"), "empty label");
	ok(!hostname_is_valid("a b"), "space");
	ok(!hostname_is_valid("a/b"), "slash");
	ok(!hostname_is_valid("%u"), "unexpanded escape");
	memset(buf, 'a', 63);
	buf[63] = '\0';
	ok(hostname_is_valid(buf), "63-byte label");
	{
		char longname[80];
		memset(longname, 'a', 65);
		longname[65] = '\0';
		ok(!hostname_is_valid(longname), "65 bytes is too long");
	}
	return done_testing();
}
