#!/bin/bash
# The Debian package as a fleet gets it: dpkg-buildpackage -us -uc -b on a
# copy of the tree, lintian, then install, check, enable, remove and purge in
# a throwaway Debian 12 chroot made with mmdebstrap (minbase, from apt's
# configured sources; the base tarball is cached as build/pkgtest-bookworm.tar,
# remove it to refresh). Run time: about 2.5 minutes (build with its unit
# tests ~1 min, lintian ~40 s, chroot steps ~20 s; 3.5 on a busy machine);
# the first time, mmdebstrap (2.5 to 4 minutes) runs during the build.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/users.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP the package test needs root (mmdebstrap, chroot)"; exit 0; }
enter_private_ns "$@"
. "$(dirname "$0")/../lib/common.sh"

missing=""
for cmd in dpkg-buildpackage dpkg-checkbuilddeps dh lintian mmdebstrap git; do
	command -v "$cmd" >/dev/null || missing="$missing $cmd"
done
[ -z "$missing" ] || skip_all "missing:$missing (make deps-check installs debhelper, dpkg-dev, lintian, mmdebstrap)"
bdeps=$(cd "$TOP" && dpkg-checkbuilddeps 2>&1) ||
	skip_all "build dependencies missing: ${bdeps#*: } (apt-get build-dep .)"

# Only mounts under the test directory and the source tree: the chroot's
# /proc is the one this test could leave. Box inits and mounts of other
# suites running on this machine come and go (a directory they rename
# shows renamed here too), and this test starts none.
mounts() { findmnt -rn -o TARGET,SOURCE,FSTYPE | awk -v t="$T/" -v s="$TOP/" \
	'index($1 "/", t) == 1 || index($1 "/", s) == 1' | sort; }
before=$(mounts)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
VERSION=$(cd "$TOP" && dpkg-parsechangelog -S Version)

# --- a Debian 12 chroot: minbase and libconfuse2 (so apt installs the .deb
# without an index), from the Debian sources apt is configured with.
# NSBOX_PKGTEST_SOURCES=FILE: another sources file (sources.list or deb822);
# NSBOX_PKGTEST_TARBALL=PATH: another cache.
CACHE=${NSBOX_PKGTEST_TARBALL:-$TOP/build/pkgtest-bookworm.tar}
mm_pid=""
if [ ! -s "$CACHE" ]; then
	sources=${NSBOX_PKGTEST_SOURCES:-}
	[ -n "$sources" ] || sources=$(grep -lE '^(Suites:.*[[:space:]]bookworm([[:space:]]|$)|deb[[:space:]].*[[:space:]]bookworm[[:space:]])' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null)
	[ -n "$sources" ] || skip_all "no bookworm source in apt's configuration (NSBOX_PKGTEST_SOURCES=FILE)"
	host=$(sed -nE 's,^(URIs:[[:space:]]*|deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)[a-z+]+://([^/[:space:]]+).*,\3,p' $sources | head -1)
	mkdir -p "$(dirname "$CACHE")"
	# shellcheck disable=SC2086 # one argument per sources file
	mmdebstrap --mode=root --format=tar --variant=minbase --include=libconfuse2 bookworm "$CACHE.tmp" $sources \
		>"$T/mmdebstrap.log" 2>&1 &
	mm_pid=$!
	# An early end (a failed build) stops it and drops its partial tarball.
	at_exit '[ -z "$mm_pid" ] || { kill "$mm_pid"; wait "$mm_pid"; rm -rf "$CACHE.tmp"; } 2>/dev/null'
fi

