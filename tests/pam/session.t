#!/bin/bash
# pam_nsbox end to end with pamtester, su and the in-process driver: who is
# boxed, what a boxed login sees, what it cannot do, and that closing the
# session leaves nothing behind.
. "$(dirname "$0")/../lib/root.sh"
pam_setup

add_user alice 62001
add_user bob 62002
add_user carol 62003
add_group students 62100 carol
# Two names for one gid: the name service names the gid "team", the rule
# names "teamalias", whose line lists dave.
add_user dave 62004
add_group team 62200
add_group teamalias 62200 dave
make_box shared
echo "rootfs marker" >"$T/boxes/shared/etc/box-marker"
echo "host secret" >"$T/host-marker"
chmod 0644 "$T/host-marker"
write_conf <<EOF
rule by_name {
	users = {"alice"}
	rootfs = "$T/boxes/shared"
	hostname = "%u-box"
	bind {
		source = "%h"
		target = "%h"
	}
}
rule by_group {
	groups = {"students"}
	rootfs = "$T/boxes/shared"
	hostname = "class"
	bind {
		source = "%h"
	}
}
rule by_alias {
	groups = {"teamalias"}
	rootfs = "$T/boxes/shared"
	hostname = "alias"
}
EOF
before=$(host_state)

# --- the module itself --------------------------------------------------
out=$(nm -D --defined-only "$RELEASE_MODULE" | awk '{print $3}' | sort | tr '\n' ' ')
is "the release module exports only pam_sm_open_session and pam_sm_close_session" \
	"$out" "pam_sm_close_session pam_sm_open_session "
ok_cmd "the release module loads with dlopen(RTLD_NOW)" "$TOP/build/tools/dlcheck" "$RELEASE_MODULE"
ok_cmd "the test module loads with dlopen(RTLD_NOW)" "$TOP/build/tools/dlcheck" "$MODULE"

# --- pamtester ----------------------------------------------------------
out=$(pamtester -v nsbox-test alice open_session close_session 2>&1)
ok $? "pamtester: open and close a session for a matched user"
log_has "pam_nsbox_test\(nsbox-test:session\): user alice boxed rule=by_name rootfs=$T/boxes/shared pid=[0-9]+"
ok $? "syslog: one line per boxed session, with rule, rootfs and box pid"

out=$(pamtester -v nsbox-test bob open_session close_session 2>&1)
ok $? "pamtester: an unmatched user's session opens"
log_has "user bob not boxed: no rule matches"
ok $? "an unmatched user is ignored (PAM_IGNORE, debug line)"

out=$(pamtester -v nsbox-test root open_session close_session 2>&1)
ok $? "pamtester: root's session opens"
log_has "user root not boxed: root is exempt"
ok $? "root is exempt by default"

# A name service that ignores case (sssd, winbind) lets "ALICE" log in as
# alice: the rules must see the name service's spelling, or "ALICE" would
# not match users = {"alice"} and log in unconfined.
: >"$T/syslog"
# Under SANITIZE=1 the ASan runtime must come first in the preload list.
out=$(LD_PRELOAD="${SAN_LIB:+$SAN_LIB }$TOP/build/tools/caseless.so" "$DRIVER" -c 'hostname' nsbox-test ALICE 2>&1)
like "a login as ALICE through a case-insensitive name service is boxed as alice" "$out" "^alice-box$"
log_has "user ALICE boxed rule=by_name"
ok $? "... by alice's rule"

