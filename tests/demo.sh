#!/bin/bash
# `make demo` (as root): a one-minute tour of nsbox with a throwaway user. It runs
# in a private mount namespace with copies of /etc/passwd, group, shadow and
# pam.d, so the demo user and its PAM service never exist on the host, and
# everything it made is removed at the end.
set -u
. "$(dirname "$0")/lib/tap.sh" >/dev/null
. "$(dirname "$0")/lib/users.sh"

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (it creates a throwaway user): run it as root, or sudo make demo" >&2
	exit 1
fi
enter_private_ns "$@"
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pam.sh"

DEMO_USER=nsbox-demo
DEMO_UID=64000
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; }
fail() { echo "demo failed: $*" >&2; exit 1; }

# The release module and helper, where an admin's install would put them.
release_setup || fail "cannot show the module, helper and config at their installed paths"
pam_setup
cat >/etc/pam.d/su-l <<EOF
auth	sufficient	pam_rootok.so
auth	required	pam_deny.so
account	required	pam_permit.so
session	optional	pam_nsbox.so leave
session	required	pam_unix.so
session	required	pam_nsbox.so
EOF
add_user "$DEMO_USER" "$DEMO_UID"
make_box demo
write_conf <<EOF
rule demo {
	users = {"$DEMO_USER"}
	rootfs = "$T/boxes/demo"
	hostname = "demo-box"
	tmpfs = {"/home"}
	bind {
		source = "%h"
		target = "%h"
	}
}
EOF

say "1. Rootless: the plain user $DEMO_USER runs ps in a box (no root, no setuid)"
show "nsbox run --verbose --rootfs build/rootfs -- ps"
cd "$T/home/$DEMO_USER" || fail "no home"
setpriv --reuid="$DEMO_USER" --regid="$DEMO_USER" --init-groups \
	env -i PATH=/usr/bin:/bin HOME="$T/home/$DEMO_USER" \
	"$NSBOX" run --verbose --rootfs "$ROOTFS" -- ps 2>&1 || fail "nsbox run"
cd / || fail "cd /"
cat <<'EOF'
Outside: the host's uid, hostname, pid and directory. Inside: the same uid,
hostname nsbox, PID 2 under the box's own init (PID 1), / is the busybox
rootfs, and ps sees only the box's two processes.
EOF

say "2. A confined login: su -l through a PAM stack that ends with pam_nsbox"
show "cat /etc/pam.d/su-l   # (the demo's copy)"
cat /etc/pam.d/su-l
show "cat /etc/nsbox.conf   # (the demo's copy)"
cat /etc/nsbox.conf
show "su -l $DEMO_USER -c 'hostname; id; ps; ls -C /'"
su -l "$DEMO_USER" -c 'hostname; id; ps; ls -C /' 2>&1 || fail "su -l"
log_has "user $DEMO_USER boxed" || fail "no syslog line"
show "syslog"
grep -a 'pam_nsbox' "$T/syslog" | sed 's/^<[0-9]*>//'
cat <<'EOF'
The login shell ran in a box built for this session: its own hostname and
PID namespace (box init is PID 1), the box's rootfs as /, the home bound in.
When the session closed, the box and everything in it were killed:
EOF
show "nsbox list"
"$NSBOX" list || fail "nsbox list"
[ -z "$(box_inits)" ] || fail "a box init outlived its session"

say "3. pamtester opens and closes the same session"
show "pamtester su-l $DEMO_USER open_session close_session"
pamtester su-l "$DEMO_USER" open_session close_session || fail "pamtester"

say "Cleaning up"
echo "The demo user, its PAM service and its config lived only in this private"
echo "mount namespace; $T is removed now. Nothing on the host changed."
echo "Demo done."
