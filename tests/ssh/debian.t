#!/bin/bash
# The ssh suite's main cases on a real Debian rootfs (make debian-rootfs):
# a bash login on a pty, a command and its exit status, sftp through the
# box's own /usr/lib/openssh/sftp-server, scp both ways (sftp protocol, and
# scp -O, which runs the box's scp), and nothing left at logout. / is
# rshared (root.sh), as on a systemd host. SKIPs, with the reason, when the
# Debian rootfs could not be built (no archive).
# On the helper before f92ebf6 (cloned trees kept their shared propagation)
# every login here is refused (pivot_root: EINVAL) and 20 cases fail; with
# NSBOX_TEST_PROPAGATION=private that helper passes them all.
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/../lib/debian.sh"
debian_setup
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
ssh_setup

add_user alice 62011 /bin/bash
add_user bob 62012 /bin/bash
for u in alice bob; do ssh_authorize $u; done
# Only this test's boxes count in no_leftovers (common.sh).
BOX_UIDS="62011 62012"
debian_box debian alice
echo "host secret" >"$T/host-marker"
chmod 0644 "$T/host-marker"
write_conf <<EOC
syslog_socket = true
rule debian_users {
	users = {"alice"}
	rootfs = "$T/boxes/debian"
	hostname = "%u-box"
	bind {
		source = "%h"
	}
}
EOC
ok_cmd "nsbox check accepts the Debian rootfs for alice" "$NSBOX" check -f "$CONF" -u alice
before=$(host_state)
sshd_start /usr/lib/openssh/sftp-server

# --- a command, its exit status -------------------------------------------------
out=$(ssh_as alice 'echo "shell=$0"; hostname; id -u; ps -e -o pid=,args=; cat /etc/debian_version; cat '"$T"'/host-marker; true' 2>&1)
ok $? "ssh alice runs a command in the Debian box"
like "the command runs under the box's bash" "$out" "^shell=bash$"
like "the box's hostname" "$out" "^alice-box$"
like "the user's uid" "$out" "^62011$"
like "the box's ps (procps): PID 1 is nsbox-init" "$out" "^ +1 nsbox-init *$"
unlike "the host's processes (sshd's listener) are not in the box" "$out" "sshd -D|/usr/sbin/sshd"
like "/ is the Debian rootfs" "$out" "^12\.[0-9]+$"
unlike "a host file outside the rootfs is invisible" "$out" "host secret"
log_has "pam_nsbox\(sshd:session\): user alice boxed rule=debian_users rootfs=$T/boxes/debian pid=[0-9]+"
ok $? "the boxed session is logged"
ssh_as alice 'exit 7'
is "the exit status of a remote command comes back" "$?" "7"
out=$(ssh_as bob 'hostname; cat /proc/1/comm' 2>&1)
like "an unconfined user logs in on the host" "$out" "^$(hostname)$"
unlike "an unconfined user's PID 1 is the host's" "$out" "nsbox-init"

# --- a bash login on a pty, through tmux ------------------------------------------
SCREEN_TRIES=150
. "$(dirname "$0")/../lib/tmux.sh"
tmux -S "$TMUX_SOCK" new-session -d -x 160 -y 40 \
	"ssh ${SSH_OPTS[*]} -tt -i $SSH_DIR/id -p $PORT alice@127.0.0.1; sleep 60"
# Debian's /etc/bash.bashrc prompt: user@host:cwd$
wait_screen '^alice@alice-box:.*\$ *$'
ok $? "ssh -tt: Debian's bash prompt appears, with the box's hostname"
tmux -S "$TMUX_SOCK" send-keys 'echo "SH=$0 TTY=$(tty) PID1=$(cat /proc/1/comm) SUM=$((6*7))"; ps -o comm= -p $$' Enter
wait_screen '^SH=.* SUM=42'
ok $? "ssh -tt: typed commands run"
line=$(screen | grep -E '^SH=' | tail -n 1)
is "ssh -tt: a bash login shell, on the box's devpts, PID 1 is box init" \
	"$(echo "$line" | sed 's|/dev/pts/[0-9]*|/dev/pts/N|')" "SH=-bash TTY=/dev/pts/N PID1=nsbox-init SUM=42"
