#!/bin/bash
# The terminal and files of whoever ran su never enter the box (pam_nsbox's
# "pty" argument, pam_module/relay.c). Root runs an interactive `su -l alice`
# (no --pty) on its own pty, driven through tmux; alice tries to keep, pass
# and read that terminal; nothing root types after su returns may reach her.
# Then the same session must still be usable: prompt, job control, ^C,
# resize, exit status, root's terminal settings unchanged.
#
# Every attack below was checked to fail on the code before the relay (the
# module built without calling relay_fork/relay_attach): the stolen fds were
# root's /dev/pts/N of the host, /dev/tty opened it, `tty` said "not a tty",
# and the ftruncate emptied root's log.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
command -v tmux >/dev/null || skip_all "tmux is not installed"
THIEF=$TOP/build/tools/ttythief
[ -x "$THIEF" ] || { echo "Bail out! $THIEF is not built (make units)"; exit 1; }

add_user alice 62001
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
before=$(host_state)
H=$T/home/alice

# Another box of alice's, open all along: where a stolen fd would go.
rm -f "$H/sock" "$H/stolen"
"$DRIVER" -c "/usr/local/bin/ttythief serve $H/sock $H/stolen" nsbox-test alice >/dev/null 2>&1 &
THIEF_SESSION=$!
at_exit "kill $THIEF_SESSION 2>/dev/null"
wait_until 10 test -S "$H/sock"
ok $? "alice's other box listens on a socket in her home"

