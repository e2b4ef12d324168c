#!/bin/bash
# A plain user runs su to a confined user, with her password, on his own
# terminal (the relay of pam_nsbox's "pty" argument, as in terminal.t,
# where root runs su). su is setuid root, so its real uid is the caller's:
# the relay takes root's ids, so that neither the caller nor the confined
# user can signal it (a process whose real uid is the caller's would
# accept his signals), and the caller's terminal never enters the box.
#
# With the module's "pty" argument left out of su-l, checks 4, 5, 8, 11
# and 12 fail: "not a tty", fd 0 is bob's terminal, and the process bob's
# shell waits on is su itself, which bob may signal.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
command -v tmux >/dev/null || skip_all "tmux is not installed"
command -v perl >/dev/null || skip_all "perl is not installed (it makes the password hash)"
# A setuid su run by a plain user ignores LD_PRELOAD, so it cannot load a
# module built with ASan.
[ -f "$TOP/build/sanitize" ] && skip_all "SANITIZE build: a setuid su cannot load the ASan module"
THIEF=$TOP/build/tools/ttythief
[ -x "$THIEF" ] || { echo "Bail out! $THIEF is not built (make units)"; exit 1; }

add_user alice 62001
add_user bob 62002 /bin/bash
PASSWORD=s3cret-pw
hash=$(perl -e 'print crypt($ARGV[0], "\$6\$nsboxtest\$")' "$PASSWORD")
# In place: /etc/shadow is a bind of a test copy, which sed -i cannot
# rename over.
sed "s|^alice:!:|alice:$hash:|" /etc/shadow >"$T/shadow.new" && cat "$T/shadow.new" >/etc/shadow
make_box alice
mkdir -p "$T/boxes/alice/usr/local/bin"
install -m 0755 "$THIEF" "$T/boxes/alice/usr/local/bin/ttythief"
chmod -R go-w "$T/boxes/alice/usr"
write_conf <<EOF
rule confined {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "%h" }
}
EOF
# su-l with password authentication (the stock test services let only
# root in).
cat >"$T/pam.d/su-l" <<EOF
auth	required	pam_unix.so
account	required	pam_permit.so
session	optional	$MODULE leave
session	optional	pam_permit.so
session	required	$MODULE $MODULE_ARGS
EOF
before=$(host_state)

# --- bob's shell on a pty -------------------------------------------------------
TMUX_SOCK=$T/tmux.sock
at_exit "tmux -S $TMUX_SOCK kill-server 2>/dev/null"
tmux -S "$TMUX_SOCK" new-session -d -x 120 -y 30 \
	"setpriv --reuid=bob --regid=bob --init-groups env HOME=$T/home/bob PS1='BOB\$ ' bash --norc --noprofile"
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -J; }
keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
wait_screen() {
	for _ in $(seq 100); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	diag "$(screen)"
	return 1
}
last() { screen | grep -aE -- "$1" | tail -n 1; }
wait_screen '^BOB\$ $'
BOB_TTY=$(tmux -S "$TMUX_SOCK" display -p '#{pane_tty}')
BOB_SHELL=$(pgrep -P "$(tmux -S "$TMUX_SOCK" display -p '#{pane_pid}')" -x bash || tmux -S "$TMUX_SOCK" display -p '#{pane_pid}')
is "bob's shell runs as bob" "$(awk '/^Uid:/ {print $2}' "/proc/$BOB_SHELL/status")" "62002"
keys "stty -g >$T/home/bob/stty.before; clear" Enter
wait_screen '^BOB\$ $'

keys "su -l alice" Enter
wait_screen '[Pp]assword'
ok $? "su asks bob for alice's password"
keys "$PASSWORD" Enter
wait_screen ' \$ $'
ok $? "with it, alice's prompt appears"

