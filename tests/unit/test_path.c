/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path normalisation and the race-free walkers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "tap.h"

static char base[64];

static const char *at(const char *rel)
{
	static char buf[2][256];
	static int i;

	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, rel);
	return buf[i];
}

static int walk_trusting(const char *rel, unsigned flags, struct path_trust trust)
{
	int fd = -1, r = walk_path("test", at(rel), flags, trust, &fd);

	if (fd >= 0)
		close(fd);
	return r;
}

static int walk(const char *rel, unsigned flags)
{
	return walk_trusting(rel, flags, PATH_TRUST_ROOT);
}

static void normalisation(void)
{
	ok(path_is_normalized_absolute("/"), "/ is normalised");
	ok(path_is_normalized_absolute("/srv/boxes/alice"), "plain absolute path");
	ok(!path_is_normalized_absolute("srv"), "relative path");
	ok(!path_is_normalized_absolute(""), "empty path");
	ok(!path_is_normalized_absolute("/srv/"), "trailing slash");
	ok(!path_is_normalized_absolute("/srv//x"), "double slash");
	ok(!path_is_normalized_absolute("/srv/./x"), "dot component");
	ok(!path_is_normalized_absolute("/srv/../etc"), "dot-dot component");
	ok(!path_is_normalized_absolute("/srv/.."), "trailing dot-dot");
	ok(path_is_normalized_absolute("/srv/..x/.y"), "names starting with dots are fine");
	ok(path_strictly_below("/a/b", "/a"), "/a/b is strictly below /a");
	ok(!path_strictly_below("/a", "/a"), "/a is not strictly below itself");
	ok(!path_strictly_below("/ab", "/a"), "/ab is not below /a");
	ok(path_at_or_below("/a", "/a") && path_at_or_below("/a/b/c", "/a"),
	   "/a and /a/b/c are at or below /a");
	ok(!path_at_or_below("/ab", "/a") && !path_at_or_below("/", "/a"),
	   "/ab and / are not at or below /a");
	ok(path_strictly_below("lib/x86_64-linux-gnu", "lib"), "relative names compare too");
}

static void walking(bool root)
{
	int fd = -1;

	mkdir(at("d"), 0755);
	mkdir(at("d/sub"), 0755);
	close(open(at("d/file"), O_CREAT | O_WRONLY, 0644));
	ok(symlink("sub", at("d/link")) == 0 &&
		   symlink("/nonexistent-target", at("d/dangling")) == 0,
	   "test tree created");

	is_int(walk("d/sub", WALK_DIRECTORY), 0, "walk to a directory");
	is_int(walk("d/file", WALK_DIRECTORY), -ENOTDIR, "WALK_DIRECTORY refuses a file");
	is_int(walk("d/file/x", 0), -ENOTDIR, "a file on the way is refused");
	is_int(walk("d/missing", 0), -ENOENT, "missing component");
	is_int(walk("d/missing", WALK_MISSING_OK), -ENOENT, "missing component, quietly");
	is_int(walk_path("test", "relative", 0, PATH_TRUST_ROOT, &fd), -EINVAL,
	       "relative path is refused");

	if (!root) {
		/* Box init's trust ("not the user") is passed, not set: a walk
		 * with root's trust right after it judges as before. */
		is_int(walk_trusting("d/link", WALK_DIRECTORY, path_trust_not(getuid() + 1)), 0,
		       "trusting all but another user, our symlink is followed");
		is_int(walk_trusting("d/link", 0, path_trust_not(getuid())), -ELOOP,
		       "trusting all but us, our symlink is refused");
		is_int(walk("d/link", 0), -ELOOP, "a symlink not owned by root is refused");
		skip("needs root", "root-owned symlinks are followed");
		skip("needs root", "a user-owned symlink is refused");
		skip("needs root", "WALK_ROOT_OWNED accepts a root-owned tree");
		skip("needs root", "WALK_ROOT_OWNED refuses a directory owned by a user");
		skip("needs root", "WALK_ROOT_OWNED refuses a group-writable directory");
		skip("needs root", "WALK_ROOT_OWNED accepts a sticky directory on the way");
		skip("needs root", "WALK_ROOT_OWNED refuses a sticky target");
		return;
	}
	is_int(walk("d/link", WALK_DIRECTORY), 0, "root-owned symlinks are followed");
	if (lchown(at("d/link"), 61234, 61234) == 0)
		is_int(walk("d/link", 0), -ELOOP, "a user-owned symlink is refused");
	else
		ok(0, "lchown for the user-owned symlink test");
	is_int(walk_trusting("d/link", 0, path_trust_not(61234)), -ELOOP,
	       "trusting all but the user, the user's symlink is refused");
	is_int(walk_trusting("d/link", WALK_DIRECTORY, path_trust_not(61235)), 0,
	       "trusting all but another user, it is followed");
	is_int(walk("d/link", 0), -ELOOP, "root's trust afterwards: refused again");
	chmod(base, 0755);
	is_int(walk("d/sub", WALK_ROOT_OWNED), 0, "WALK_ROOT_OWNED accepts a root-owned tree");
	mkdir(at("d/user"), 0755);
	if (chown(at("d/user"), 61234, 61234) < 0)
		ok(0, "chown for the user-owned directory test");
	is_int(walk("d/user", WALK_ROOT_OWNED), -EPERM,
	       "WALK_ROOT_OWNED refuses a directory owned by a user");
	mkdir(at("d/gw"), 0775);
	chmod(at("d/gw"), 0775);
	is_int(walk("d/gw", WALK_ROOT_OWNED), -EPERM,
	       "WALK_ROOT_OWNED refuses a group-writable directory");
	mkdir(at("d/sticky"), 01777);
	chmod(at("d/sticky"), 01777);
	mkdir(at("d/sticky/in"), 0755);
	is_int(walk("d/sticky/in", WALK_ROOT_OWNED), 0,
	       "WALK_ROOT_OWNED accepts a sticky directory on the way");
	is_int(walk("d/sticky", WALK_ROOT_OWNED), -EPERM,
	       "WALK_ROOT_OWNED refuses a sticky target");
}

static void beneath(void)
{
	int dir = open(at("d"), O_PATH | O_DIRECTORY), fd = -1;

	is_int(open_beneath(dir, "sub", O_DIRECTORY, &fd), 0, "open_beneath: plain directory");
	close(fd);
	is_int(open_beneath(dir, "link", O_DIRECTORY, &fd), -ELOOP,
	       "open_beneath: a symlink is never followed");
	is_int(open_beneath(dir, "sub/../../d", O_DIRECTORY, &fd), -EXDEV,
	       "open_beneath: no escape with ..");
	is_int(open_beneath(dir, "/etc", O_DIRECTORY, &fd), -EXDEV,
	       "open_beneath: no absolute paths");
	is_int(open_beneath(dir, "dangling", 0, &fd), -ELOOP,
	       "open_beneath: a dangling link is refused too");
	close(dir);
}

int main(void)
{
	char cmd[128];
	bool root = geteuid() == 0;

	log_setup(0, false);
	snprintf(base, sizeof(base), "/tmp/nsbox-unit.XXXXXX");
	if (!mkdtemp(base))
		return 1;
	normalisation();
	walking(root);
	beneath();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		ok(0, "cleanup of %s", base);
	return done_testing();
}
