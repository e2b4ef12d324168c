#!/bin/sh
# Build the Debian rootfs the tests log in to, with mmdebstrap:
#   conf/mkdebian.sh DIR
# DIR gets a Debian bookworm minbase with bash, procps (ps), openssh-client
# (scp, run in the box by scp -O) and openssh-sftp-server, from apt's
# configured sources (the host's /etc/apt/sources.list and sources.list.d
# entries for bookworm; deb.debian.org when there are none). Documentation
# and locales are left out to keep it small. Built as root, everything is
# root-owned and not writable by others: what nsbox demands of a rootfs.
#
# On success DIR.built is the stamp and DIR.skip is removed. When the
# rootfs cannot be built (no root, no mmdebstrap, the archive unreachable)
# DIR.skip says why, for the tests to SKIP with, and the exit status is 1.
set -eu

dir=${1:?usage: mkdebian.sh DIR}
suite=bookworm
packages=bash,procps,openssh-client,openssh-sftp-server
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
mkdir -p "$(dirname "$dir")"
rm -f "$dir.built"

fail() {
	echo "mkdebian: $*" >&2
	printf '%s\n' "$*" >"$dir.skip"
	exit 1
}

[ "$(id -u)" = 0 ] || fail "the Debian rootfs is built as root (its files must be root's)"
command -v mmdebstrap >/dev/null || fail "mmdebstrap is not installed (make deps-check)"

# apt's configured sources: every enabled file naming the suite. A
# deb822 .sources file and a one-line .list file are both pasted into the
# rootfs's own sources as they are (mmdebstrap takes a file as a mirror).
sources=""
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	grep -Eq "^[^#]*\<$suite\>" "$f" || continue
	sources="$sources $f"
done

umask 022
tmp="$dir.tmp.$$"
log="$dir.log"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
start=$(date +%s)
# shellcheck disable=SC2086 # the list of source files is split on purpose
# The downloaded packages are kept in DIR.cache for the next build (the
# sync-in/sync-out idiom of mmdebstrap(1)); dpkg's fsyncs are skipped, as
# a half-built tree is thrown away anyway.
cache="$dir.cache"
mkdir -p "$cache"
if ! timeout 900 mmdebstrap --mode=root --variant=minbase --include="$packages" \
	--skip=essential/unlink --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
	--setup-hook="sync-in $cache /var/cache/apt/archives/" \
	--customize-hook="sync-out /var/cache/apt/archives $cache" \
	--dpkgopt=force-unsafe-io \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	"$suite" "$tmp" $sources >"$log" 2>&1; then
	why=$(grep -A1 '^Err:' "$log" | head -n 2 | sed 's/^ *//' | tr '\n' ' ')
	[ -n "$why" ] || why=$(grep -E '^(W|E):' "$log" | head -n 2 | tr '\n' ' ')
	fail "mmdebstrap $suite failed (archive unreachable?): ${why:-see $log}(log: $log)"
fi
# The host's name and resolver are not the box's business, and the box
# gets a /dev of its own: no device node is left in the tree.
rm -f "$tmp/etc/hostname"
find "$tmp/dev" -mindepth 1 -delete
# apt's download directories are _apt's; the box never runs apt.
rm -rf "$tmp/var/cache/apt/archives/partial" "$tmp/var/lib/apt/lists/partial"
: >"$tmp/etc/resolv.conf"
chown 0:0 "$tmp"
chmod 0755 "$tmp"
# Stock Debian has a few root-owned group-writable files (/var/log/wtmp,
# btmp, lastlog for group utmp; /var/mail, /var/local for mail and staff).
# No box user is in those groups, but a rootfs for nsbox is simply not
# group-writable: take the bit away. Then nothing but the sticky
# temporary directories may be writable by others.
find "$tmp" -xdev -perm -0020 ! -type l -exec chmod g-w {} +
writable=$(find "$tmp" -xdev \( -perm -0002 -o -perm -0020 \) ! -type l ! -perm -1000 -print | head -n 5)
[ -z "$writable" ] || fail "group- or other-writable in the Debian rootfs: $writable"
notroot=$(find "$tmp" -xdev ! -user 0 -print | head -n 5)
[ -z "$notroot" ] || fail "not root's in the Debian rootfs: $notroot"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT INT TERM
rm -f "$dir.skip"
echo "mkdebian: $dir built in $(($(date +%s) - start)) s, $(du -sxh "$dir" | cut -f1)"
touch "$dir.built"