# --- root's shell on a pty ----------------------------------------------------
. "$(dirname "$0")/../lib/tmux.sh"
tmux -S "$TMUX_SOCK" new-session -d -x 160 -y 40 "env PS1='ROOT# ' bash --norc --noprofile"
keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
# The last line of the screen matching ERE.
last() { screen | grep -aE -- "$1" | tail -n 1; }
wait_screen '^ROOT# $'
ROOT_TTY=$(tmux -S "$TMUX_SOCK" display -p '#{pane_tty}')
ROOT_SHELL=$(tmux -S "$TMUX_SOCK" display -p '#{pane_pid}')
# As ttythief logs it: the device numbers and the devpts instance.
ROOT_DEV=$(stat -L -c '%t:%T %d' "$ROOT_TTY")
ROOT_DEV="rdev=$((16#${ROOT_DEV%%:*})):$((16#$(cut -d' ' -f1 <<<"${ROOT_DEV#*:}"))) dev=${ROOT_DEV#* }"
keys "stty -g >$T/stty.before; clear" Enter
wait_screen '^ROOT# $'

keys "$SU_CMD -l alice" Enter
wait_screen '\$ $'
ok $? "su -l alice (no --pty): alice's prompt appears"

# --- what alice's session holds -----------------------------------------------------
keys 'echo "TTY=$(tty) FD0=$(readlink /proc/self/fd/0) DEV0=$(stat -L -c %d /proc/self/fd/0) DEVPTS=$(stat -c %d /dev/pts/ptmx)"' Enter
wait_screen '^TTY=.*DEVPTS=[0-9]+$'
line=$(last '^TTY=')
like "tty names a terminal of the box ($line)" "$line" "^TTY=/dev/pts/[0-9]+ "
like "fd 0 is that terminal" "$line" "FD0=/dev/pts/[0-9]+ "
ok $([[ "$line" =~ DEV0=([0-9]+)\ DEVPTS=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; echo $?) \
	"fd 0 is on the box's devpts, not the host's"
# alice hands her fds 0-2 and /dev/tty to her other box.
keys "/usr/local/bin/ttythief give $H/sock" Enter
wait_screen '^GAVE [0-9] fds'
ok $? "the fds went over the socket (the attempt itself works)"
wait_until 10 grep -q '^got ' "$H/stolen"
stolen_devs=$(grep -o 'rdev=.*' "$H/stolen" | sort -u | tr '\n' ' ')
unlike "none of the passed fds is root's terminal ($ROOT_TTY is $ROOT_DEV; got $stolen_devs)" \
	"$stolen_devs" "$ROOT_DEV( |$)"

# --- the relay -----------------------------------------------------------------------
RELAY=$(pgrep -P "$ROOT_SHELL" -x su | head -n 1)
ok $([ -n "$RELAY" ]; echo $?) "the process root's shell waits on is there (pid ${RELAY:-none})"
if [ -n "$RELAY" ]; then
	is "the relay runs as root (real, effective, saved uid)" \
		"$(awk '/^Uid:/ {print $2, $3, $4}' "/proc/$RELAY/status")" "0 0 0"
	init=$(box_inits | head -n 1)
	ok $([ -n "$init" ] && [ "$(readlink "/proc/$RELAY/ns/pid")" != "$(readlink "/proc/$init/ns/pid")" ]; echo $?) \
		"the relay is outside the box's PID namespace"
	is "the relay holds root's terminal" "$(readlink "/proc/$RELAY/fd/0")" "$ROOT_TTY"
	out=$(setpriv --reuid 62001 --regid 62001 --clear-groups kill -0 "$RELAY" 2>&1)
	like "alice cannot signal the relay (kill -0: $out)" "$out" "not permitted"
	out=$(setpriv --reuid 62001 --regid 62001 --clear-groups "$THIEF" ptrace "$RELAY" 2>&1)
	is "alice cannot ptrace the relay" "$out" "ptrace: EPERM"
fi

# --- an interactive session as with su --pty -------------------------------------------
keys 'stty size' Enter
wait_screen '^40 160$'
ok $? "stty size is the terminal's (40 160)"
# /dev/tty is the session's terminal: a size set through it is fd 0's
# (which is on the box's devpts, above).
keys 'clear; /usr/local/bin/ttythief ctty-size 33 99 && echo "CTTY=$(stty size)"' Enter
wait_screen '^CTTY='
is "/dev/tty opens the session's own pty" "$(last '^CTTY=')" "CTTY=33 99"
tmux -S "$TMUX_SOCK" resize-window -x 100 -y 30
keys 'clear; stty size' Enter
wait_screen '^30 100$'
ok $? "a resize reaches the session (30 100)"

keys 'sleep 1000' Enter
wait_until 10 pgrep -u 62001 -x sleep
keys C-c
keys 'echo "RC=$?"' Enter
wait_screen '^RC=130$'
ok $? "^C interrupts the foreground job (status 130)"

keys 'sleep 1001' Enter
wait_until 10 pgrep -u 62001 -f 'sleep 1001'
keys C-z
wait_screen 'Stopped'
ok $? "^Z stops the foreground job"
keys 'fg' Enter
wait_until 10 eval '[ "$(ps -o stat= -p "$(pgrep -u 62001 -f "sleep 1001")")" != T ]'
ok $? "fg continues it"
keys C-c
keys 'echo "FG=$?"' Enter
wait_screen '^FG=130$'
ok $? "... and ^C ends it"

# The session stops (its shell stops su's watching parent): the relay stops
# too, with root's terminal as it was, and fg brings the session back.
keys 'kill -STOP $$' Enter
wait_screen '^ROOT# $'
ok $? "a stopped session gives root's shell its prompt back"
keys "clear; stty -g >$T/stty.stopped; jobs" Enter
wait_screen 'Stopped'
is "... with root's terminal settings back" "$(cat "$T/stty.stopped")" "$(cat "$T/stty.before")"
keys 'clear; fg' Enter
keys 'echo "BACK=$((2+3))"' Enter
wait_screen '^BACK=5$'
ok $? "fg: the session runs again"

keys 'exit 7' Enter
wait_screen '^ROOT# $'
keys 'echo "SU_RC=$?"' Enter
wait_screen '^SU_RC=7$'
ok $? "su returns the session's exit status (7)"
keys "stty -g >$T/stty.after" Enter
wait_until 10 test -s "$T/stty.after"
is "root's terminal settings are byte-identical afterwards" "$(cat "$T/stty.after")" "$(cat "$T/stty.before")"

# Root types on; the other box still holds whatever it was given, and
# starts reading it now.
: >"$H/stolen.go"
wait_until 10 grep -q '^reading' "$H/stolen"
# Typed ahead while root's shell runs sleep, the line waits in the
# terminal's queue, where any other reader of that terminal would take it.
keys 'sleep 2; echo "SLEPT"' Enter
wait_until 10 pgrep -P "$ROOT_SHELL" -x sleep
keys 'echo "SECRET-$((6*7))-TYPED"' Enter
wait_screen '^SECRET-42-TYPED$'
ok $? "root's shell gets what root typed ahead"
unlike "nothing root typed after su reached alice's other box" "$(cat "$H/stolen")" "SECRET|6\*7"
ok $([ -z "$(pgrep -P "$ROOT_SHELL")" ]; echo $?) "su and its relay are gone"

# In the background, su runs on (the relay leaves the terminal alone until
# its job is in the foreground, instead of being stopped by SIGTTOU).
keys "clear; $SU_CMD -l alice -c 'echo BG-\$((3*3))' & wait; echo BGRC=\$?" Enter
wait_screen '^BGRC=0$'
ok $? "su -c CMD & runs to its end (status 0)"
like "... and its output shows" "$(screen)" "^BG-9"

# On a terminal with stdout a host file: the terminal fds get the box's
# pty, the file a pipe the relay copies into it.
keys "clear; $SU_CMD -l alice -c 'echo \"IN=\$(stat -L -c %d /proc/self/fd/0) PTS=\$(stat -c %d /dev/pts/ptmx) OUT=\$(readlink /proc/self/fd/1)\" >&2; /usr/local/bin/ttythief ftruncate 1; echo written' >$T/mixed.log; echo MIXED_RC=\$?" Enter
wait_screen '^MIXED_RC='
line=$(last '^IN=')
ok $([[ "$line" =~ IN=([0-9]+)\ PTS=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; echo $?) \
	"su -c CMD >file on a terminal: fd 0 is the box's pty ($line)"
like "... fd 1 is a pipe, not the host file" "$line" "OUT=pipe:"
unlike "... which the box cannot truncate" "$(screen)" "TRUNCATED"
is "... and the output arrives in the file" "$(cat "$T/mixed.log")" "written"

# --- fds that are host files -------------------------------------------------------------
echo "precious" >"$T/host.log"
$SU_CMD -l alice -c 'readlink /proc/self/fd/1 >&2; /usr/local/bin/ttythief ftruncate 1; echo appended' \
	>>"$T/host.log" 2>"$T/err.log"
is "su -l -c CMD >>file: the output arrives" "$(cat "$T/host.log")" "precious
appended"
like "the box holds a pipe, not the host file" "$(cat "$T/err.log")" "^pipe:"
unlike "... which it cannot truncate" "$(cat "$T/err.log")" "TRUNCATED"
out=$(printf 'one\ntwo\n' | $SU_CMD -l alice -c 'cat; exit 3')
is "su -l -c CMD <pipe: the input arrives, exit status too" "$out/$?" "one
two/3"

# runuser -l (service runuser-l, in pty=...) on a terminal: the same relay.
write_service runuser-l "$MODULE_ARGS"
pty_cmd='echo "dev0=$(stat -L -c %d /proc/self/fd/0) devpts=$(stat -c %d /dev/pts/ptmx)"'
out=$(script -qec "runuser -l alice -c '$pty_cmd'" /dev/null 2>&1 | tr -d '\r')
ok $([[ "$out" =~ dev0=([0-9]+)\ devpts=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; echo $?) \
	"runuser -l: the session's terminal is in the box's devpts ($out)"

kill "$THIEF_SESSION" 2>/dev/null
wait "$THIEF_SESSION" 2>/dev/null
tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
settle "$before"
no_leftovers "$before"
done_testing
