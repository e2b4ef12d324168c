#!/bin/bash
# The escape suite: every attempt in tests/escape/attack.c, run from inside
# a session confined by pam_nsbox (su -l on a real terminal), must be
# blocked. Controls run the same probes where they must succeed, so a probe
# that cannot detect an escape is caught too.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
ATTACK=$TOP/build/tools/attack

add_user alice 62001
add_user bob 62002
add_user carol 62003
make_box alice
make_box bob
make_box carol
mkdir -p "$T/boxes/carol/usr/local/bin"
install -m 0755 "$ATTACK" "$T/boxes/carol/usr/local/bin/attack"
chmod -R go-w "$T/boxes/carol/usr"
install -m 0755 "$ATTACK" "$T/boxes/alice/usr/local/bin/attack" 2>/dev/null ||
	{ mkdir -p "$T/boxes/alice/usr/local/bin"; install -m 0755 "$ATTACK" "$T/boxes/alice/usr/local/bin/attack"; }
install -m 04755 "$ATTACK" "$T/boxes/alice/usr/local/bin/attack-suid"
install -m 0755 "$ATTACK" "$T/boxes/alice/usr/local/bin/attack-fcaps"
"$ATTACK" setcap "$T/boxes/alice/usr/local/bin/attack-fcaps"
chmod -R go-w "$T/boxes/alice/usr"
echo "bob's box" >"$T/boxes/bob/etc/bob-marker"
echo "host secret" >"$T/host-marker"
chmod 0644 "$T/host-marker"
write_conf <<EOF
rule confined {
	users = {"alice", "bob"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "%h" }
}
rule containers {
	users = {"carol"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	user_namespaces = true
}
EOF
before=$(host_state)

# Host resources the attacks aim at.
sleep 1000 &
HOSTPID=$!
at_exit "kill $HOSTPID 2>/dev/null"
ABSTRACT=nsbox-test-$$
"$ATTACK" serve-abstract "$ABSTRACT" &
at_exit "kill $! 2>/dev/null"
# A user namespace alice makes outside any box, handed out over a socket in
# her home (bound into her box).
USERNS_SOCK=$(getent passwd alice | cut -d: -f6)/userns.sock
setpriv --reuid=alice --regid=alice --clear-groups "$ATTACK" serve-userns "$USERNS_SOCK" \
	>"$T/userns.out" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_until 10 grep -q serving "$T/userns.out"
ok $? "alice's user namespace outside the box is served in her home"
SHMKEY=$((0x4e530000 + $$ % 65536))
shmid=$(ipcmk -M 4096 -k "$SHMKEY" 2>/dev/null | grep -o '[0-9]*$')
[ -n "$shmid" ] && at_exit "ipcrm -m $shmid"
# bob's session is open meanwhile, so his box exists.
"$DRIVER" -c 'sleep 30' nsbox-test bob >/dev/null 2>&1 &
BOBDRIVER=$!
at_exit "kill $BOBDRIVER 2>/dev/null"
wait_until 10 pgrep -u bob -x -f "sleep 30"
ok $? "bob's session is up (the other box the attacks look for)"
CTX="HOSTPID=$HOSTPID HOSTMARK=$T/host-marker OTHERMARK=/etc/bob-marker ABSTRACT=$ABSTRACT SHMKEY=$SHMKEY USERNS_SOCK=$USERNS_SOCK"

# The session: su -l on a pty (script), with an fd of the host's / open in
# su (runc CVE-2024-21626 style), a key of root's in su's session keyring.
# script sends a NUL as "EOF" once its stdin (not a terminal) ends; through
# pam_nsbox's relay it reaches the session's pty, which echoes it as ^@.
out=$(exec 7</ && "$ATTACK" with-key script -qec \
	"$SU_CMD -l alice -c '/usr/local/bin/attack all $CTX @KEYID@'" /dev/null 2>&1 | tr -d '\r' |
	sed 's/\^@//g')
names=$("$ATTACK" list | grep -Ev '^(kill_everything|ptrace_pid|kill_host_pidfd)$')
for name in $names; do
	line=$(grep -a "^$name: " <<<"$out" | head -n 1)
	case "$line" in
	"$name: blocked: "*) ok 0 "$name: blocked (${line#*: blocked: })" ;;
	"$name: untested: "*) skip "${line#*: untested: }" "$name" ;;
	"") diag "$out"; ok 1 "$name: no result from inside the box" ;;
	*) ok 1 "$name: $line" ;;
	esac
done
unlike "no attempt escaped" "$out" "ESCAPED"

# A rule with user_namespaces = true: the session makes a user and mount
# namespace of its own, where it holds every capability; the box's mounts
# stay locked there all the same.
out=$(drive carol -c '/usr/local/bin/attack run userns_create' 2>&1)
like "user_namespaces = true: the session may create a user namespace" "$out" \
	"userns_create: ESCAPED"
for name in userns_umount_dev userns_umount_proc userns_remount_dev_rw \
	userns_remount_root_suid userns_mount_sysfs userns_mknod; do
	out=$(drive carol -c "/usr/local/bin/attack run $name" 2>&1 | grep -a "^$name: " | tr -d "\r")
	case "$out" in
	*"$name: blocked: unshare"*) ok 1 "$name (user namespaces allowed): never got its namespace" ;;
	*"$name: blocked: "*) ok 0 "$name (user namespaces allowed): blocked (${out##*blocked: })" ;;
	*) ok 1 "$name (user namespaces allowed): $out" ;;
	esac
done

# Under the filter of user namespaces (clone3 fails with ENOSYS) threads and
# fork still work: libc falls back to clone.
out=$(drive alice -c '/usr/local/bin/attack threads' 2>&1)
like "a session still makes threads and forks under the namespace filter" "$out" \
	"thread ran, fork ran"

# kill(-1, SIGKILL) from a box reaches only the box.
drive alice -c '/usr/local/bin/attack run kill_everything' >/dev/null 2>&1
ok $(kill -0 $HOSTPID 2>/dev/null; echo $?) "kill(-1, SIGKILL) in a box leaves host processes alive"
ok $(kill -0 $BOBDRIVER 2>/dev/null; echo $?) "... and other users' sessions"

# --- controls: the probes do detect escapes where there is no box -----------
mkdir -p "$T/control"
chmod 0755 "$T/control"
install -m 04755 "$ATTACK" "$T/control/attack-suid"
out=$(setpriv --reuid=alice --regid=alice --clear-groups "$T/control/attack-suid" euid 2>&1)
like "control: the setuid copy does run as root on a host file system" "$out" "^0 "
out=$("$ATTACK" run mount_tmpfs 2>&1)
like "control: the mount probe reports an escape where mounting is allowed" "$out" "ESCAPED"
umount /tmp 2>/dev/null
out=$(exec 7</ && "$ATTACK" run inherited_fds 2>&1)
like "control: the fd probe sees an inherited fd" "$out" "ESCAPED: .*7->/"
out=$(setpriv --reuid=alice --regid=alice --clear-groups "$ATTACK" run userns_setns \
	"USERNS_SOCK=$USERNS_SOCK" 2>&1)
like "control: outside a box the served user namespace is joined" "$out" "ESCAPED"
out=$("$ATTACK" run abstract_socket "ABSTRACT=$ABSTRACT" 2>&1)
like "control: the abstract socket answers on the host" "$out" "ESCAPED"

kill $BOBDRIVER 2>/dev/null
wait $BOBDRIVER 2>/dev/null
no_leftovers "$before"
done_testing