# --- the session -------------------------------------------------------------------
keys 'clear; echo "TTY=$(tty) DEV0=$(stat -L -c %d /proc/self/fd/0) DEVPTS=$(stat -c %d /dev/pts/ptmx) HOST=$(hostname)"' Enter
wait_screen '^TTY=.*HOST='
line=$(last '^TTY=')
like "tty names a terminal of the box ($line)" "$line" "^TTY=/dev/pts/[0-9]+ "
ok $([[ "$line" =~ DEV0=([0-9]+)\ DEVPTS=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; echo $?) \
	"fd 0 is on the box's devpts, not bob's terminal"
like "... in alice's box" "$line" "HOST=alice-box$"
# By device, not name: /dev/pts/0 of the box is another terminal than
# bob's /dev/pts/0.
bob_dev=$(stat -L -c '%d %t:%T' "$BOB_TTY")
held="" n=0
for p in $(pgrep -u 62001); do
	for fd in /proc/$p/fd/*; do
		dev=$(stat -L -c '%d %t:%T' "$fd" 2>/dev/null) || continue
		n=$((n + 1))
		[ "$dev" = "$bob_dev" ] && held="$held $p:${fd##*/}"
	done
done
ok $([ $n -gt 0 ]; echo $?) "alice's processes have fds to look at ($n)"
is "none of them is bob's terminal ($BOB_TTY, $bob_dev)" "$held" ""
keys 'clear; stty size' Enter
wait_screen '^30 120$'
ok $? "stty size is bob's terminal's (30 120)"

# --- the relay ---------------------------------------------------------------------
RELAY=$(pgrep -P "$BOB_SHELL" -x su | head -n 1)
ok $([ -n "$RELAY" ]; echo $?) "the process bob's shell waits on is there (pid ${RELAY:-none})"
if [ -n "$RELAY" ]; then
	is "the relay runs as root: real, effective and saved uid (su's real uid was bob's)" \
		"$(awk '/^Uid:/ {print $2, $3, $4}' "/proc/$RELAY/status")" "0 0 0"
	out=$(setpriv --reuid=bob --regid=bob --clear-groups kill -0 "$RELAY" 2>&1)
	like "bob cannot signal the relay (kill -0: $out)" "$out" "not permitted"
	out=$(setpriv --reuid=alice --regid=alice --clear-groups kill -0 "$RELAY" 2>&1)
	like "alice cannot signal the relay (kill -0: $out)" "$out" "not permitted"
	out=$(setpriv --reuid=alice --regid=alice --clear-groups "$THIEF" ptrace "$RELAY" 2>&1)
	is "alice cannot ptrace the relay" "$out" "ptrace: EPERM"
	init=$(box_inits | head -n 1)
	ok $([ -n "$init" ] && [ "$(readlink "/proc/$RELAY/ns/pid")" != "$(readlink "/proc/$init/ns/pid")" ]; echo $?) \
		"the relay is outside the box's PID namespace"
fi

keys 'sleep 1000' Enter
wait_until 10 pgrep -u 62001 -x sleep
keys C-c
keys 'echo "RC=$?"' Enter
wait_screen '^RC=130$'
ok $? "^C reaches the session's foreground job (status 130)"

keys 'exit 5' Enter
wait_screen '^BOB\$ $'
keys 'echo "SU_RC=$?"' Enter
wait_screen '^SU_RC=5$'
ok $? "su returns the session's exit status to bob (5)"
keys "stty -g >$T/home/bob/stty.after" Enter
wait_until 10 test -s "$T/home/bob/stty.after"
is "bob's terminal settings are as before" "$(cat "$T/home/bob/stty.after")" "$(cat "$T/home/bob/stty.before")"
ok $([ -z "$(pgrep -P "$BOB_SHELL")" ]; echo $?) "su and its relay are gone"

# A wrong password: no session, no box.
keys "clear; su -l alice -c true; echo SU2_RC=\$?" Enter
wait_screen '[Pp]assword'
keys "wrong-$PASSWORD" Enter
wait_screen '^SU2_RC=[0-9]+$'
unlike "a wrong password gets no session" "$(last '^SU2_RC=')" "^SU2_RC=0$"

tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
settle "$before"
no_leftovers "$before"
done_testing
