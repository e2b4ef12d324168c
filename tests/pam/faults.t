#!/bin/bash
# Faults at every step of setup, with the test builds of the module and
# helper pausing there: kill -9 of the helper, of box init and of the
# application, and a same-uid host process trying to trace the half-built
# box init (bwrap CVE-2016-8659 class). Each time: the login fails closed,
# nothing is left behind, the next login works. And 1000 sessions in one
# process: no growth in fds, memory, processes or mounts.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
TEST_HELPER=$TOP/build/tests/nsbox-pam-test
ATTACK=$TOP/build/tools/attack

add_user alice 62001
make_box alice
write_conf <<EOF
syslog_socket = true
rule main {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "%h" }
}
EOF
before=$(host_state)

# Start a session that pauses at STEP; sets DRIVER_PID and PAUSED (the pid
# of the paused process).
start_paused() {
	write_service nsbox-test "helper=$TEST_HELPER config=$CONF test_pause=$1"
	: >"$T/syslog"
	"$DRIVER" -c 'hostname' nsbox-test alice >"$T/driver.out" 2>&1 &
	DRIVER_PID=$!
	disown $DRIVER_PID # it is killed on purpose: no job notices
	wait_paused "$1"
}

finish() { # wait for the driver (killed or not) and check the aftermath
	for _ in $(seq 100); do kill -0 $DRIVER_PID 2>/dev/null || break; sleep 0.1; done
	kill -9 $DRIVER_PID 2>/dev/null
	settle "$before"
	is "$1: no box init or mount left behind" "$(host_state)" "$before"
	write_service nsbox-test "$MODULE_ARGS"
	out=$(drive alice -c hostname 2>&1)
	like "$1: the next login works" "$out" "^alice-box$"
}

for step in helper prepared init-user init-mounted init-ready reply; do
	start_paused $step
	ok $? "pause at $step"
	case $step in init-*)
		out=$(setpriv --reuid=alice --regid=alice --clear-groups "$ATTACK" run ptrace_pid "PID=$PAUSED" 2>&1)
		like "$step: the user cannot ptrace the half-built box init from the host" "$out" "blocked"
		out=$(setpriv --reuid=alice --regid=alice --clear-groups cat "/proc/$PAUSED/mem" 2>&1)
		like "$step: nor read its memory" "$out" "Permission denied"
		;;
	esac
	[ -n "$PAUSED" ] && kill -9 "$PAUSED"
	finish "kill -9 of the paused process at $step"
	unlike "kill -9 at $step: the login failed closed" "$(cat "$T/driver.out")" "^open=0 "

	start_paused $step
	kill -9 $DRIVER_PID
	[ -n "$PAUSED" ] && kill -USR1 "$PAUSED" 2>/dev/null
	finish "kill -9 of the application at $step"
done

start_paused joined
ok $? "pause at joined (the application is inside the box)"
kill -9 $DRIVER_PID
finish "kill -9 of the application while it is in the box"

# --- a helper that fails after its reply ------------------------------------------
# The module enters the box's namespaces before it reaps the helper (the
# setns() overlaps the helper's exit): a helper that then turns out to have
# failed still denies the session, and the module leaves the namespaces
# (before anything it cannot undo) and stops the box.
# left_clean WHAT OUT: after a join that did not become a session (OUT:
# the driver's -e output), the program is in its own namespaces with no
# seccomp filter on it, and nothing is left behind.
left_clean() {
	like "$1: the program is back in its own namespaces" "$2" "ns_back=yes"
	like "$1: no seccomp filter left on it (the join hardens last)" "$2" "seccomp=0"
	settle "$before"
	is "$1: no box init or mount left behind" "$(host_state)" "$before"
}
printf '#!/bin/sh\n%s "$@"\nexit 3\n' "$NSBOX" >"$T/failing-helper"
chmod 0755 "$T/failing-helper"
# failing_login USER [MODULE ARGS]: USER's session (ended without a close)
# through a helper that exits 3 after its reply, the syslog emptied first;
# OUT is what the driver printed.
failing_login() {
	write_service nsbox-test "helper=$T/failing-helper config=$CONF${2:+ $2}"
	: >"$T/syslog"
	out=$(drive "$1" -e 2>&1)
}
failing_login alice
unlike "a helper that exits 3 after a valid reply: the session is refused" "$out" "^open=0 "
like "it was a valid reply: the box was joined first" "$(cat "$T/syslog")" "user alice boxed rule=main"
like "the helper's status is logged" "$(cat "$T/syslog")" "helper $T/failing-helper failed \\(status 0x300\\)"
left_clean "a helper that failed after its reply" "$out"
is "... and no record of its box" "$(ls /run/nsbox/boxes 2>/dev/null | grep -c '^alice-' )" "0"

