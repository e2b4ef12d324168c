#!/bin/bash
# One regression test per class of bug that peers of nsbox shipped (the
# list in DESIGN.md), each named after the CVE it mirrors, with how nsbox
# prevents it.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
ATTACK=$TOP/build/tools/attack
TEST_HELPER=$TOP/build/tests/nsbox-pam-test

add_user alice 62001
make_box alice
install -D -m 0755 "$ATTACK" "$T/boxes/alice/usr/local/bin/attack"
conf() {
	write_conf <<EOF
syslog_socket = true
rule main {
	users = {"alice"}
	rootfs = "${ROOT:-$T/boxes/alice}"
	hostname = "%u-box"
	bind { source = "%h" }
	$1
}
EOF
}
conf ""
as_alice() { setpriv --reuid=alice --regid=alice --clear-groups -- "$@"; }
refused() { # refused WHAT 'log ERE'
	: >"$T/syslog"
	out=$(timeout 20 "$DRIVER" nsbox-test alice 2>&1)
	unlike "$1: the login is refused" "$out" "^open=0 "
	log_has "$2"
	ok $? "$1: logged: $2"
}
before=$(host_state)

# firejail CVE-2021-26910: a root-run mount followed a symlink the user
# planted at the mount target. nsbox opens targets with openat2
# RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS and mounts on that fd.
as_alice ln -s /etc "$T/home/alice/data"
conf 'bind { source = "/usr/share" target = "%h/data" readonly = true }'
refused "firejail CVE-2021-26910 (symlink at a mount target)" "mount point .*/home/alice/data: a symlink is in the way"
rm -f "$T/home/alice/data"

# pam_namespace CVE-2025-6020: root walked user-owned path components and
# followed the user's symlinks. nsbox walks bind sources on the host one
# O_NOFOLLOW component at a time and follows root-owned symlinks only.
as_alice ln -s /root "$T/home/alice/share"
conf 'bind { source = "%h/share" target = "/share" }'
refused "pam_namespace CVE-2025-6020 (user symlink in a root-walked path)" "$T/home/alice/share is a symlink owned by uid 62001"
rm -f "$T/home/alice/share"
conf ""

# pam_namespace CVE-2010-3853: the privileged helper inherited the
# environment (LD_PRELOAD, GCONV_PATH...). nsbox starts its helper with an
# empty environment.
write_service nsbox-test "helper=$TEST_HELPER config=$CONF test_pause=helper"
: >"$T/syslog"
env LD_PRELOAD="${SAN_LIB:+$SAN_LIB }$TOP/build/tools/evil.so" EVIL_MARK="$T/evil-ran" \
	GCONV_PATH=/tmp/evil LD_LIBRARY_PATH=/tmp/evil "$DRIVER" nsbox-test alice >/dev/null 2>&1 &
drv=$!
disown $drv
if wait_paused helper; then
	is "pam_namespace CVE-2010-3853 (environment into privileged code): the helper's environment is empty" \
		"$(tr '\0' '\n' <"/proc/$PAUSED/environ" | grep -c .)" "0"
	kill -USR1 "$PAUSED"
else
	ok 1 "pam_namespace CVE-2010-3853: the helper did not pause"
fi
for _ in $(seq 50); do kill -0 $drv 2>/dev/null || break; sleep 0.1; done
unlike "pam_namespace CVE-2010-3853: LD_PRELOAD reached the application only, not nsbox" \
	"$(cat "$T/evil-ran" 2>/dev/null)" "nsbox"
like "... (the preload did run in the application, so the probe works)" "$(cat "$T/evil-ran" 2>/dev/null)" "pamdriver"
write_service nsbox-test "$MODULE_ARGS"

# runc CVE-2024-21626: a host directory fd leaked into the container. The
# module marks every fd of the application close-on-exec after the join.
out=$(exec 7</ && "$DRIVER" -c 'ls /proc/self/fd | tr "\n" " "; echo' nsbox-test alice 2>&1)
like "runc CVE-2024-21626 (fd leak): the session sees fds 0-2 (and ls's own) only" "$out" "^0 1 2 3 $"

# bwrap CVE-2016-8659: the user could ptrace the setup process while it had
# privileges. Box init is non-dumpable from its first setresuid and lives in
# a user namespace owned by root.
write_service nsbox-test "helper=$TEST_HELPER config=$CONF test_pause=init-user"
: >"$T/syslog"
"$DRIVER" nsbox-test alice >/dev/null 2>&1 &
drv=$!
disown $drv
if wait_paused init-user; then
	out=$(as_alice "$ATTACK" run ptrace_pid "PID=$PAUSED" 2>&1)
	like "bwrap CVE-2016-8659 (ptrace of the setup process) is blocked" "$out" "blocked"
	kill -USR1 "$PAUSED"
