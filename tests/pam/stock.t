#!/bin/bash
# Debian's stock /etc/pam.d/sshd, login and su-l (as openssh-server, login
# and util-linux ship them, with the host's common-*), nsbox enabled exactly
# as README.md tells admins (ssh_setup runs README's pam-edit block), the
# release module and /etc/nsbox.conf (release_setup). Every session module
# but pam_nsbox must run on the host: host and box get different
# limits.conf, /etc/environment and /etc/motd, and confined sessions of
# sshd, su -l and login must show the host's. A control places the lines
# as the pam-auth-update profiles do (inside common-session) and sees the
# box's files: the probes do detect a module that runs in the box.
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
ssh_setup
command -v tmux >/dev/null || skip_all "tmux is not installed"

add_user alice 62001
ssh_authorize alice
make_box alice
box=$T/boxes/alice
# sshd (pty sessions) and login look the user up after the join.
grep '^alice:' /etc/passwd >>"$box/etc/passwd"
mkdir -p "$box/etc/security"
echo 'alice - nofile 1234' >"$box/etc/security/limits.conf"
echo 'NSBOX_WHERE=box' >"$box/etc/environment"
: >"$box/etc/security/pam_env.conf" # pam_env reads the environment file only after it
echo 'BOX-MOTD-MARK' >"$box/etc/motd"
# The host's files, in this namespace only: its own content plus a mark.
for f in security/limits.conf environment motd; do
	copy=$T/host-${f##*/}
	cp /etc/$f "$copy"
	mount --bind "$copy" "/etc/$f"
done
echo 'alice - nofile 4321' >>"$T/host-limits.conf"
echo 'NSBOX_WHERE=host' >>"$T/host-environment"
echo 'HOST-MOTD-MARK' >"$T/host-motd"
write_conf <<EOF
syslog_socket = true
rule stock {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "%h" }
}
EOF
PROBE='echo "nofile=$(ulimit -n) where=$NSBOX_WHERE host=$(hostname)"'
HOST_PROBE="nofile=4321 where=host host=alice-box"
before=$(host_state)

# --- nsbox check on the stock files, before and after README's edit --------
out=$("$NSBOX" check -p "$T/host-pam.d" 2>&1)
rc=$?
is "nsbox check on the stock pam.d (no pam_nsbox): silent" "$out" ""
is "nsbox check on the stock pam.d: exit status 0" "$rc" 0
out=$("$NSBOX" check 2>&1)
rc=$?
is "nsbox check after README's edit of sshd, login, su-l: silent" "$out" ""
is "nsbox check after README's edit: exit status 0" "$rc" 0
like "README's edit: the leave line is sshd's first session line" \
	"$(grep -m 1 -E '^(session|@include common-session)' /etc/pam.d/sshd)" \
	'^session optional pam_nsbox.so leave$'
is "README's edit: the confining line is sshd's last line" "$(tail -n 1 /etc/pam.d/sshd)" \
	"session required pam_nsbox.so pty=su,su-l"

