#!/bin/bash
# Login records: sshd and login write utmp, wtmp and lastlog from root code
# after the session has opened, that is after joining the box, by path.
# With accounting (the default) those paths in the box are the host's own
# files, so the host's who, last and lastlog list confined logins; the user
# only gets what the host gives (read), and cannot unmount them.
# Here "the host" is the test namespace: /run and /var/log are private
# tmpfs (private_run_and_logs), so the real host's files are never touched.
# Run against the code before accounting (7e1420e), the record checks
# fail (the records went to the box's read-only rootfs, or nowhere); the
# accounting = false case at the end shows the same with this code.
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
ssh_setup
for tool in tmux utmpdump last lastlog login; do
	command -v $tool >/dev/null || skip_all "$tool is not installed"
done
getent group utmp >/dev/null || skip_all "the host has no utmp group"

# As on a Debian host: root:utmp, 0664 (btmp 0660).
chgrp utmp /run/utmp /var/log/wtmp /var/log/btmp /var/log/lastlog
chmod 0664 /run/utmp /var/log/wtmp /var/log/lastlog
chmod 0660 /var/log/btmp

# An uid of its own: pgrep -u must see only this test's sessions.
add_user alice 62471
ssh_authorize alice
make_box alice
# sshd's monitor looks the user up after joining (login_init_entry).
grep '^alice:' /etc/passwd >>"$T/boxes/alice/etc/passwd"
conf() {
	write_conf <<EOF
syslog_socket = true
rule main {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "%h" }
	$1
}
EOF
}
conf ""
before=$(host_state)
sshd_start

. "$(dirname "$0")/../lib/tmux.sh"
# The utmp records of alice in FILE: "TYPE LINE" per record.
records() {
	utmpdump "$1" 2>/dev/null | awk -F'] \\[' '$4 ~ /^alice / {
		gsub(/^\[/, "", $1); gsub(/ +$/, "", $5); print $1, $5 }'
}
ssh_pty() {
	tmux -S "$TMUX_SOCK" new-session -d -s "$1" -x 160 -y 40 \
		"ssh ${SSH_OPTS[*]} -tt -i $SSH_DIR/id -p $PORT alice@127.0.0.1; sleep 60"
	wait_screen '\$ *$' "$1"
}
session_gone() {
	wait_until 10 eval '[ "$(pgrep -u 62471 | wc -l)" = 0 ]'
}

# --- ssh on a pty -------------------------------------------------------------
ssh_pty s1
ok $? "ssh -tt: a shell prompt in the box" || diag "$(tail -n 30 "$T/syslog")"
tmux -S "$TMUX_SOCK" send-keys -t s1 'echo "LINE=$(tty)"' Enter
wait_screen '^LINE=/dev/pts/' s1
line=$(screen s1 | grep -Eo '^LINE=/dev/pts/[0-9]+' | tail -n 1)
line=${line#LINE=/dev/}
like "ssh -tt: a terminal of the box's devpts" "$line" "^pts/[0-9]+$"
like "while open: the host's utmp has the confined ssh login" "$(records /run/utmp)" "^7 $line$"
like "while open: the host's who lists it" "$(who /run/utmp)" "^alice +$line "

# In the box, as the user: the same files, readable, not writable, not
# unmountable.
sums=$(md5sum /run/utmp /var/log/wtmp /var/log/lastlog)
out=$(ssh_as alice 'who; for f in /run/utmp /var/log/wtmp /var/log/lastlog; do
	stat -c "%n %u:%g %a" $f; echo x >>$f && echo "WROTE $f"; umount $f && echo "UNMOUNTED $f"
	done; grep -cE " /(run/utmp|var/log/wtmp|var/log/lastlog) " /proc/self/mountinfo' 2>&1)
like "in the box: who lists the login (the host's utmp)" "$out" "^alice +$line "
utmp_gid=$(getent group utmp | cut -d: -f3)
like "in the box: /run/utmp is the host's (root:utmp 0664)" "$out" "^/run/utmp 0:$utmp_gid 664$"
like "in the box: /var/log/wtmp is the host's" "$out" "^/var/log/wtmp 0:$utmp_gid 664$"
like "in the box: /var/log/lastlog is the host's" "$out" "^/var/log/lastlog 0:$utmp_gid 664$"
unlike "in the box: the user cannot write them" "$out" "WROTE"
is "... each refused with EACCES" "$(grep -c 'Permission denied' <<<"$out")" "3"
unlike "in the box: the user cannot unmount them" "$out" "UNMOUNTED"
like "... and all three are still mounted" "$out" "^3$"
is "the user's writes did not reach the host's files" \
	"$(md5sum /run/utmp /var/log/wtmp /var/log/lastlog)" "$sums"

tmux -S "$TMUX_SOCK" send-keys -t s1 'exit' Enter
session_gone
ok $? "ssh -tt: the session ends"
# logout(3) marks the entry dead and clears its user name.
dead() { utmpdump /run/utmp 2>/dev/null | grep -Eq "^\[8\] .*\[$1 *\]"; }
wait_until 5 dead "$line"
ok $? "after logout: the utmp entry of $line is dead"
unlike "... and alice is no longer in the host's utmp" "$(records /run/utmp)" "^7 "
like "after logout: the host's last lists the login" "$(last -w -f /var/log/wtmp alice)" \
	"^alice +$line +127\.0\.0\.1 .*(- |gone)"
like "the host's lastlog has it" "$(lastlog -u alice)" "^alice +$line +127\.0\.0\.1 "

# --- login -f on a pty ----------------------------------------------------------
# shadow's login writes utmp itself, after the session opened (in the box);
# built with PAM it leaves wtmp and lastlog to pam_lastlog, which Debian's
# /etc/pam.d/login runs before common-session, that is on the host.
HOOK="session	optional	pam_lastlog.so" write_service login "$MODULE_ARGS"
: >/var/log/wtmp
tmux -S "$TMUX_SOCK" new-session -d -s l1 -x 160 -y 40 "login -f alice; sleep 60"
wait_screen '\$ *$' l1
ok $? "login -f: a shell prompt"
tmux -S "$TMUX_SOCK" send-keys -t l1 'echo "HOST=$(hostname)"' Enter
wait_screen '^HOST=' l1
like "login -f: the shell is in the box" "$(screen l1)" "HOST=alice-box"
lline=$(tmux -S "$TMUX_SOCK" display -p -t l1 '#{pane_tty}')
lline=${lline#/dev/}
like "while open: the host's utmp has the confined login" "$(records /run/utmp)" "^7 $lline$"
tmux -S "$TMUX_SOCK" send-keys -t l1 'exit' Enter
session_gone
ok $? "login -f: the session ends"
like "after logout: the host's last lists the login -f session" \
	"$(last -w -f /var/log/wtmp alice)" "^alice +$lline "

# --- accounting = false: the records stay out of the host's files ---------------
conf "accounting = false"
: >/var/log/wtmp
ssh_pty s2
ok $? "accounting = false: ssh -tt still logs in"
out=$(ssh_as alice 'grep -cE " /(run/utmp|var/log/wtmp|var/log/lastlog) " /proc/self/mountinfo' 2>&1)
is "accounting = false: none of the host's files is in the box" "$out" "0"
tmux -S "$TMUX_SOCK" send-keys -t s2 'exit' Enter
session_gone
is "accounting = false: the host's wtmp has no record" "$(last -w -f /var/log/wtmp alice | grep -c '^alice')" "0"

sshd_stop
no_leftovers "$before"
done_testing
