#!/bin/bash
# Box lifecycle: shared boxes (share = user), linger, release on crash, the
# admin commands (list, enter, stop), limits, network = none, overlay.
. "$(dirname "$0")/../lib/root.sh"
pam_setup

add_user alice 62001
add_user bob 62002
make_box base
install -D -m 0755 "$TOP/build/tools/attack" "$T/boxes/base/usr/local/bin/attack"
conf() { # conf EXTRA-LINES...: one rule for alice and bob
	write_conf <<EOF
rule main {
	users = {"alice", "bob"}
	rootfs = "$T/boxes/base"
	hostname = "%u-box"
	bind { source = "%h" }
	$*
}
EOF
}
before=$(host_state)
# Boxes that linger forever outlive a test that fails half-way: end the
# box inits of this test's users (uids 62001-62005) whatever happens.
at_exit 'BOX_UIDS="62001 62002 62003 62004 62005" box_inits | xargs -r kill -9'
# A session held open in the background: sets HELD (the driver's pid).
hold() { # hold USER CMD
	"$DRIVER" -c "$2" nsbox-test "$1" >"$T/held.$1.$$" 2>&1 &
	HELD=$!
	disown $HELD
}
wait_gone() { for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
box_count() { "$NSBOX" list --json | grep -c '"id"'; }
# A box dies once every process in it is reaped: wait (5 s at most) for N.
boxes_become() {
	for _ in $(seq 50); do [ "$(box_count)" = "$1" ] && break; sleep 0.1; done
	box_count
}

# --- share = session (the default) vs share = user -----------------------------
conf 'share = "session"'
hold alice 'sleep 1001 & sleep 3'
wait_until 10 pgrep -x -f "sleep 1001"
out=$(drive alice -c 'ps -o args' 2>&1)
unlike "share = session: a second session does not see the first one's processes" "$out" "sleep 1001"
wait_gone $HELD

conf 'share = "user"'
hold alice 'sleep 1002 & sleep 3'
wait_until 10 pgrep -x -f "sleep 1002"
out=$(drive alice -c 'ps -o args' 2>&1)
like "share = user: a second session sees the first one's processes" "$out" "sleep 1002"
is "share = user: the user has one box" "$(box_count)" "1"
out=$("$NSBOX" list 2>&1)
like "nsbox list shows the shared box with its user, rule and sessions" "$out" "alice-[0-9]+ +alice +main +[0-9]+ +1 shared"
hold bob 'sleep 3'
boxes_become 2 >/dev/null
is "share = user: another user gets a box of their own" "$(box_count)" "2"
wait_gone $HELD
is "linger 0: a shared box dies with its last session" "$(boxes_become 0)" "0"

# --- linger -------------------------------------------------------------------
conf 'share = "user"' 'linger = "2s"'
drive alice -c 'true' >/dev/null 2>&1
is "linger = 2s: the box outlives its last session" "$(box_count)" "1"
out=$(drive alice -c 'echo $$' 2>&1)
is "linger: a new session within the linger time joins the same box" "$(box_count)" "1"
sleep 2
is "linger = 2s: then it goes" "$(boxes_become 0)" "0"
conf 'share = "user"' 'linger = "forever"'
drive alice -c 'true' >/dev/null 2>&1
sleep 0.5
is "linger = forever: the box stays without sessions" "$(box_count)" "1"

# --- admin commands ---------------------------------------------------------------
id=$("$NSBOX" list --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -n 1)
like "nsbox list --json gives the id, user, rule, pid, sessions, age and memory" \
	"$("$NSBOX" list --json)" '"id": "alice-[0-9]+", "user": "alice", "uid": 62001, "rule": "main", "shared": true, "pid": [0-9]+, "sessions": 0, "age_seconds": [0-9]+, "memory_kb": [0-9]+'
out=$("$NSBOX" enter "$id" -- hostname 2>&1)
is "nsbox enter BOX -- CMD runs CMD in the box" "$out" "alice-box"
out=$("$NSBOX" enter alice -- sh -c 'echo $$; ps -o pid,args | grep -c nsbox-init' 2>&1)
like "nsbox enter USER: in the box's PID namespace" "$out" "^[0-9]+"
"$NSBOX" enter nobody-here -- true 2>/dev/null
is "nsbox enter of an unknown box exits 1" "$?" "1"
# Root's command in a tree the user may partly write: no fd of ours (fd 7
# is the host's /), a fixed PATH and environment, no TIOCSTI.
out=$(exec 7</; SECRET=x PATH=/usr/local/bin:$PATH "$NSBOX" enter alice -- \
	sh -c 'ls /proc/self/fd | tr "\n" " "; echo; echo "PATH=$PATH SECRET=${SECRET:-unset}"; grep Seccomp: /proc/self/status' 2>&1)
like "nsbox enter: the command gets only fds 0-2 (no host directory fd)" "$out" "^0 1 2 3 $"
like "nsbox enter: a fixed PATH of checked directories, not root's environment" "$out" \
	"^PATH=/usr/sbin:/usr/bin:/sbin:/bin SECRET=unset$"
like "nsbox enter: TIOCSTI is filtered for the command and what it starts" "$out" "^Seccomp:.2$"
out=$(as_user "$NSBOX" list 2>&1)
is "nsbox list as a plain user exits 2" "$?" "2"
like "... and says why" "$out" "only root may manage boxes"
out=$("$NSBOX" stop alice 2>&1)
like "nsbox stop USER stops the user's boxes" "$out" "^stopped alice-[0-9]+$"
is "... and the box is gone" "$(boxes_become 0)" "0"
"$NSBOX" stop alice 2>/dev/null
is "nsbox stop of a box that is not there exits 1" "$?" "1"

# --- crash release ----------------------------------------------------------------
conf 'share = "user"'
hold alice 'sleep 30'
first=$HELD
hold alice 'sleep 30'
second=$HELD
wait_until 10 eval '[ "$(pgrep -u alice -x -f "sleep 30" | wc -l)" = 2 ]'
kill -9 $first
sleep 0.5
is "kill -9 of one session's login program: the shared box stays for the other" "$(box_count)" "1"
kill -9 $second
is "kill -9 of the last one: its reference is released and the box goes" "$(boxes_become 0)" "0"

# --- joins racing the end of a box ----------------------------------------------
# linger 0: the box goes when its last session does, while the next ones
# join. A session is in only once box init has counted it; one that comes
# as init exits gets a new box, never a dead one.
conf 'share = "user"'
racers=()
for k in 1 2 3; do
	(for _ in $(seq 60); do drive alice -c true; done >"$T/race.$k" 2>&1) &
	racers+=($!)
done
wait "${racers[@]}"
is "180 short overlapping sessions of one shared box: none is denied" \
	"$(cat "$T"/race.* | grep -c '^open=0 ')" "180"
is "... and none has its command killed with the box" \
	"$(cat "$T"/race.* | grep -c '^cmd_status=0$')" "180"
boxes_become 0 >/dev/null

# The user lowers box init's open-file limit from inside (it runs as their
# uid): init must not spin on its listener, and root's commands must not
# hang on the box.
conf 'share = "user"' 'linger = "forever"'
out=$(drive alice -c '/usr/local/bin/attack starve-init 3' 2>&1)
like "the user can prlimit their own box init" "$out" "starve=done"
joiners=()
for _ in 1 2 3 4 5 6; do
	drive alice -c true >/dev/null 2>&1 &
	joiners+=($!)
done
sleep 1
init=$("$NSBOX" list --json | sed -n 's/.*"pid": \([0-9]*\).*/\1/p' | head -n 1)
t0=$(awk '{print $14 + $15}' "/proc/$init/stat")
sleep 2
t1=$(awk '{print $14 + $15}' "/proc/$init/stat")
ok $([ $((t1 - t0)) -lt 50 ]; echo $?) "a starved box init does not spin (used $((t1 - t0)) of 200 ticks in 2 s)"
# Fill the listener's backlog (64), as a stopped or starved init leaves it.
sock=$(ls /run/nsbox/boxes/*.sock | head -n 1)
perl -MIO::Socket::UNIX -e '@s = map { IO::Socket::UNIX->new(Peer => $ARGV[0]) } 1..80; sleep 30' "$sock" 2>/dev/null &
filler=$!
sleep 1
timeout 20 "$NSBOX" list >/dev/null 2>&1
rc=$?
kill $filler 2>/dev/null
ok $([ $rc != 124 ]; echo $?) "... and nsbox list does not hang on it (exit $rc)"
wait "${joiners[@]}"
"$NSBOX" stop alice >/dev/null 2>&1
boxes_become 0 >/dev/null

# A user name too long for a box id: the id falls back to the uid, and the
# shared box is still found, listed and stopped.
long=$(printf 'u%.0s' $(seq 80))
add_user "$long" 62005
write_conf <<EOF
rule main {
	users = {"$long"}
	rootfs = "$T/boxes/base"
	share = "user"
	linger = "forever"
}
EOF
drive "$long" -c true >/dev/null 2>&1
drive "$long" -c true >/dev/null 2>&1
is "an 80-character user name: two sessions, one shared box" "$(box_count)" "1"
like "... whose id is made of the uid" "$("$NSBOX" list --json)" '"id": "uid62005-[0-9]+"'
"$NSBOX" stop "$long" >/dev/null 2>&1
is "... and nsbox stop finds it" "$(boxes_become 0)" "0"

# --- limits -------------------------------------------------------------------------
conf 'pids_max = 40' 'nofile = 64'
out=$(drive alice -c 'ulimit -n; /usr/local/bin/attack forks 200' 2>&1)
like "nofile = 64 sets the session's fd limit" "$out" "^64$"
forked=$(sed -n 's/^forked=\([0-9]*\).*/\1/p' <<<"$out")
ok $([ -n "$forked" ] && [ "$forked" -gt 20 ] && [ "$forked" -lt 40 ]; echo $?) \
	"pids_max = 40: a fork bomb of 200 is stopped below 40 processes (got $forked)"
like "... by the limit (EAGAIN)" "$out" "stopped_by=Resource temporarily unavailable"
out=$(drive bob -c 'sh -c "echo still-forking"' 2>&1)
like "... while another user's box still forks" "$out" "still-forking"
like "the limits' fallback (setrlimit) is logged once" "$(cat "$T/syslog")" "limits of rule main are set with setrlimit"
# Raising the application's hard limit back needs CAP_SYS_RESOURCE.
if has_cap 24; then
	like "... and the application's own limits are back after close" "$out" "nofile_restored=yes"
else
	like "without CAP_SYS_RESOURCE the application keeps the box's limits ($(sed -n 's/.*nofile_restored=//p' <<<"$out"))" \
		"$out" "nofile_restored=no"
	log_has "cannot put the application's RLIMIT_NOFILE back: Operation not permitted"
	ok $? "... and the log says so"
fi
conf 'cpu_weight = 50'
out=$(drive alice -c 'awk "{print \$19}" /proc/self/stat' 2>&1)
like "cpu_weight = 50: the session runs at nice 3 (the nearest scheduler weight)" "$out" "^3$"
like "... and the application's own nice value is back after close" "$out" "nice_restored=yes"
conf 'cpu_weight = 10000'
out=$(drive alice -c 'awk "{print \$19}" /proc/self/stat' 2>&1)
like "cpu_weight = 10000: nice -20" "$out" "^-20$"

# --- network = none -------------------------------------------------------------------
PORT=$(free_port 2>/dev/null || echo 47811)
/bin/busybox nc -l -p "$PORT" -e /bin/echo reached >/dev/null 2>&1 &
listener=$!
at_exit "kill $listener 2>/dev/null"
sleep 0.3
conf
out=$(drive alice -c "nc -w 2 127.0.0.1 $PORT </dev/null" 2>&1)
like "network = host: a host listener on 127.0.0.1 is reachable" "$out" "reached"
/bin/busybox nc -l -p "$PORT" -e /bin/echo reached >/dev/null 2>&1 &
listener=$!
sleep 0.3
conf 'network = "none"'
out=$(drive alice -c "nc -w 2 127.0.0.1 $PORT </dev/null; echo nc=\$?; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '" 2>&1)
unlike "network = none: the host listener is unreachable" "$out" "reached"
like "network = none: only loopback exists, and it is up" "$out" "^lo$"
out=$(drive alice -c 'nc -l -p 7000 -e /bin/echo loopback-ok & sleep 0.3; nc -w 2 127.0.0.1 7000 </dev/null' 2>&1)
like "network = none: loopback inside the box works" "$out" "loopback-ok"

# A shared box keeps the network it was built with when the rule changes:
# a session joining it gets the box's, never a mix.
conf 'network = "none"' 'share = "user"'
hold alice 'sleep 3'
boxes_become 1 >/dev/null
conf 'share = "user"'
: >"$T/syslog"
out=$(drive alice -c "nc -w 2 127.0.0.1 $PORT </dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '" 2>&1)
unlike "network changed to host while a shared box runs: a joining session keeps the box's (none)" "$out" "reached"
like "... it sees only the box's loopback" "$out" "^lo$"
log_has "box alice-[^ ]+ keeps the network it was built with \\(network = \"none\"\\)"
ok $? "... and the log says why"
wait_gone $HELD
boxes_become 0 >/dev/null
kill $listener 2>/dev/null

# --- overlay rootfs ---------------------------------------------------------------------
make_box lower
mkdir -m 1777 "$T/boxes/lower/data"
mkdir -p "$T/layers"
chmod 0755 "$T/layers"
lower_before=$(cd "$T/boxes/lower" && find . | sort | md5sum)
write_conf <<EOF
rule main {
	users = {"alice"}
	rootfs_lower = "$T/boxes/lower"
	rootfs_upper = "$T/layers/%u"
	share = "user"
	hostname = "%u-box"
	bind { source = "%h" }
}
EOF
out=$(drive alice -c 'echo mine >/data/alice-file && cat /data/alice-file && ls /' 2>&1)
like "overlay: the user writes in the box" "$out" "^mine$"
is "overlay: the write lands in the user's upper layer" "$(cat "$T/layers/alice/upper/data/alice-file" 2>&1)" "mine"
is "overlay: the shared lower layer is untouched" "$(cd "$T/boxes/lower" && find . | sort | md5sum)" "$lower_before"
out=$(drive alice -c 'cat /data/alice-file' 2>&1)
like "overlay: the next session sees it again" "$out" "^mine$"
is "overlay: the upper layer is root's, not the user's" "$(stat -c %U:%a "$T/layers/alice")" "root:700"

no_leftovers "$before"
done_testing
