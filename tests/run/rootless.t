#!/bin/bash
# nsbox run as an unprivileged user: isolation, exit status, bad input.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/common.sh"

userns_works || skip_all "unprivileged user namespaces are not available here"
before=$(host_state)
UID_=$(user_uid)
GID_=$(user_gid)
echo "host-only secret" >"$T/marker"
chmod 0644 "$T/marker"

box() { as_user "$NSBOX" run --rootfs "$ROOTFS" "$@"; }

# --- identity and hostname ---------------------------------------------
out=$(box -- /bin/sh -c 'hostname; id -u; id -g' 2>&1)
is "default hostname is nsbox" "$(sed -n 1p <<<"$out")" "nsbox"
is "uid inside is the caller's (identity map)" "$(sed -n 2p <<<"$out")" "$UID_"
is "gid inside is the caller's (identity map)" "$(sed -n 3p <<<"$out")" "$GID_"

out=$(box --hostname demo-box -- hostname 2>&1)
is "--hostname sets the box hostname" "$out" "demo-box"
is "the host's hostname is untouched" "$(hostname)" "$(uname -n)"

out=$(box --root -- /bin/sh -c 'id -u; id -g; cat /proc/self/uid_map; cat /proc/self/setgroups' 2>&1)
is "--root: uid 0 inside" "$(sed -n 1p <<<"$out")" "0"
is "--root: gid 0 inside" "$(sed -n 2p <<<"$out")" "0"
like "--root: uid 0 maps to the caller" "$(sed -n 3p <<<"$out")" "^ +0 +$UID_ +1$"
is "--root: setgroups is denied" "$(sed -n 4p <<<"$out")" "deny"

# --- PID namespace and /proc -------------------------------------------
sleep 1000 &
host_sleeper=$!
at_exit "kill $host_sleeper 2>/dev/null"
out=$(box -- ps -o pid,args 2>&1)
like "PID 1 is box init" "$out" '^ *1 nsbox-init'
like "CMD runs as PID 2" "$out" $'\n *2 ps'
is "ps sees only box processes (init, ps)" "$(grep -c '^ *[0-9]' <<<"$out")" "2"
unlike "a host process is not visible" "$out" 'sleep 1000'
out=$(box -- cat /proc/1/cmdline | tr '\0' '\n')
is "/proc/1/cmdline names box init" "$(head -n 1 <<<"$out")" "nsbox-init"
unlike "/proc/1/cmdline shows no host path" "$out" "/"
out=$(box -- cat /proc/self/mountinfo 2>&1)
like "a fresh proc is mounted on /proc" "$out" ' /proc rw,nosuid,nodev,noexec[^ ]* - proc '
like "the rootfs is / and mounted nosuid,nodev" "$out" '^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / rw,nosuid,nodev'
like "/dev is a read-only tmpfs" "$out" ' /dev ro,nosuid,noexec[^ ]* - tmpfs '
like "/dev/pts is a new devpts instance" "$out" ' /dev/pts [^ ]+ - devpts .*ptmxmode=666'
like "/tmp is a fresh tmpfs" "$out" ' /tmp rw,nosuid,nodev[^ ]* - tmpfs '

# --- the host is out of reach ------------------------------------------
out=$(box -- cat "$T/marker" 2>&1)
unlike "a host file outside the rootfs is not readable" "$out" "host-only secret"
out=$(box -- /bin/sh -c "cat /proc/1/root$T/marker; ls /proc/1/root/ | grep -c . ; ls /" 2>&1)
unlike "nor through /proc/1/root" "$out" "host-only secret"
out=$(box -- /bin/sh -c 'echo x > /dev/null && echo null-ok; echo x > /dev/newfile 2>&1 || echo dev-ro' 2>&1)
like "/dev/null works" "$out" "null-ok"
like "/dev cannot be written" "$out" "dev-ro"

# --- host root mode (no --rootfs) --------------------------------------
echo "host tmp" >"/tmp/nsbox-marker.$$"
at_exit "rm -f /tmp/nsbox-marker.$$"
out=$(cd /usr/share && as_user "$NSBOX" run -- /bin/sh -c 'touch /usr/nsbox-x 2>&1 || echo ro; ls /tmp; pwd; hostname' 2>&1)
like "without --rootfs the host root is read-only" "$out" "ro"
unlike "without --rootfs /tmp is fresh" "$out" "nsbox-marker"
like "without --rootfs the cwd is kept" "$out" "^/usr/share$"

# --- exit status --------------------------------------------------------
box -- /bin/sh -c 'exit 7' 2>/dev/null
is "exit status is passed through" "$?" "7"
box -- /bin/sh -c 'kill -TERM $$' 2>/dev/null
is "death by signal N gives 128+N" "$?" "143"
box -- true
is "success is 0" "$?" "0"

# --- signals reach CMD; zombies are reaped ------------------------------
"${AS_USER[@]}" "$NSBOX" run --rootfs "$ROOTFS" -- /bin/sh -c 'trap "exit 42" TERM; sleep 30 & wait' &
outer=$!
sleep 0.5
kill -TERM $outer
wait $outer
is "SIGTERM to nsbox is forwarded to CMD" "$?" "42"
out=$(box -- /bin/sh -c '(sleep 0.1 &); sleep 0.5; ps -o stat,args' 2>&1)
unlike "orphans are reaped by box init (no zombies)" "$out" '^ *Z'

# --- verbose ------------------------------------------------------------
out=$(box --verbose -- true 2>&1)
like "--verbose: identity before isolation" "$out" "outside: uid=$UID_ gid=$GID_ hostname=$(hostname) pid=[0-9]+ cwd=/"
like "--verbose: identity inside, before exec" "$out" "inside: uid=$UID_ gid=$GID_ hostname=nsbox pid=2 cwd=/"

# --- bad input ----------------------------------------------------------
out=$(as_user "$NSBOX" run --rootfs "$T/nope" -- true 2>&1)
is "missing rootfs: exit 125" "$?" "125"
like "missing rootfs: one line naming it" "$out" "^nsbox: rootfs $T/nope: No such file or directory$"
out=$(as_user "$NSBOX" run --rootfs "$T/marker" -- true 2>&1)
is "rootfs not a directory: exit 125" "$?" "125"
like "rootfs not a directory: says so" "$out" "^nsbox: rootfs $T/marker: Not a directory$"
out=$(box -- no-such-command 2>&1)
is "command not found: exit 127" "$?" "127"
like "command not found: names it" "$out" "no-such-command: command not found"
out=$(box -- /etc/passwd 2>&1)
is "command not executable: exit 126" "$?" "126"
like "command not executable: says why" "$out" "/etc/passwd: Permission denied"
out=$(as_user "$NSBOX" run --bogus -- true 2>&1)
is "unknown option: exit 125" "$?" "125"
like "unknown option: names it" "$out" "unknown option '--bogus'"
out=$(as_user "$NSBOX" run --hostname 'bad name!' -- true 2>&1)
is "invalid hostname: exit 125" "$?" "125"
out=$(as_user unshare -Ur sh -c "echo 0 >/proc/sys/user/max_user_namespaces && exec '$NSBOX' run -- true" 2>&1)
rc=$?
is "no user namespaces available: exit 125" "$rc" "125"
like "no user namespaces: the reason is named" "$out" "cannot create the box's namespaces: .*max_user_namespaces"

# --- nothing left behind ------------------------------------------------
kill $host_sleeper 2>/dev/null; wait $host_sleeper 2>/dev/null
sleep 0.2
no_leftovers "$before"

done_testing
