#!/bin/bash
# Real OpenSSH logins through a test sshd whose PAM stack ends with
# pam_nsbox: commands, an interactive pty, exit status, sftp, scp, logout.
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
ssh_setup

add_user alice 62001
add_user bob 62002
for u in alice bob; do ssh_authorize $u; done
box_with_openssh alice
# scp and sftp-server look the user up: the box's passwd must list alice.
grep '^alice:' /etc/passwd >>"$T/boxes/alice/etc/passwd"
echo "rootfs marker" >"$T/boxes/alice/etc/box-marker"
echo "host secret" >"$T/host-marker"
chmod 0644 "$T/host-marker"
write_conf <<EOF
syslog_socket = true
rule ssh_users {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind {
		source = "%h"
	}
}
EOF
before=$(host_state)
sshd_start

# --- commands -------------------------------------------------------------
# (/proc/1/cmdline reads empty while box init executes nsbox-init: read
# again then.)
out=$(ssh_as alice 'hostname; id -u; ps -o pid,args; c=; for i in 1 2 3 4 5 6 7 8 9 10; do c=$(tr "\0" " " </proc/1/cmdline); [ -n "$c" ] && break; sleep 0.05; done; echo "init=$c"; cat /etc/box-marker; cat '"$T"'/host-marker; true' 2>&1)
ok $? "ssh alice runs a command"
like "ssh: the box's hostname" "$out" "^alice-box$"
like "ssh: the user's uid" "$out" "^62001$"
# (In brackets if ps reads its cmdline while it executes nsbox-init.)
like "ssh: box init is PID 1" "$out" "^ +1 \\[?nsbox-init"
like "ssh: /proc/1/cmdline is box init" "$out" "^init=nsbox-init +$"
unlike "ssh: sshd's listener is not visible" "$out" "sshd -D"
like "ssh: / is the rootfs" "$out" "^rootfs marker$"
unlike "ssh: a host file outside the rootfs is invisible" "$out" "host secret"
log_has "pam_nsbox\(sshd:session\): user alice boxed rule=ssh_users rootfs=$T/boxes/alice pid=[0-9]+"
ok $? "ssh: the boxed session is logged"

ssh_as alice 'exit 7'
is "the exit status of a remote command comes back" "$?" "7"
ssh_as alice 'kill -TERM $$'
is "a remote command killed by a signal is reported by ssh" "$?" "255"

out=$(ssh_as bob 'hostname; echo "pid1=$(cat /proc/1/comm)"' 2>&1)
like "an unconfined user logs in on the host" "$out" "^$(hostname)$"
unlike "an unconfined user's PID 1 is the host's" "$out" "pid1=nsbox-init"

# --- an interactive pty, driven through tmux ------------------------------
. "$(dirname "$0")/../lib/tmux.sh"
tmux -S "$TMUX_SOCK" new-session -d -x 160 -y 40 \
	"ssh ${SSH_OPTS[*]} -tt -i $SSH_DIR/id -p $PORT alice@127.0.0.1; sleep 60"
wait_screen '\$ *$'
ok $? "ssh -tt: a shell prompt appears"
tmux -S "$TMUX_SOCK" send-keys 'echo "TTY=$(tty) HOST=$(hostname) SUM=$((6*7))"' Enter
wait_screen '^TTY=.* SUM=42'
ok $? "ssh -tt: typed commands run"
line=$(screen | grep -E '^TTY=' | tail -n 1)
like "ssh -tt: the terminal is in the box's devpts" "$line" "TTY=/dev/pts/[0-9]+ "
like "ssh -tt: the shell is in the box" "$line" "HOST=alice-box"
tmux -S "$TMUX_SOCK" send-keys 'exit' Enter
wait_until 10 eval '[ "$(pgrep -u 62001 -x sh | wc -l)" = 0 ]'
pty_procs=$(pgrep -u 62001 -x sh | wc -l)
is "ssh -tt: typing exit ends the session" "$pty_procs" "0"