# --- build: a copy of the tree, so ../*.deb land in $T and nothing is
# written next to the source.
SRC=$T/nsbox
mkdir -p "$SRC"
(cd "$TOP" && git ls-files -z -c -o --exclude-standard | xargs -0 sh -c \
	'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf -) | tar -xf - -C "$SRC"
ok $? "the source tree (git ls-files) copied into the test directory"
(cd "$SRC" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
ok $rc "dpkg-buildpackage -us -uc -b"
[ $rc = 0 ] || { diag "$(tail -30 "$T/build.log")"; done_testing; }
DEB=$T/libpam-nsbox_${VERSION}_$ARCH.deb
ok $([ -f "$DEB" ]; echo $?) "libpam-nsbox_${VERSION}_$ARCH.deb built, beside the copy"
ok $([ -f "$T/libpam-nsbox-dbgsym_${VERSION}_$ARCH.deb" ]; echo $?) "and its dbgsym package"
like "the unit tests ran in the build" "$(cat "$T/build.log")" '^ok [0-9]+ - fuzz corpus'

# --- what the package holds.
files=$(dpkg-deb -c "$DEB" | awk '{ s = $1 " " $6; if ($7 == "->") s = s " -> " $8; print s }')
has() { printf '%s\n' "$files" | grep -qxF -- "$1"; }
for f in "-rw-r--r-- ./lib/$MULTIARCH/security/pam_nsbox.so" \
	"-rwxr-xr-x ./usr/libexec/nsbox/nsbox" "-rwx--x--x ./usr/libexec/nsbox/nsbox-init" \
	"-rwxr-xr-x ./usr/libexec/nsbox/nsbox-pam-helper" "-rwxr-xr-x ./usr/libexec/nsbox/nsbox-full" \
	"lrwxrwxrwx ./usr/bin/nsbox -> ../libexec/nsbox/nsbox" \
	"-rw-r--r-- ./usr/share/pam-configs/nsbox" "-rw-r--r-- ./usr/share/pam-configs/nsbox-leave" \
	"-rw-r--r-- ./etc/nsbox.conf" \
	"-rw-r--r-- ./usr/share/doc/libpam-nsbox/examples/nsbox.conf" \
	"-rw-r--r-- ./usr/share/doc/libpam-nsbox/examples/apparmor/nsbox" \
	"-rw-r--r-- ./usr/share/man/man1/nsbox.1.gz" "-rw-r--r-- ./usr/share/man/man5/nsbox.conf.5.gz" \
	"-rw-r--r-- ./usr/share/man/man8/pam_nsbox.8.gz"; do
	ok $(has "$f"; echo $?) "in the package: $f"
done
is "nothing setuid or setgid in the package" \
	"$(printf '%s\n' "$files" | awk '$1 ~ /[sS]/' | wc -l)" "0"
is "the only conffile is /etc/nsbox.conf" "$(dpkg-deb -I "$DEB" conffiles 2>&1)" "/etc/nsbox.conf"
depends=$(dpkg-deb -f "$DEB" Depends)
like "Depends: libpam-runtime (pam-auth-update) and the shlibs of the module and helper" \
	"$depends" '^libpam-runtime, .*libconfuse2 .*libpam0g '
is "no service, no systemd unit" "$(printf '%s\n' "$files" | grep -cE 'systemd|init\.d')" "0"
x=$T/x
mkdir -p "$x"
dpkg-deb -x "$DEB" "$x"
ok $(strings "$x/lib/$MULTIARCH/security/pam_nsbox.so" | grep -qx /usr/libexec/nsbox/nsbox-pam-helper; echo $?) \
	"the module runs the packaged static helper, /usr/libexec/nsbox/nsbox-pam-helper"
like "the AppArmor profile example names the packaged nsbox and nsbox-full" \
	"$(cat "$x/usr/share/doc/libpam-nsbox/examples/apparmor/nsbox")" \
	'profile nsbox /usr/libexec/nsbox/\{nsbox,nsbox-full\} '
like "the pam-auth-update profiles are disabled by default" \
	"$(grep -h '^Default:' "$x"/usr/share/pam-configs/* | sort -u)" '^Default: no$'

# --- lintian: no error, and no warning that is not overridden.
# Lintian 2.116 leaves its temporary databases (mldbm-elf-*) behind: in
# $T, not the host's /tmp.
mkdir -p "$T/lintian-tmp"
touch "$T/lintian.stamp"
lint=$(TMPDIR="$T/lintian-tmp" lintian --pedantic -I "$T/nsbox_${VERSION}_$ARCH.changes" 2>&1)
left=$(find /tmp -maxdepth 1 -name 'mldbm-*' -newer "$T/lintian.stamp" 2>/dev/null)
is "lintian left nothing in the host's /tmp" "$left" ""
unlike "lintian: no error" "$lint" '^E: '
unlike "lintian: no warning (fixed or overridden in debian/*.lintian-overrides)" "$lint" '^W: '

# --- the chroot's base tarball, when it must be made, is made by mmdebstrap
# in the background while the package builds (above).
if [ -n "$mm_pid" ]; then
	wait "$mm_pid"
	rc=$?
	mm_pid=""
	# A network failure is a SKIP (apt's own words; a TCP probe proves
	# nothing behind a proxy that accepts every connection), anything
	# else a failure.
	if [ $rc != 0 ] && grep -qE 'Failed to fetch|Could not resolve|Temporary failure resolving|Unable to connect|Could not connect|Connection (failed|timed out)|Some index files failed to download' "$T/mmdebstrap.log"; then
		rm -rf "$CACHE.tmp"
		skip "the Debian archive ($host) is unreachable: $(grep -m1 -E 'Failed to fetch|Could not|Unable to connect|Temporary failure' "$T/mmdebstrap.log")" "the chroot"
		done_testing
	fi
	ok $rc "mmdebstrap: a bookworm minbase chroot from $host"
	[ $rc = 0 ] || { diag "$(tail -20 "$T/mmdebstrap.log")"; rm -rf "$CACHE.tmp"; done_testing; }
	mv "$CACHE.tmp" "$CACHE"
fi
R=$T/root
mkdir -p "$R"
tar -xf "$CACHE" -C "$R"
ok $? "the chroot unpacked from $CACHE"
cp "$DEB" "$R/tmp/"

# in_root CMD...: run CMD in the chroot, with its own /proc (in a mount and
# PID namespace that vanish with it).
in_root() {
	unshare --mount --pid --fork --mount-proc --root="$R" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}
# The chroot's files, without the package manager's own records.
tree() {
	(cd "$R" && find . -xdev \( -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		-o -path ./var/log -o -path ./tmp -o -path ./proc \) -prune -o -print | sort)
}
session_lines() { cat "$R/etc/pam.d/common-session" "$R/etc/pam.d/common-session-noninteractive"; }
tree0=$(tree)
session0=$(session_lines)

out=$(in_root apt-get install -y -q --no-install-recommends "/tmp/${DEB##*/}" 2>&1)
rc=$?
ok $rc "apt-get install ./libpam-nsbox.deb in the chroot"
[ $rc = 0 ] || diag "$out"
is "installing changes no PAM stack (profiles are Default: no)" "$(session_lines)" "$session0"
out=$(in_root nsbox check 2>&1)
is "nsbox check on the packaged /etc/nsbox.conf: valid, exit 0" "$out:$?" ":0"
is "nsbox check -u: it confines nobody" "$(in_root nsbox check -u nobody 2>&1)" \
	"nobody: not confined (no rule matches)"
is "nothing the package installed is setuid or setgid" \
	"$(in_root sh -c 'dpkg -L libpam-nsbox | while read -r f; do [ -f "$f" ] && find "$f" -perm /6000; done' | wc -l)" "0"

# Enable: every line of the profiles' session stanzas lands in common-session.
out=$(in_root pam-auth-update --enable nsbox nsbox-leave 2>&1)
ok $? "pam-auth-update --enable nsbox nsbox-leave"
want=$(awk '/^[A-Za-z-]+:/ { sess = ($1 ~ /^Session(-Final)?:$/) ; next }
	sess && /^[[:space:]]/ { $1 = $1; print }' "$R"/usr/share/pam-configs/nsbox "$R"/usr/share/pam-configs/nsbox-leave)
got=$(session_lines | awk '{ $1 = $1; print }')
like "the profiles have pam_nsbox lines" "$want" 'pam_nsbox\.so'
while read -r line; do
	ok $(printf '%s\n' "$got" | grep -qF "session	$line" || printf '%s\n' "$got" | grep -qF "session $line"
		echo $?) "common-session got: $line"
done <<<"$want"

# Remove: the lines go, the conffile stays; nothing else differs. (Without
# the prerm's pam-auth-update --remove the next two fail: tried.)
out=$(in_root apt-get remove -y -q libpam-nsbox 2>&1)
ok $? "apt-get remove libpam-nsbox"
unlike "the pam_nsbox lines are gone from common-session" "$(session_lines)" 'pam_nsbox'
is "the PAM stack is as before the install" "$(session_lines)" "$session0"
is "/etc/nsbox.conf is kept (conffile), the package is in state rc" \
	"$(in_root dpkg-query -W -f '${db:Status-Abbrev}' libpam-nsbox)$(test -f "$R/etc/nsbox.conf"; echo $?)" "rc 0"
is "what remove left: /etc/nsbox.conf and nothing else" \
	"$(diff <(echo "$tree0") <(tree) | grep '^[<>]' | tr '\n' ' ')" "> ./etc/nsbox.conf "

# Purge: the config goes, and the chroot's files are what they were.
out=$(in_root dpkg --purge libpam-nsbox 2>&1)
ok $? "dpkg --purge libpam-nsbox"
ok $([ ! -e "$R/etc/nsbox.conf" ]; echo $?) "purge removed /etc/nsbox.conf"
diff=$(diff <(echo "$tree0") <(tree))
is "nothing of the package is left (file list as before the install)" "$diff" ""
is "and the PAM stack is as it was" "$(session_lines)" "$session0"
is "dpkg forgot the package" "$(in_root dpkg-query -W -f '${db:Status-Abbrev}' libpam-nsbox 2>/dev/null)" ""

is "nothing left in the mount table" "$(mounts)" "$before"
done_testing