# Through the pty relay, which reaps before its fork: refused the same way.
failing_login alice pty
unlike "through the relay, a helper that fails after its reply: refused" "$out" "^open=0 "
like "... as a failed helper, not as a failed join" "$(cat "$T/syslog")" "user alice denied: helper failed"
settle "$before"
is "... its box stopped: nothing left behind" "$(host_state)" "$before"
is "... and no record of it" "$(ls /run/nsbox/boxes 2>/dev/null | grep -c '^alice-' )" "0"

# Root, confined by the config: a helper that fails after its reply keeps
# root's fail-open (as one that fails before it), and the session goes on
# as the application's, untouched.
cp "$CONF" "$T/conf.saved"
make_box rootbox
install -m 0755 /dev/null "$T/boxes/rootbox/bin/bash" # root's login shell, for shell =
printf 'confine_root = true\nrule r {\n\tusers = {"root"}\n\trootfs = "%s"\n\tshell = "/bin/sh"\n}\n' \
	"$T/boxes/rootbox" | write_conf
failing_login root
like "root, after a helper that failed after its reply: the session opens" "$out" "^open=0 "
like "... after a valid reply that boxed root (the join path)" "$(cat "$T/syslog")" "user root boxed rule=r"
like "... logged as root's exemption" "$(cat "$T/syslog")" "user root not boxed: helper failed, root is exempt"
left_clean "root's session after a helper that failed" "$out"

# Root, confined by the config, in a threaded application, which cannot
# join a box: its exemption lets it in unconfined, and the box the helper
# made for it is stopped.
write_service nsbox-test "$MODULE_ARGS"
: >"$T/syslog"
out=$(drive root -t 2>&1)
like "root confined, in a threaded application: the session opens" "$out" "open=0 "
like "... as root's exemption" "$(cat "$T/syslog")" \
	"user root not boxed: the application is multi-threaded, root is exempt"
settle "$before"
is "... its box stopped: nothing left behind" "$(host_state)" "$before"

# A join refused after setns() (here the nice value of cpu_weight, which a
# program without CAP_SYS_NICE cannot set) leaves nothing on the program
# that cannot be undone: the limits come before the hardening.
printf 'rule main {\n\tusers = {"alice"}\n\trootfs = "%s"\n\tcpu_weight = 10000\n}\n' \
	"$T/boxes/alice" | write_conf
write_service nsbox-test "$MODULE_ARGS"
: >"$T/syslog"
out=$(setpriv --bounding-set -sys_nice "$DRIVER" -e nsbox-test alice 2>&1)
unlike "a join whose nice value cannot be set: refused" "$out" "^open=0 "
like "... for that reason" "$(cat "$T/syslog")" "setpriority\\(-20\\)"
left_clean "a join refused over its nice value" "$out"

# The limits come before the hardening, but what the hardening needs is
# made before them: with a nofile at or below the fds the program and the
# module hold, the Landlock ruleset (made after the limit, it failed with
# EMFILE) would be missing and the host's abstract sockets open to the box.
printf 'rule main {\n\tusers = {"alice"}\n\trootfs = "%s"\n\tnofile = 16\n}\n' \
	"$T/boxes/alice" | write_conf
for extra in 4 8; do
	: >"$T/syslog"
	drive alice -F $extra -c true >/dev/null 2>&1
	unlike "nofile = 16, the program with $extra more fds open: Landlock scoping did not fail" \
		"$(cat "$T/syslog")" "Landlock scoping failed"
