#!/bin/bash
# `sudo make demo`: a one-minute tour of nsbox with a throwaway user. Runs
# in a private mount namespace with copies of /etc/passwd, group and shadow,
# so the demo user never exists on the host, and removes everything after.
set -u
. "$(dirname "$0")/lib/tap.sh" >/dev/null
. "$(dirname "$0")/lib/users.sh"

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (it creates a throwaway user): sudo make demo" >&2
	exit 1
fi
enter_private_ns "$@"
. "$(dirname "$0")/lib/common.sh"

DEMO_USER=nsbox-demo
DEMO_UID=64000
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; }

private_etc
add_user "$DEMO_USER" "$DEMO_UID"

say "1. The classic rootless container, as the plain user $DEMO_USER (no root, no setuid)"
cmd="nsbox run --verbose --rootfs $ROOTFS -- ps"
show "$cmd"
cd "$T/home/$DEMO_USER"
setpriv --reuid="$DEMO_USER" --regid="$DEMO_USER" --init-groups \
	env -i PATH=/usr/bin:/bin HOME="$T/home/$DEMO_USER" \
	"$NSBOX" run --verbose --rootfs "$ROOTFS" -- ps 2>&1
rc=$?
cd /
echo
echo "Before: the host's uid, hostname, pid and directory. Inside: same uid, hostname"
echo "'nsbox', PID 2 under the box's own init (PID 1), root at the busybox rootfs,"
echo "and ps sees only the box's processes."

say "Cleaning up"
echo "The demo user lived only in this private mount namespace; $T is removed."
[ "$rc" = 0 ] || { echo "demo failed (exit $rc)" >&2; exit "$rc"; }
echo "Demo done."