# --- sftp (internal-sftp) and scp ---------------------------------------------
echo "uploaded by sftp" >"$T/up.txt"
out=$(sftp -b - "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1 2>&1 <<EOF
ls /
put $T/up.txt up.txt
get up.txt $T/down.txt
-get $T/host-marker $T/stolen.txt
EOF
)
ok $? "sftp (internal-sftp): a batch session runs"
like "sftp: / lists the rootfs" "$out" "/etc"
is "sftp: upload lands in the home bind" "$(cat "$T/home/alice/up.txt" 2>&1)" "uploaded by sftp"
is "sftp: download from the home bind" "$(cat "$T/down.txt" 2>&1)" "uploaded by sftp"
ok $([ ! -e "$T/stolen.txt" ]; echo $?) "sftp: a host file outside the rootfs is unreachable"

echo "uploaded by scp" >"$T/scp-up.txt"
scp -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" "$T/scp-up.txt" alice@127.0.0.1:scp-up.txt
ok $? "scp (sftp protocol): upload"
is "scp: the upload lands in the home bind" "$(cat "$T/home/alice/scp-up.txt" 2>&1)" "uploaded by scp"
scp -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1:scp-up.txt "$T/scp-down.txt"
ok $? "scp (sftp protocol): download"
scp -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" "alice@127.0.0.1:$T/host-marker" "$T/scp-stolen.txt" 2>/dev/null
ok $([ ! -e "$T/scp-stolen.txt" ]; echo $?) "scp: a host file outside the rootfs is unreachable"
echo "legacy scp" >"$T/legacy.txt"
scp -O -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" "$T/legacy.txt" alice@127.0.0.1:legacy.txt
ok $? "scp -O (legacy, runs scp inside the box): upload"
scp -O -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1:legacy.txt "$T/legacy-down.txt"
is "scp -O: download" "$(cat "$T/legacy-down.txt" 2>&1)" "legacy scp"

# --- sftp-server inside the box ---------------------------------------------
sshd_stop
sshd_start /usr/lib/openssh/sftp-server
out=$(sftp -b - "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1 2>&1 <<EOF
ls /
get up.txt $T/down2.txt
-get $T/host-marker $T/stolen2.txt
EOF
)
ok $? "sftp (sftp-server exec'd in the box): a batch session runs"
like "sftp-server: / lists the rootfs" "$out" "/etc"
is "sftp-server: download from the home bind" "$(cat "$T/down2.txt" 2>&1)" "uploaded by sftp"
ok $([ ! -e "$T/stolen2.txt" ]; echo $?) "sftp-server: a host file outside the rootfs is unreachable"

# --- logout ends everything ---------------------------------------------------
ssh_as alice 'sh -c "trap \"\" HUP; exec sleep 1001" </dev/null >/dev/null 2>&1 & setsid sleep 1002 </dev/null >/dev/null 2>&1 & (sleep 1003 </dev/null >/dev/null 2>&1 &); sleep 0.3; echo "running=$(ps -o args | grep -c "^sleep 100")"' >"$T/bg.out" 2>&1
like "logout: background, nohup-style and setsid processes were running" "$(cat "$T/bg.out")" "running=3"
wait_until 10 eval '[ "$(pgrep -f "sleep 100[1-3]" | wc -l)" = 0 ]'
is "logout: they are gone once the connection closed" "$(pgrep -f 'sleep 100[1-3]' | wc -l)" "0"

# --- logging through the box's /dev/log ---------------------------------------
log_has "pam_unix\(sshd:session\): session closed for user alice"
ok $? "pam_unix's close line reaches syslog"
log_has "sshd\[[0-9]+\]: Disconnected from user alice"
ok $? "syslog_socket = true: sshd's lines from inside the box reach syslog"

# --- sshd's session child (in the box) holds no fd of the host's tree ------------
ssh_as alice 'sleep 3' &
sleeper=$!
wait_until 10 pgrep -u 62001 -f '^sshd: alice'
child=$(pgrep -u 62001 -f '^sshd: alice' | head -n 1)
dirs=""
for fd in /proc/$child/fd/*; do
	[ -d "$fd" ] && dirs="$dirs $(readlink "$fd")"
done
ok $([ -n "$child" ] && [ -z "$dirs" ]; echo $?) \
	"sshd's child in the box has no directory fd (host / would be a way out):$dirs"
wait $sleeper

sshd_stop
sleep 0.3
no_leftovers "$before"
done_testing
