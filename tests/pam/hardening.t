#!/bin/bash
# What root code in the login program may touch once it has joined a box,
# the "leave" entry, su run by a plain user, and symlinks of other users.
. "$(dirname "$0")/../lib/root.sh"
pam_setup

add_user alice 62001
add_user bob 62002
add_user carol 62003
make_box shared
mkdir -p "$T/pub"
chmod 1777 "$T/pub"
conf() {
	write_conf <<EOF
syslog_socket = true
rule main {
	users = {"alice"}
	rootfs = "$T/boxes/shared"
	hostname = "%u-box"
	tmpfs = {"/run", "/var/tmp:1777"}
	tmpfs_size = "16m"
	bind { source = "%h" }
	$1
}
EOF
}
conf ""
before=$(host_state)
passwd_before=$(md5sum <"$T/boxes/shared/etc/passwd")

# --- root code after the join --------------------------------------------------
out=$(drive alice -w /etc/passwd 2>&1)
like "the login program (root) cannot write the box's rootfs" "$out" "root_write=Read-only file system"
is "... and the rootfs is unchanged" "$(md5sum <"$T/boxes/shared/etc/passwd")" "$passwd_before"
out=$(su -l alice -c 'touch /run/utmp && echo WROTE-RUN; echo "run=$(stat -c %u /run) tmp=$(stat -c %u:%a /tmp) shm=$(stat -c %u:%a /dev/shm)"; grep -E " /(tmp|run) " /proc/self/mountinfo' 2>&1)
unlike "the user cannot plant files in /run, where root code writes utmp" "$out" "WROTE-RUN"
like "/run, /tmp and /dev/shm belong to root, not the user" "$out" "run=0 tmp=0:1777 shm=0:1777"
like "tmpfs mounts have the configured size" "$out" " /tmp .*size=16384k"
# /dev is root's (made by the helper on the host), devpts' ptmx too: on the
# old code (7e1420e) these four checks fail, /dev and /dev/pts/ptmx were
# alice's (a tmpfs and a devpts made in the box's user namespace, where
# root is not mapped).
out=$(su -l alice -c 'stat -c "%n %U:%G" /dev /dev/pts; stat -L -c "%n %U:%G" /dev/ptmx /dev/pts/ptmx; touch /dev/x && echo WROTE-DEV' 2>&1)
for f in /dev /dev/pts /dev/ptmx /dev/pts/ptmx; do
	like "$f in the box belongs to root" "$out" "^$f root:root$"
done
unlike "... and the user cannot create files in /dev" "$out" "WROTE-DEV"
out=$(su -l alice -c 'touch /var/tmp/mine && stat -c "%u:%a" /var/tmp/mine /var/tmp' 2>&1)
like "a tmpfs with mode 1777 is usable by the user (and sticky)" "$(tr '\n' ' ' <<<"$out")" "^62001:644 0:1777 $"
out=$(drive alice -w /run/utmp 2>&1)
like "root code can still write its own /run/utmp" "$out" "root_write=OK"

# --- default tmpfs size -------------------------------------------------------
# Without tmpfs_size each tmpfs gets 2% of RAM (tmpfs rounds up to pages).
write_conf <<EOF
rule main {
	users = {"alice"}
	rootfs = "$T/boxes/shared"
	tmpfs = {"/run", "/var/tmp:1777"}
}
EOF
want=$(awk '/^MemTotal:/ { pages = int($2 / 4); bytes = int(pages * 4096 * 2 / 100);
	print int((bytes + 4095) / 4096) * 4 }' /proc/meminfo)
out=$(su -l alice -c 'grep -E " /(tmp|dev/shm|run|var/tmp) " /proc/self/mountinfo' 2>&1)
for m in /tmp /dev/shm /var/tmp; do
	like "default tmpfs_size: $m is 2% of RAM (${want}k)" "$out" " $m .*size=${want}k"
done
conf ""

# --- the "leave" entry ------------------------------------------------------------
HOOK="session	optional	pam_exec.so /bin/sh -c [logger -t nsbox-hook \$PAM_TYPE on \$(hostname)]"
write_service nsbox-test "$MODULE_ARGS"
: >"$T/syslog"
drive alice >/dev/null 2>&1
log_has "nsbox-hook.*close_session on $(hostname)$"
ok $? "with the leave entry first, a module after it closes on the host"
NO_LEAVE=1 write_service nsbox-test "$MODULE_ARGS"
: >"$T/syslog"
drive alice >/dev/null 2>&1
log_has "nsbox-hook.*close_session on alice-box$"
ok $? "without it, that module closes inside the box (why the leave entry exists)"
HOOK="" write_service nsbox-test "$MODULE_ARGS"

# --- su run by a plain user ----------------------------------------------------------
printf 'auth\trequired\tpam_permit.so\naccount\trequired\tpam_permit.so\nsession\toptional\t%s leave\nsession\trequired\t%s %s\n' \
	"$MODULE" "$MODULE" "$MODULE_ARGS" >"$T/pam.d/su-l"
if [ ${#SAN_ENV[@]} -gt 0 ]; then
	skip "SANITIZE=1: a setuid su run by a user cannot preload the ASan runtime" \
		"su -l run by a plain user still boxes the target user"
else
	out=$(cd / && setpriv --reuid=carol --regid=carol --clear-groups su -l alice -c hostname 2>&1)
	is "su -l run by a plain user still boxes the target user" "$out" "alice-box"
fi
write_service su-l "$MODULE_ARGS"

# --- symlinks planted by other users ----------------------------------------------------
setpriv --reuid=bob --regid=bob --clear-groups sh -c "mkdir -p $T/home/bob/trap && chmod 777 $T/home/bob/trap && ln -s $T/home/bob/trap $T/pub/alice-share"
conf "bind { source = \"$T/pub/%u-share\" target = \"/share\" optional = true }"
: >"$T/syslog"
out=$(drive alice 2>&1)
unlike "a bind source through another user's symlink is refused" "$out" "^open=0 "
log_has "bind source $T/pub/alice-share: $T/pub/alice-share is a symlink owned by uid 62002"
ok $? "... and the log names the symlink and its owner"
conf ""

no_leftovers "$before"
done_testing
