#!/bin/sh
# Build nsbox's demo root filesystem from Debian's busybox-static, offline:
#   conf/mkrootfs.sh DIR [NAME:UID:GID ...]
# DIR gets /bin/busybox with every applet linked, /etc/passwd and /etc/group
# (root, plus each NAME:UID:GID given), and empty /proc /dev /tmp /home /root
# (and /var/run -> /run, empty /var/log/wtmp and lastlog, as on Debian).
# Built as root, everything is root-owned and not writable by others: the
# form pam_nsbox demands of a rootfs.
set -eu

dir=${1:?usage: mkrootfs.sh DIR [NAME:UID:GID ...]}
shift
busybox=/bin/busybox
if ! [ -x "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
	echo "mkrootfs: $busybox is missing; install busybox-static" >&2
	exit 1
fi
if LC_ALL=C ldd "$busybox" 2>&1 | grep -q '=>'; then
	echo "mkrootfs: $busybox is linked dynamically; install busybox-static" >&2
	exit 1
fi

umask 022
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
mkdir -p bin sbin usr/bin usr/sbin etc proc dev tmp home root var/tmp run
chmod 1777 tmp var/tmp
# Where login programs keep their records, as on Debian: glibc's utmp is
# /var/run/utmp; nsbox binds the host's wtmp and lastlog onto these.
ln -s /run var/run
mkdir -p var/log
: >var/log/wtmp
: >var/log/lastlog
chmod 0700 root
cp "$busybox" bin/busybox
chmod 0755 bin/busybox
# One symlink per applet, at the path busybox itself reports.
bin/busybox --list-full | while read -r applet; do
	case "$applet" in */*) ;; *) continue ;; esac
	[ -e "$applet" ] || [ -L "$applet" ] && continue
	case "$applet" in
	bin/*) ln -s busybox "$applet" ;;
	*) ln -s /bin/busybox "$applet" ;;
	esac
done

printf 'root:x:0:0:root:/root:/bin/sh\n' >etc/passwd
printf 'root:x:0:\n' >etc/group
for entry in "$@"; do
	name=${entry%%:*}
	rest=${entry#*:}
	uid=${rest%%:*}
	gid=${rest#*:}
	printf '%s:x:%s:%s:%s:/home/%s:/bin/sh\n' "$name" "$uid" "$gid" "$name" "$name" >>etc/passwd
	printf '%s:x:%s:\n' "$name" "$gid" >>etc/group
	mkdir -p "home/$name"
done
printf 'nsbox\n' >etc/hostname
printf 'passwd: files\ngroup: files\nshadow: files\n' >etc/nsswitch.conf
: >etc/shadow
chmod 0640 etc/shadow
chmod 0644 etc/passwd etc/group etc/hostname etc/nsswitch.conf
if [ "$(id -u)" = 0 ]; then
	chown -R 0:0 .
fi
chmod 0755 .
cd /
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT INT TERM
touch "$dir/.built"
chmod 0644 "$dir/.built"