like "ssh -tt: ps shows bash" "$(screen)" "^bash *$"
tmux -S "$TMUX_SOCK" send-keys 'exit' Enter
wait_until 10 eval '[ "$(pgrep -u 62011 -x bash | wc -l)" = 0 ]'
is "ssh -tt: typing exit ends the session" "$(pgrep -u 62011 -x bash | wc -l)" "0"

# --- sftp: the box's /usr/lib/openssh/sftp-server -----------------------------------
echo "uploaded by sftp" >"$T/up.txt"
mkfifo "$T/sftp.in"
sftp -b "$T/sftp.in" "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1 >"$T/sftp.out" 2>&1 &
sftp_pid=$!
exec 7>"$T/sftp.in"
printf 'ls /\nput %s up.txt\n' "$T/up.txt" >&7
wait_until 20 pgrep -u 62011 -x sftp-server
server=$(pgrep -u 62011 -x sftp-server | head -n 1)
# The file it runs is the box's (same file system and inode as the
# rootfs's copy), not the host's, which lies at the same path.
is "sftp: the sftp-server running is the box's" \
	"$(stat -L -c %d:%i "/proc/$server/exe" 2>&1)" \
	"$(stat -c %d:%i "$T/boxes/debian/usr/lib/openssh/sftp-server")"
printf 'get up.txt %s\n-get %s %s\n' "$T/down.txt" "$T/host-marker" "$T/stolen.txt" >&7
exec 7>&-
wait $sftp_pid
ok $? "sftp: the batch session ends well"
like "sftp: / lists the Debian rootfs" "$(cat "$T/sftp.out")" "/usr"
is "sftp: the upload lands in the home bind" "$(cat "$T/home/alice/up.txt" 2>&1)" "uploaded by sftp"
is "sftp: download from the home bind" "$(cat "$T/down.txt" 2>&1)" "uploaded by sftp"
ok $([ ! -e "$T/stolen.txt" ]; echo $?) "sftp: a host file outside the rootfs is unreachable"

# --- scp: sftp protocol, and the box's scp with -O --------------------------------------
echo "uploaded by scp" >"$T/scp-up.txt"
scp -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" "$T/scp-up.txt" alice@127.0.0.1:scp-up.txt
ok $? "scp (sftp protocol): upload"
is "scp: the upload lands in the home bind" "$(cat "$T/home/alice/scp-up.txt" 2>&1)" "uploaded by scp"
scp -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1:scp-up.txt "$T/scp-down.txt"
is "scp (sftp protocol): download" "$(cat "$T/scp-down.txt" 2>&1)" "uploaded by scp"
echo "legacy scp" >"$T/legacy.txt"
scp -O -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" "$T/legacy.txt" alice@127.0.0.1:legacy.txt
ok $? "scp -O (the box's /usr/bin/scp): upload"
is "scp -O: the upload lands in the home bind" "$(cat "$T/home/alice/legacy.txt" 2>&1)" "legacy scp"
scp -O -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" alice@127.0.0.1:legacy.txt "$T/legacy-down.txt"
is "scp -O: download" "$(cat "$T/legacy-down.txt" 2>&1)" "legacy scp"
scp -O -q "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -P "$PORT" "alice@127.0.0.1:$T/host-marker" "$T/scp-stolen.txt" 2>/dev/null
ok $([ ! -e "$T/scp-stolen.txt" ]; echo $?) "scp -O: a host file outside the rootfs is unreachable"

# --- logout ends everything ------------------------------------------------------------
ssh_as alice 'sh -c "trap \"\" HUP; exec sleep 1001" </dev/null >/dev/null 2>&1 & setsid sleep 1002 </dev/null >/dev/null 2>&1 & (sleep 1003 </dev/null >/dev/null 2>&1 &); sleep 0.3; echo "running=$(ps -e -o args= | grep -c "^sleep 100")"' >"$T/bg.out" 2>&1
like "logout: background, nohup-style and setsid processes were running" "$(cat "$T/bg.out")" "running=3"
wait_until 10 eval '[ "$(pgrep -f "sleep 100[1-3]" | wc -l)" = 0 ]'
is "logout: they are gone once the connection closed" "$(pgrep -f 'sleep 100[1-3]' | wc -l)" "0"
log_has "pam_unix\(sshd:session\): session closed for user alice"
ok $? "pam_unix's close line reaches syslog"

sshd_stop
no_leftovers "$before"
done_testing