else
	ok 1 "bwrap CVE-2016-8659: box init did not pause"
fi
for _ in $(seq 50); do kill -0 $drv 2>/dev/null || break; sleep 0.1; done
write_service nsbox-test "$MODULE_ARGS"

# bwrap CVE-2017-5226: TIOCSTI into the terminal of the program that ran
# the session. The module installs a seccomp filter failing it with EPERM.
out=$(script -qec "$SU_CMD -l alice -c '/usr/local/bin/attack run tiocsti'" /dev/null 2>&1 | tr -d '\r')
like "bwrap CVE-2017-5226 (TIOCSTI on the session terminal) is blocked" "$out" "tiocsti: blocked"

# firejail CVE-2022-31214: a login joined a namespace the user had built.
# nsbox joins only the box its helper just built, by the pidfd from clone3.
setpriv --reuid=alice --regid=alice --clear-groups -- "$NSBOX" run --hostname evil -- sleep 30 &
fake=$!
wait_until 10 pgrep -u alice -x -f "sleep 30"
ok $? "the user's own fake box is up"
out=$("$DRIVER" -c 'hostname' nsbox-test alice 2>&1)
like "firejail CVE-2022-31214 (joining the user's fake box): the login lands in its own box" "$out" "^alice-box$"
kill $fake 2>/dev/null
wait $fake 2>/dev/null

# CVE-2024-22365 (pam_namespace): a FIFO where root opens a file hung the
# login. nsbox opens paths with O_PATH (never reads them) and its config
# with O_NONBLOCK, then refuses anything but a regular file.
as_alice mkfifo "$T/home/alice/fifo"
conf 'bind { source = "%h/fifo" target = "/fifo" optional = true }'
start=$(date +%s)
out=$(timeout 20 "$DRIVER" -c 'ls -l /fifo' nsbox-test alice 2>&1)
ok $(($(date +%s) - start < 10 ? 0 : 1)) "CVE-2024-22365 (FIFO DoS): a user's FIFO as a bind source does not hang the login"
conf ""
mv "$CONF" "$CONF.real"
mkfifo "$CONF"
start=$(date +%s)
refused "CVE-2024-22365: a FIFO in place of the config" "config $CONF: not a regular file"
ok $(($(date +%s) - start < 10 ? 0 : 1)) "CVE-2024-22365: ... without hanging"
rm -f "$CONF"
mv "$CONF.real" "$CONF"

# sudo CVE-2025-32463: root loaded NSS modules from a root the user
# controlled. nsbox resolves the user on the host before the box exists,
# and refuses a rootfs whose NSS configuration or libraries the user owns
# (the login program's root code reads them after the join).
make_box nssuser
chown alice "$T/boxes/nssuser/etc/nsswitch.conf"
ROOT=$T/boxes/nssuser conf ""
refused "sudo CVE-2025-32463 (NSS from a user-controlled root): user-owned nsswitch.conf" "$T/boxes/nssuser/etc/nsswitch.conf is owned by uid 62001"
make_box libuser
mkdir -p "$T/boxes/libuser/lib/$(gcc -print-multiarch)"
chown alice "$T/boxes/libuser/lib/$(gcc -print-multiarch)"
ROOT=$T/boxes/libuser conf ""
refused "sudo CVE-2025-32463: a user-owned library directory" "$T/boxes/libuser/lib/$(gcc -print-multiarch) is owned by uid 62001"
conf ""

# containerd CVE-2020-15257: a host abstract unix socket answered from the
# container. nsbox scopes boxes with Landlock (ABI 6, Linux 6.12+).
"$ATTACK" serve-abstract "nsbox-cve-$$" &
srv=$!
at_exit "kill $srv 2>/dev/null"
wait_until 10 grep -q "@nsbox-cve-$$\$" /proc/net/unix
ok $? "the host's abstract socket listens"
out=$("$DRIVER" -c "/usr/local/bin/attack run abstract_socket ABSTRACT=nsbox-cve-$$" nsbox-test alice 2>&1)
if grep -aq "Landlock scoping unavailable" "$T/syslog"; then
	skip "the kernel has no Landlock scoping (ABI < 6)" "containerd CVE-2020-15257 (host abstract socket)"
else
	like "containerd CVE-2020-15257 (host abstract socket) is blocked" "$out" "abstract_socket: blocked"
fi

no_leftovers "$before"
done_testing