done
settle "$before"
is "... nothing left behind" "$(host_state)" "$before"
write_conf <"$T/conf.saved"
write_service nsbox-test "$MODULE_ARGS"
out=$(drive alice -c hostname 2>&1)
like "after the failing helper: the next login works" "$out" "^alice-box$"

# The login program's SIGCHLD: a handler that reaps every child (as sshd's)
# must not take the helper from the module (which would then refuse the
# session: it could not check the helper's status), nor may SIG_IGN (the
# kernel would reap it); afterwards both are as the program set them.
# The module pauses right before it reaps, until the helper has exited, so
# that a SIGCHLD the program could act on is there.
for mode in handler ignore; do
	write_service nsbox-test "helper=$TEST_HELPER config=$CONF test_pause=reap"
	: >"$T/syslog"
	"$DRIVER" -s $mode nsbox-test alice >"$T/driver.out" 2>&1 &
	DRIVER_PID=$!
	wait_paused reap
	ok $? "SIGCHLD $mode: the module paused before reaping the helper"
	# Until no child of the module but a zombie is left: the helper has
	# exited (and, with ignore, the program's own child, 0.3 s old).
	[ $mode = ignore ] && sleep 0.5
	wait_until 5 sh -c "! ps --ppid $PAUSED -o stat= | grep -qv Z"
	[ -n "$PAUSED" ] && kill -USR1 "$PAUSED"
	wait $DRIVER_PID
	out=$(cat "$T/driver.out")
	like "SIGCHLD $mode: the session opens" "$out" "^open=0 "
	like "SIGCHLD $mode: the program did not reap the helper, and SIGCHLD is as it set it" \
		"$out" "sigchld_reaped=0 sigchld_kept=yes"
done
like "SIGCHLD ignore: a child of the program's that exited meanwhile was reaped, as the kernel would" \
	"$out" "other_child=gone"
write_service nsbox-test "$MODULE_ARGS"

# ^Z on su's terminal signals the login program's process group, the
# helper's too: a SIGTSTP must not stop the helper the module waits for.
start_paused reply
ok $? "pause at reply (the helper, about to answer)"
[ -n "$PAUSED" ] && kill -TSTP "$PAUSED"
sleep 0.3
like "a SIGTSTP leaves the helper running, not stopped" \
	"$(awk '{print $3}' "/proc/$PAUSED/stat" 2>&1)" "^[RSD]$"
[ -n "$PAUSED" ] && kill -USR1 "$PAUSED"
wait $DRIVER_PID
like "... and the login goes on once it answers" "$(cat "$T/driver.out")" "^alice-box$"
write_service nsbox-test "$MODULE_ARGS"

# --- 1000 sessions in one process ------------------------------------------------
# By default the namespace filter a confined session leaves on the program
# refuses its next box (tests/escape/ptys.t); these cycles look for leaks,
# so the rule lets sessions have user namespaces.
sed -i 's/^rule main {$/rule main {\n\tuser_namespaces = true/' "$CONF"
out=$(drive alice -n 1000 2>&1)
rc=$?
like "1000 open/close cycles: no failure" "$out" "failures=0"
is "1000 cycles: the driver exits cleanly (with SANITIZE=1: no leak in the module)" "$rc" "0"
set -- $(sed -n 's/.*fds_before=\([0-9]*\) fds_after=\([0-9]*\) rss_kb_before=\([0-9]*\) rss_kb_after=\([0-9]*\) children_left=\([0-9]*\).*/\1 \2 \3 \4 \5/p' <<<"$out")
is "1000 cycles: no fd growth ($1 -> $2)" "$2" "$1"
if grep -q fsanitize=address "$TOP/build/flags" 2>/dev/null; then
	skip "SANITIZE=1: ASan's allocator grows on its own; LeakSanitizer checks leaks instead" \
		"1000 cycles: RSS of the application does not grow ($3 -> $4 kB)"
else
	ok $([ "$4" -le $(($3 + 256)) ]; echo $?) "1000 cycles: RSS of the application does not grow ($3 -> $4 kB)"
fi
is "1000 cycles: no child process left" "$5" "0"
no_leftovers "$before"
done_testing
