#!/bin/bash
# nsbox run (the rootless face) shares the host's network namespace: a
# host abstract unix socket, and a host process reached through a pidfd,
# must be out of reach of CMD (Landlock scoping, ABI 6, as the PAM face).
# The abstract socket attempt ESCAPED before the fix (run.c scope_cmd,
# checked by stashing it). The signal attempts were already blocked by the
# box's PID namespace (kill: no such pid; pidfd_send_signal: EINVAL across
# PID namespaces), checked the same way: they are regressions for that,
# Landlock's signal scoping being a second layer. On kernels without
# Landlock ABI 6 the Landlock parts are skipped.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/common.sh"
ATTACK=$TOP/build/tools/attack

userns_works || skip_all "unprivileged user namespaces are not available here"
[ -x "$ATTACK" ] || { echo "Bail out! $ATTACK is not built (make units)"; exit 1; }
before=$(host_state)
# CMD runs from a rootfs of its own: without --rootfs the box shows the
# host's tree with a fresh /tmp, which hides a checkout under /tmp.
cp -a "$ROOTFS" "$T/rootfs"
install -m 0755 "$ATTACK" "$T/rootfs/attack"
BOXED=("$NSBOX" run --rootfs "$T/rootfs" -- /attack)

# Host resources of the same user (so only the box stands in the way).
name=nsbox-run-$$
"${AS_USER[@]}" "$ATTACK" serve-abstract "$name" &
server=$!
at_exit "kill $server 2>/dev/null"
"${AS_USER[@]}" sleep 1000 &
sleeper=$!
at_exit "kill $sleeper 2>/dev/null"
wait_until 10 sh -c "[ \"\$(ps -o comm= -p $sleeper)\" = sleep ]"
wait_until 10 grep -q "@$name\$" /proc/net/unix
ok $? "the host's abstract socket listens"

# Control: from the host, the same probes get through.
out=$(as_user "$ATTACK" run abstract_socket ABSTRACT=$name 2>&1)
like "control: the probe reaches the abstract socket from the host" "$out" "ESCAPED"

out=$(as_user "${BOXED[@]}" run abstract_socket ABSTRACT=$name 2>&1)
if grep -q "Landlock scoping unavailable" <<<"$out"; then
	skip "the kernel has no Landlock scoping (ABI < 6)" "nsbox run: host abstract socket"
	like "... and nsbox run says so, and runs CMD" "$out" "Landlock scoping unavailable"
else
	like "nsbox run: the host's abstract socket is out of reach" "$out" "abstract_socket: blocked"
fi

out=$(as_user "${BOXED[@]}" run kill_host_pid HOSTPID=$sleeper 2>&1)
like "nsbox run: kill of a host pid fails (PID namespace)" "$out" "kill_host_pid: (blocked|untested: pid .* happens to exist)"
# Control: the pidfd, inherited, kills from the host.
"${AS_USER[@]}" sleep 1000 &
victim=$!
wait_until 10 sh -c "[ \"\$(ps -o comm= -p $victim)\" = sleep ]"
out=$(as_user "$ATTACK" with-pidfd $victim "$ATTACK" run kill_host_pidfd @PIDFD@ 2>&1)
like "control: an inherited pidfd signals the process from the host" "$out" "ESCAPED"
kill $victim 2>/dev/null
out=$(as_user "$ATTACK" with-pidfd $sleeper "${BOXED[@]}" run kill_host_pidfd @PIDFD@ 2>&1)
like "nsbox run: a host process cannot be signalled through an inherited pidfd" "$out" "kill_host_pidfd: blocked"
kill -0 $sleeper 2>/dev/null
ok $? "... and it lives"
# Box init, outside CMD's Landlock domain, still passes signals on.
"${AS_USER[@]}" "$NSBOX" run -- /bin/sh -c 'trap "exit 42" TERM; sleep 30 & wait' &
outer=$!
wait_until 10 pgrep -u "$(user_uid)" -f "^sleep 30$"
kill -TERM $outer
wait $outer
is "signals still reach CMD through box init" "$?" "42"

no_leftovers "$before"
done_testing