# --- a real login through su --------------------------------------------
sleep 1000 &
host_sleeper=$!
at_exit "kill $host_sleeper 2>/dev/null"
# /proc/1/cmdline reads empty while box init executes nsbox-init, 20 ms
# after the box is ready: read again then.
out=$(su -l alice -c 'echo "host=$(hostname)"; echo "uid=$(id -u)"; ps -o pid,args; c=; for i in 1 2 3 4 5 6 7 8 9 10; do c=$(tr "\0" " " </proc/1/cmdline); [ -n "$c" ] && break; sleep 0.05; done; echo "init=$c"; cat /etc/box-marker; cat '"$T"'/host-marker; echo "pwd=$(pwd)"' 2>&1)
ok $? "su -l alice runs a command"
like "su: the box's hostname" "$out" "^host=alice-box$"
like "su: the user's own uid" "$out" "^uid=62001$"
# (In brackets when ps reads its cmdline while box init executes
# nsbox-init, 20 ms after the box is ready: ps then shows the name.)
like "su: box init is PID 1" "$out" "^ +1 \\[?nsbox-init"
unlike "su: a host process is not visible" "$out" "sleep 1000"
is "su: ps sees only the box (init, sh, ps)" "$(grep -cE '^ +[0-9]+ ' <<<"$out")" "3"
like "su: /proc/1/cmdline is box init" "$out" "^init=nsbox-init +$"
like "su: / is the rootfs" "$out" "^rootfs marker$"
unlike "su: a host file outside the rootfs is invisible" "$out" "host secret"
like "su: the home bind is the login directory" "$out" "^pwd=$T/home/alice$"