# What the pam-auth-update profiles make of common-session: the leave line
# first in the "Additional" block (Priority 1024), the confining line last
# (Session-Final).
mkdir "$T/profiles"
cp "$T"/host-pam.d/* "$T/profiles/"
sed -i -e '/^# and here are more per-package modules/a session\toptional\tpam_nsbox.so leave' \
	-e '/^# end of pam-auth-update config/i session\trequired\tpam_nsbox.so' \
	"$T/profiles/common-session"
out=$("$NSBOX" check -p "$T/profiles" 2>&1)
rc=$?
is "nsbox check with the profiles' placement: warnings only, exit status 0" "$rc" 0
limits_line=$(grep -n pam_limits "$T/profiles/sshd" | cut -d: -f1)
like "it warns that sshd's pam_limits runs in the box, naming file and line" "$out" \
	"^nsbox: warning: $T/profiles/sshd:$limits_line: service sshd: pam_limits.so runs inside the box: it comes after the confining pam_nsbox.so at $T/profiles/common-session:[0-9]+"
like "it warns that sshd's pam_loginuid closes in the box" "$out" \
	"warning: $T/profiles/sshd:[0-9]+: service sshd: pam_loginuid.so closes inside the box"
like "it warns that su-l's pam_keyinit closes in the box" "$out" \
	"warning: $T/profiles/su-l:[0-9]+: service su-l: pam_keyinit.so closes inside the box"
like "it warns that login's pam_env closes in the box" "$out" \
	"warning: $T/profiles/login:[0-9]+: service login: pam_env.so closes inside the box"
unlike "no warning for services whose stack has no pam_nsbox (runuser)" "$out" "service runuser"

# --- sshd -------------------------------------------------------------------
sshd_start
out=$(ssh_as alice "$PROBE" 2>&1)
is "sshd: pam_limits read the host's limits.conf, pam_env its /etc/environment" "$out" "$HOST_PROBE"
# sshd shows pam_motd's text to interactive logins only: a shell on a pty,
# fed from a pipe.
out=$(printf 'echo END-$((6*7))\nexit\n' |
	ssh "${SSH_OPTS[@]}" -tt -i "$SSH_DIR/id" -p "$PORT" alice@127.0.0.1 2>&1)
like "sshd: the login shell ran in the box" "$out" "END-42"
like "sshd: pam_motd shows the host's /etc/motd" "$out" "HOST-MOTD-MARK"
unlike "sshd: not the box's" "$out" "BOX-MOTD-MARK"
if [ -x /etc/update-motd.d/10-uname ]; then
	like "sshd: pam_motd ran the host's update-motd.d on the host (uname names the host)" \
		"$out" "Linux $(hostname) "
	unlike "sshd: not in the box" "$out" "Linux alice-box"
fi

# --- su -l ------------------------------------------------------------------
out=$(su -l alice -c "$PROBE" 2>&1)
is "su -l: pam_limits and pam_env read the host's files, the shell is boxed" "$out" "$HOST_PROBE"
log_has "pam_nsbox\(su-l:session\): user alice boxed rule=stock"
ok $? "su -l: boxed through the stock su-l"

# --- login -f on a pty ------------------------------------------------------
. "$(dirname "$0")/../lib/tmux.sh"
tmux -S "$TMUX_SOCK" new-session -d -x 160 -y 40 "${SAN_ENV[*]} /bin/login -f alice; sleep 60"
wait_screen '\$ *$'
ok $? "login -f alice: a shell prompt appears"
tmux -S "$TMUX_SOCK" send-keys "$PROBE" Enter
wait_screen '^nofile=.* host='
ok $? "login: the probe runs"
is "login: pam_limits and pam_env read the host's files, the shell is boxed" \
	"$(screen | grep -E '^nofile=' | tail -n 1)" "$HOST_PROBE"
like "login: pam_motd showed the host's /etc/motd" "$(screen)" "HOST-MOTD-MARK"
unlike "login: not the box's" "$(screen)" "BOX-MOTD-MARK"
log_has "pam_nsbox\(login:session\): user alice boxed rule=stock"
ok $? "login: boxed through the stock login"
# Other suites may run processes as uid 62001 at the same time: follow
# this login's own processes (under the tmux pane) and its box init.
pane=$(tmux -S "$TMUX_SOCK" display-message -p '#{pane_pid}')
init=$(grep -ao 'pam_nsbox(login:session): user alice boxed rule=stock .* pid=[0-9]*' "$T/syslog" |
	tail -n 1 | sed 's/.*pid=//')
tmux -S "$TMUX_SOCK" send-keys 'exit' Enter
alive() { [ -n "$1" ] && ps -o stat= -p "$1" 2>/dev/null | grep -qv Z; }
wait_until 10 eval '! pgrep -x login -P "$pane" >/dev/null && ! alive "$init"'
ok $(! pgrep -x login -P "$pane" >/dev/null && [ -n "$init" ] && ! alive "$init"; echo $?) \
	"login: exit ends the session and its box"

# --- plain su too, as README says: su gets both lines, su-l only leave ------
cp "$T/host-pam.d/su" "$T/host-pam.d/su-l" "$T/pam.d/"
sed -i '0,/^session/s//session optional pam_nsbox.so leave\n&/' "$T/pam.d/su" "$T/pam.d/su-l"
echo 'session required pam_nsbox.so' >>"$T/pam.d/su"
out=$("$NSBOX" check 2>&1)
is "su and su-l as README says: nsbox check is silent" "$out" ""
is "su: boxed" "$(su alice -s /bin/sh -c hostname 2>&1)" alice-box
is "su -l: boxed (through su's confining line)" "$(su -l alice -c "$PROBE" 2>&1)" "$HOST_PROBE"
# The mistake README warns about: the confining line in both files.
echo 'session required pam_nsbox.so' >>"$T/pam.d/su-l"
out=$("$NSBOX" check 2>&1)
like "both su and su-l confining: nsbox check names the second line" "$out" \
	"warning: /etc/pam.d/su-l:[0-9]+: service su-l: a second confining pam_nsbox.so \(the first is /etc/pam.d/su:[0-9]+\)"
out=$(su -l alice -c 'echo IN' 2>&1)
unlike "both confining: su -l is refused, as the warning says" "$out" "^IN$"
log_has "pam_nsbox\(su-l:session\): user alice denied: a session is already open in this PAM handle"
ok $? "both confining: the second line refused it"
cp "$T/host-pam.d/su" "$T/pam.d/su"
cp "$T/host-pam.d/su-l" "$T/pam.d/su-l"

# --- control: the profiles' placement puts the modules in the box -------------
cp "$T"/profiles/* "$T/pam.d/"
out=$(ssh_as alice "$PROBE" 2>&1)
is "control (profiles' placement): sshd's pam_limits and pam_env read the box's files" \
	"$out" "nofile=1234 where=box host=alice-box"

sshd_stop
no_leftovers "$before"
done_testing
