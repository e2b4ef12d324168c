#!/bin/bash
# sshd with pam_nsbox under bad configs, on_error = allow, logging with and
# without syslog_socket, and 20 concurrent logins.
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
ssh_setup

add_user alice 62001
ssh_authorize alice
for i in $(seq 10); do
	add_user "user$i" $((62100 + i))
	ssh_authorize "user$i"
done
make_box good
conf() { # conf ROOTFS [EXTRA-LINE]
	write_conf <<EOF
syslog_socket = ${SYSLOG_SOCKET:-true}
rule all {
	users = {"*"}
	rootfs = "$1"
	hostname = "%u-box"
	bind { source = "%h" }
	${2:-}
}
EOF
}
conf "$T/boxes/good"
before=$(host_state)
sshd_start

refused() { # refused WHAT 'log ERE'
	: >"$T/syslog"
	out=$(ssh_as alice 'echo LOGGED-IN; hostname' 2>&1)
	rc=$?
	ok $([ $rc -ne 0 ] && ! grep -q LOGGED-IN <<<"$out"; echo $?) "$1: the login is refused"
	log_has "$2"
	ok $? "$1: logged: $2"
	out=$(ssh_as user1 hostname 2>&1)
	conf "$T/boxes/good"
	out=$(ssh_as alice hostname 2>&1)
	is "$1: sshd stays up and serves the next login" "$out" "alice-box"
}

out=$(ssh_as alice hostname 2>&1)
is "the good config boxes alice" "$out" "alice-box"

conf "$T/boxes/good" "bogus = 1"
refused "a broken config" "user alice denied: /etc/nsbox.conf:7: no such option 'bogus'"
conf "$T/boxes/missing"
refused "a missing rootfs" "user alice denied rule=all: rootfs $T/boxes/missing: No such file or directory"
make_box writable
chown alice "$T/boxes/writable"
conf "$T/boxes/writable"
refused "a rootfs the user owns" "$T/boxes/writable is owned by uid 62001, not root"
log_has "sshd\[[0-9]+\]: .*pam_open_session\(\)"
ok $? "sshd logs the refused session itself too"

conf "$T/boxes/missing" 'on_error = "allow"'
: >"$T/syslog"
out=$(ssh_as alice hostname 2>&1)
is "on_error = allow: the login lands unconfined, on the host" "$out" "$(hostname)"
log_has "user alice NOT boxed \(rule=all, on_error = allow\)"
ok $? "on_error = allow: with a warning in syslog"
conf "$T/boxes/good"

# --- logging after the join -------------------------------------------------
# sshd's session child lives in the box and logs through the box's /dev/log.
: >"$T/syslog"
ssh_as alice true
sleep 0.3
log_has "sshd\[[0-9]+\]: Disconnected from user alice"
ok $? "syslog_socket = true: sshd's lines from inside the box reach syslog"
[ $? = 0 ] || diag "$(cat "$T/syslog")"
log_has "pam_unix\(sshd:session\): session closed for user alice"
ok $? "pam_unix closes on the host, after the leave entry restored the namespaces"
SYSLOG_SOCKET=false conf "$T/boxes/good"
: >"$T/syslog"
ssh_as alice true
sleep 1
# pam_unix closes after the leave line took sshd's monitor out of the box.
log_has "pam_unix\(sshd:session\): session closed for user alice"
ok $? "syslog_socket = false: lines from the host still arrive"
ok $(! grep -aq "Disconnected from user alice" "$T/syslog"; echo $?) \
	"syslog_socket = false: sshd's lines from inside the box are lost (documented)"
conf "$T/boxes/good"

# --- 20 concurrent logins: 10 users, two sessions each -------------------------
pids=""
for i in $(seq 10); do
	for s in a b; do
		ssh_as "user$i" 'hostname; readlink /proc/self/ns/pid; sleep 1' >"$T/c-$i-$s" 2>&1 &
		pids="$pids $!"
	done
done
wait $pids
failures=0
for i in $(seq 10); do
	for s in a b; do
		[ "$(head -n 1 "$T/c-$i-$s")" = "user$i-box" ] || failures=$((failures + 1))
	done
done
is "20 concurrent logins: every one confined" "$failures" "0"
is "20 concurrent logins: 20 separate boxes" "$(cat "$T"/c-* | grep -c 'pid:' )/$(cat "$T"/c-* | grep 'pid:' | sort -u | wc -l)" "20/20"

sshd_stop
no_leftovers "$before"
done_testing