# su --pty, as SECURITY.md advises for switching to a confined user: the
# session's terminal is a new one in the box's devpts, not the invoker's.
pty_cmd='echo "dev0=$(stat -L -c %d /proc/self/fd/0) devpts=$(stat -c %d /dev/pts/ptmx)"'
out=$(script -qec "$SU_CMD --pty -l alice -c '$pty_cmd'" /dev/null 2>&1 | tr -d '\r')
ok $([[ "$out" =~ dev0=([0-9]+)\ devpts=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; echo $?) \
	"su --pty: the session's terminal is in the box's devpts ($out)"
# Without --pty too: the module's relay (argument pty=su,...) gives the
# session a pty of the box (this was the invoker's terminal before it).
out=$(script -qec "$SU_CMD -l alice -c '$pty_cmd'" /dev/null 2>&1 | tr -d '\r')
ok $([[ "$out" =~ dev0=([0-9]+)\ devpts=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; echo $?) \
	"without --pty, the relay: the session's terminal is in the box's devpts ($out)"

out=$(su -l carol -c 'hostname' 2>&1)
is "a user matched through a group is boxed by that rule" "$out" "class"
out=$(su -l bob -c 'hostname' 2>&1)
is "an unmatched user logs in on the host" "$out" "$(hostname)"
out=$(drive dave -c 'hostname' 2>&1)
like "a group matches by gid too: a second name of the user's group" "$out" "^alias$"
like "... and nsbox check -u says the same" "$("$NSBOX" check -f "$CONF" -u dave 2>&1)" \
	"^dave: confined by rule by_alias"

# --- what a boxed login cannot do ---------------------------------------
try() { su -l alice -c "$1" 2>&1; }
out=$(try 'mount -t tmpfs none /tmp && echo MOUNTED')
unlike "cannot mount" "$out" MOUNTED
out=$(try 'umount /proc && echo UNMOUNTED; umount -l / && echo UNMOUNTED')
unlike "cannot unmount /proc or /" "$out" UNMOUNTED
out=$(try 'hostname evil && echo RENAMED; hostname')
unlike "cannot set the hostname" "$out" "RENAMED|evil"
out=$(try 'ls /proc/1/root/ && echo ROOT_OPEN; ls /proc/1/fd && echo FD_OPEN')
unlike "cannot look into box init (/proc/1/root, /proc/1/fd)" "$out" "ROOT_OPEN|FD_OPEN"
out=$(try "kill -0 $host_sleeper && echo SIGNALLED")
unlike "cannot signal a host process by pid" "$out" SIGNALLED
out=$(try 'nsenter -t 1 -m -U true && echo ENTERED; nsenter --mount=/proc/1/ns/mnt true && echo ENTERED')
unlike "cannot enter namespaces through /proc" "$out" ENTERED
out=$(try 'unshare -r -m sh -c "umount -l /dev && echo UNMOUNTED; mount -o remount,rw /dev && echo REMOUNTED"')
unlike "a nested user namespace cannot undo the box's mounts" "$out" "UNMOUNTED|REMOUNTED"
out=$(try 'echo x >/dev/evil && echo DEV_WRITTEN; mknod /tmp/null c 1 3 && echo MKNOD')
unlike "cannot write /dev or make device nodes" "$out" "DEV_WRITTEN|MKNOD"

# --- sessions leave nothing behind --------------------------------------
out=$(drive alice -c 'sh -c "trap \"\" HUP; exec sleep 1001" & setsid sleep 1002 & (sleep 1003 &); (setsid sh -c "sleep 1004 &" &); sleep 0.3; echo "running=$(ps -o args | grep -c "^sleep 100")"')
like "background, setsid and double-forked processes run in a session" "$out" "running=4"
sleep 0.3
is "they are all gone after close_session" "$(pgrep -f 'sleep 100[1-4]' | wc -l)" "0"

out=$(drive alice -n 2 2>&1)
like "by default a program's second confined session is refused (namespace filter)" "$out" \
	"failures=1"
# These cycles look for leaks in the application: let it open more.
sed -i 's/^rule by_name {$/rule by_name {\n\tuser_namespaces = true/' "$CONF"
out=$(drive alice -n 100)
like "100 open/close cycles in one process: no failure" "$out" "failures=0"
fds=$(sed -n 's/.*fds_before=\([0-9]*\) fds_after=\([0-9]*\).*/\1 \2/p' <<<"$out")
is "100 cycles: no fd left behind in the application" "$(echo $fds | awk '{print ($1 == $2)}')" "1"
like "100 cycles: no child left behind" "$out" "children_left=0"

out=$(drive alice -C 2>&1)
like "close without open is harmless" "$out" "close_without_open=0"
like "closing twice is harmless" "$out" "close_again=0"

records=$(ls /run/nsbox/boxes)
out=$(drive alice -t 2>&1)
unlike "a multi-threaded application is refused" "$out" "open=0 "
log_has "user alice denied: the application is multi-threaded"
ok $? "refusal of a multi-threaded application is logged"
sleep 0.3
is "the box made for the refused threaded session is stopped" "$(box_inits)" ""
is "... and its record removed" "$(ls /run/nsbox/boxes)" "$records"

# Only a session that gets a box needs a single thread: a user no rule
# names is let in by a threaded application (a display manager), whether
# the helper decides (no policy index) or the index does.
rm -f /run/nsbox/index/*
log_mark
out=$(drive bob -t 2>&1)
like "a threaded application: a user no rule names is let in (the helper decides)" "$out" "open=0 "
log_has_since "user bob: policy index not used: no index"
ok $? "... and the helper decided, not the index"
log_mark
out=$(drive bob -t 2>&1)
like "a threaded application: a user no rule names is let in (the index decides)" "$out" "open=0 "
log_has_since "user bob not boxed: no rule matches \(policy index\)"
ok $? "... and the index decided"

drive alice -o >/dev/null 2>&1
sleep 0.3
is "pam_end without close_session still ends the box" "$(box_inits)" ""

# --- two sessions of one user get two boxes -----------------------------
drive alice -c 'readlink /proc/self/ns/pid; sleep 1' >"$T/s1" 2>&1 &
p1=$!
drive alice -c 'readlink /proc/self/ns/pid; sleep 1' >"$T/s2" 2>&1 &
p2=$!
wait $p1 $p2
ns1=$(grep -o 'pid:\[[0-9]*\]' "$T/s1")
ns2=$(grep -o 'pid:\[[0-9]*\]' "$T/s2")
ok $([ -n "$ns1" ] && [ -n "$ns2" ] && [ "$ns1" != "$ns2" ]; echo $?) \
	"two sessions of the same user at once get separate boxes"

# A group line with an empty name (root and bob are in it): the module
# sends no empty name, and root is never locked out by the user data.
add_group "" 62300 root,bob
: >"$T/syslog"
out=$(drive root -c 'echo root-in' 2>&1)
like "a nameless group of root's: root still gets a session" "$out" "^open=0 "
out=$(drive bob -c 'hostname' 2>&1)
like "... and an unmatched member is still not boxed" "$out" "^$(hostname)$"
ok $(! grep -aq "malformed" "$T/syslog"; echo $?) "... and the module's user data was well-formed"

kill $host_sleeper 2>/dev/null
wait $host_sleeper 2>/dev/null
sleep 0.3
no_leftovers "$before"

done_testing
