#!/bin/bash
# nsbox, what users run, is static and has no name service (helper/front.h):
# it serves run with a command, list, enter and stop itself and hands the
# rest (check, run without a command, which looks up the login shell),
# unchanged, to nsbox-full beside it: only one that root or the running
# program's owner owns and nobody else may write, in a directory the same
# holds for.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/common.sh"

# --- what nsbox is ---------------------------------------------------------------------
static_without_nss "$NSBOX" nsbox
ok $(readelf -lW "$NSBOX_FULL" | grep -q INTERP; echo $?) \
	"nsbox-full is dynamically linked (the installed name service modules)"

# A directory of the test's own: nsbox alone, then nsbox-full beside it.
mkdir -m 0755 "$T/bin"
cp "$NSBOX" "$T/bin/nsbox"
at_exit "rm -rf '$T/bin'"

userns=true
userns_works || userns=false
if $userns; then
	out=$(as_user "$T/bin/nsbox" run --rootfs "$ROOTFS" -- hostname 2>&1)
	is "run with a command: served by nsbox alone, no nsbox-full beside it" "$out" "nsbox"
	out=$(as_user "$T/bin/nsbox" list 2>&1)
	like "list: served by nsbox alone (refused to a plain user, not handed on)" "$out" "root"
	unlike "... without looking for nsbox-full" "$out" "nsbox-full"
else
	skip "unprivileged user namespaces are not available here" "run with a command by nsbox alone"
	skip "unprivileged user namespaces are not available here" "list by nsbox alone"
	skip "unprivileged user namespaces are not available here" "... without nsbox-full"
fi

# refused WHAT LOG: nsbox check --help is refused with LOG, status 125.
refused() {
	out=$(timeout 20 "$T/bin/nsbox" check --help 2>&1)
	is "$1: nsbox check is refused" "$?" "125"
	like "... and says why" "$out" "$2"
}
refused "no nsbox-full beside nsbox" "$T/bin/nsbox-full: No such file or directory"
cp "$NSBOX_FULL" "$T/bin/nsbox-full"
out=$("$T/bin/nsbox" check --help 2>&1)
like "with nsbox-full beside it: nsbox check is served" "$?:$(sed -n 1p <<<"$out")" \
	"^0:Usage: nsbox check "
out=$("$T/bin/nsbox" frobnicate 2>&1)
is "an unknown command: nsbox-full says so" "$?:$out" \
	"125:nsbox: unknown command 'frobnicate' (see nsbox --help)"

if is_root; then
	chmod 0775 "$T/bin/nsbox-full"
	refused "nsbox-full its group may write" \
		"$T/bin/nsbox-full is not a program that root owns and alone may write"
	chmod 0755 "$T/bin/nsbox-full"
	chown "$TEST_UID" "$T/bin/nsbox-full"
	refused "root's nsbox, a user's nsbox-full" \
		"$T/bin/nsbox-full is not a program that root owns and alone may write"
	chown root "$T/bin/nsbox-full"
	chmod 4755 "$T/bin/nsbox-full"
	refused "a setuid nsbox-full" "is not a program that root owns and alone may write"
	chmod 2755 "$T/bin/nsbox-full"
	refused "a setgid nsbox-full" "is not a program that root owns and alone may write"
	chmod 0755 "$T/bin/nsbox-full"
	mv "$T/bin/nsbox-full" "$T/nsbox-full.real"
	ln -s "$T/nsbox-full.real" "$T/bin/nsbox-full"
	refused "a symlink to nsbox-full" "is not a program that root owns and alone may write"
	rm "$T/bin/nsbox-full"
	mv "$T/nsbox-full.real" "$T/bin/nsbox-full"
	chmod 0777 "$T/bin"
	refused "a directory others may write" "program directory $T/bin: only root may own and write it"
	chmod 0755 "$T/bin"
	chown "$TEST_UID" "$T/bin"
	refused "root's nsbox in a user's directory" \
		"program directory $T/bin: only root may own and write it"
	# A user's own build: nsbox, nsbox-full and their directory the
	# user's, run by the user (or by root: no more than running the
	# user's nsbox itself).
	chown "$TEST_UID" "$T/bin/nsbox" "$T/bin/nsbox-full"
	out=$(as_user "$T/bin/nsbox" check --help 2>&1)
	is "a user's own build: nsbox-full beside it serves the user" "$?" "0"
	out=$("$T/bin/nsbox" check --help 2>&1)
	is "... and root running it" "$?" "0"
	chown 61235 "$T/bin/nsbox-full"
	refused "a user's nsbox, someone else's nsbox-full" \
		"$T/bin/nsbox-full is not a program that root or uid $TEST_UID owns and alone may write"
	chown -R root "$T/bin"
else
	for what in "group-writable" "a user's" "setuid" "setgid" "a symlink" "directory others may write" \
		"directory a user's" "a user's build" "... root running it" "someone else's"; do
		skip "changing owners needs root" "nsbox-full $what"
	done
fi

# A copy of nsbox as nsbox-full would hand the command back to itself
# forever: it refuses at once.
mv "$T/bin/nsbox-full" "$T/nsbox-full.real"
cp "$NSBOX" "$T/bin/nsbox-full"
refused "a copy of nsbox as nsbox-full" \
	"NSBOX_HANDED_ON was set: the nsbox-full beside nsbox handed the command back; it must be the full program"
mv "$T/nsbox-full.real" "$T/bin/nsbox-full"

# In a user namespace that does not map nsbox's owner, every owner it does
# not map (root's and any user's) shows as the overflow uid: nsbox-full
# beside it cannot be told from someone else's.
if unshare -U true 2>/dev/null; then
	out=$(unshare -U "$T/bin/nsbox" check --help 2>&1)
	is "in a user namespace that does not map nsbox's owner: nsbox check is refused" "$?" "125"
	like "... and says why" "$out" "nsbox's owner is not mapped in this user namespace"
else
	skip "unshare -U does not work here" "a user namespace that does not map nsbox's owner"
	skip "unshare -U does not work here" "... and says why"
fi

# --- run without a command: the login shell, looked up by nsbox-full ------------------------
# Root's login shell, planted in a copy of the rootfs as a script that
# reports what it sees: only a lookup of root's passwd entry runs it (the
# box's fallback is /bin/sh).
if is_root && $userns; then
	shell=$(getent passwd root | cut -d: -f7)
	mkdir "$T/rootfs"
	cp -a "$ROOTFS/." "$T/rootfs/"
	rm -f "$T/rootfs$shell"
	mkdir -p "$T/rootfs${shell%/*}"
	printf '#!/bin/sh\necho "login shell ran: $0"\nenv\n' >"$T/rootfs$shell"
	chmod 0755 "$T/rootfs$shell"
	out=$("$T/bin/nsbox" run --rootfs "$T/rootfs" </dev/null 2>&1)
	is "run without a command: root's login shell ran in the box" "$(sed -n 1p <<<"$out")" \
		"login shell ran: $shell"
	unlike "... without the hand-on mark in its environment" "$out" "NSBOX_HANDED_ON"
	out=$(NSBOX_HANDED_ON=1 "$T/bin/nsbox-full" run --rootfs "$T/rootfs" -- env 2>&1)
	unlike "nsbox-full removes the mark, whoever set it" "$out" "NSBOX_HANDED_ON"
	out=$(NSBOX_HANDED_ON=1 "$T/bin/nsbox" run --rootfs "$T/rootfs" -- env 2>&1)
	unlike "... and so does nsbox, for a command it runs itself" "$out" "NSBOX_HANDED_ON"
	rm -rf "$T/rootfs"
else
	skip "needs root (a login shell planted in a rootfs) and user namespaces" \
		"run without a command: the login shell"
	skip "needs root and user namespaces" "... without the mark"
	skip "needs root and user namespaces" "nsbox-full removes the mark"
	skip "needs root and user namespaces" "... and so does nsbox"
fi

done_testing
