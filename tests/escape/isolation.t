#!/bin/bash
# Channel isolation and the second attack round (issue 13), each an escape
# attempt that worked on the code before the fix: every block below was run
# with the fix stashed (git stash of the helper/module change it names) and
# failed there, as its comment says.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
TEST_HELPER=$TOP/build/tests/nsbox-pam-test

add_user alice 62001
make_box alice
conf() {
	write_conf <<EOF
syslog_socket = true
rule main {
	users = {"alice"}
	rootfs = "$T/boxes/alice"
	hostname = "%u-box"
	bind { source = "%h" }
	$1
}
EOF
}
conf ""
refused() { # refused WHAT 'log ERE'
	: >"$T/syslog"
	out=$(timeout 20 "$DRIVER" -c hostname nsbox-test alice 2>&1)
	unlike "$1: the login is refused" "$out" "^open=0 "
	log_has "$2"
	ok $? "$1: logged: $2"
}
before=$(host_state)

# --- (b) the helper starts from a fixed state, whoever ran su ----------------
# A user who may su to a confined user sets `ulimit -c unlimited; ulimit -f
# 0` in a root-owned directory. Before the fix (procstate.h) the helper died
# of SIGXFSZ writing the box record: the login was refused, a .tmp record
# stayed in /run/nsbox (and with a core_pattern of "core" a root core was
# left in that directory).
# Where root lacks CAP_SYS_RESOURCE (some containers, this CI's VM) the
# hard limit cannot be raised again: the login is then refused with a
# reason, cleanly.
mkdir -m 0755 "$T/rootdir"
: >"$T/syslog"
out=$(cd "$T/rootdir" && ulimit -c unlimited && ulimit -f 0 && $SU_CMD -l alice -c hostname 2>&1)
if has_cap 24; then
	is "su with the caller's ulimit -f 0 and -c unlimited: the session works" "$out" "alice-box"
else
	unlike "su with the caller's ulimit -f 0, root without CAP_SYS_RESOURCE: refused" "$out" "alice-box"
	log_has "limited file size \\(ulimit -f\\) to 0 and root cannot raise it"
	ok $? "... with the reason logged (the helper did not die of SIGXFSZ)"
fi
is "... no core file in the caller's directory" "$(ls -A "$T/rootdir")" ""
is "... no half-written box record" "$(find /run/nsbox -name '*.tmp' 2>/dev/null)" ""
out=$(cd "$T/rootdir" && umask 0 && renice -n 10 -p $BASHPID >/dev/null &&
	$SU_CMD -l alice -c 'cat /proc/1/status; cat /proc/1/limits' 2>&1)
like "box init (the helper's child) has umask 0022, not the caller's 0000" "$out" "^Umask:[[:space:]]*0022"
like "... no core limit" "$out" "^Max core file size +0 +0 "
like "... no file size limit" "$out" "^Max file size +unlimited +unlimited "
# The nice value is the 19th field of /proc/PID/stat.
out=$(cd "$T/rootdir" && renice -n 10 -p $BASHPID >/dev/null &&
	$SU_CMD -l alice -c 'cut -d" " -f19 /proc/1/stat' 2>&1)
is "... and nice 0, not the caller's 10" "$out" "0"

# The module notices a dead helper at once: box init holds the helper's end
# of the socket, so before the fix (poll on the helper's pidfd) the module
# waited 60 s and logged "did not answer"; now it logs the death.
write_service nsbox-test "helper=$TEST_HELPER config=$CONF test_pause=reply"
: >"$T/syslog"
"$DRIVER" -c hostname nsbox-test alice >"$T/driver.out" 2>&1 &
drv=$!
if wait_paused reply; then
	kill -9 "$PAUSED"
	for _ in $(seq 300); do kill -0 $drv 2>/dev/null || break; sleep 0.1; done
	kill -9 $drv 2>/dev/null
	wait $drv 2>/dev/null
	unlike "helper killed before its reply: the login is refused" "$(cat "$T/driver.out")" "^open=0 "
	log_has "helper died without an answer"
	ok $? "... and the module says the helper died (it does not wait for a timeout)"
else
	ok 1 "the test helper pauses at reply"
fi
write_service nsbox-test "$MODULE_ARGS"
settle "$before"

# --- (c) pam_end without close, a second open in the same process ------------
# Before the fix (session_cleanup restores; a second open is refused) the
# process stayed in the box's namespaces after pam_end, and after closing
# two overlapping sessions it was back in the first box.
out=$("$DRIVER" -e nsbox-test alice 2>&1)
like "pam_end without close_session: the session had opened" "$out" "^open=0 "
like "... and the process is back in its own namespaces" "$out" "^ns_back=yes"
# (Before the fix the second open failed only because the helper's path
# was missing in the box; with a rootfs that has it, it joined a second box
# with the first box's namespaces saved as the application's.)
: >"$T/syslog"
out=$("$DRIVER" -2 nsbox-test alice 2>&1)
like "a second session in the same process while in a box: refused" "$out" "^open2=[1-9]"
log_has "in the box of another PAM session"
ok $? "... because the process is in a box, before any helper runs"
like "... and after both the process is in its own namespaces" "$out" "^ns_back=yes"
settle "$before"

# --- 1. a hard link to root's symlink is not followed --------------------------
# data in alice's home is a hard link to a root-owned symlink pointing at a
# host directory. Before the fix (path.c check_symlink) the walk trusted
# the link because root owns it, and bound the host directory into the box.
# Root may make the hard link whatever fs.protected_hardlinks says.
mkdir -m 0755 "$T/rootlinks" "$T/hostdir"
echo "host only" >"$T/hostdir/secret"
ln -s "$T/hostdir" "$T/rootlinks/tohost"
ln -P "$T/rootlinks/tohost" "$T/home/alice/data"
conf "bind { source = \"$T/home/%u/data\" target = \"/tmp/data\" }"
refused "a bind source that is a hard link to root's symlink" "symlink with 2 hard links"
# The same link in a directory alice can write, with one link only: she
# chose where it stands (root made it there, a rename by her moves it).
rm "$T/home/alice/data"
ln -s "$T/hostdir" "$T/home/alice/data"
chown -h 0:0 "$T/home/alice/data"
refused "root's symlink in a directory the user can write" "symlink in a directory others than root can write"
rm "$T/home/alice/data"
# Control: root's single symlink in a root-owned directory is followed.
conf "bind { source = \"$T/rootlinks/tohost\" target = \"/tmp/data\" }"
out=$("$DRIVER" -c 'cat /tmp/data/secret' nsbox-test alice 2>&1)
like "control: root's own symlink in a root directory is followed" "$out" "host only"
conf ""

# --- (d) checks fail closed on errors other than "missing" ---------------------
# The admin binds a root-owned 0700 directory over /etc/security; in it,
# a file of alice's (a limits.conf root code in the box would read). Box
# init re-checks code directories after the binds as alice: opening the
# directory fails with EACCES, which before the fix (mount.c
# check_entries/check_resolved) counted as "missing", and the login went
# on with a user-owned file where root code reads.
mkdir -m 0755 "$T/boxes/alice/etc/security"
mkdir -m 0700 "$T/security"
echo "* hard nofile 1" >"$T/security/limits.conf"
chown alice: "$T/security/limits.conf"
conf "bind { source = \"$T/security\" target = \"/etc/security\" readonly = true }"
refused "a code directory the check cannot read (EACCES)" "etc/security.*Permission denied"
conf ""

# --- (a) one upper layer is never mounted by two boxes ---------------------------
# The rule is renamed while alice's box of the old name still runs: her
# next login matches the new rule, whose box would mount the same upper
# layer. Before the fix (prepare.c lock_upper) it did (the kernel warns
# "upperdir is in-use"; what each box reads of the other's writes is
# undefined).
make_box lower
mkdir -p "$T/layers"
chmod 0755 "$T/layers"
overlay() { # overlay RULE-NAME
	printf '%s\n' "rule $1 {" '	users = {"alice"}' "	rootfs_lower = \"$T/boxes/lower\"" \
		"	rootfs_upper = \"$T/layers/%u\"" '	share = "user"' '	linger = "0"' \
		'	hostname = "%u-box"' '}' | write_conf
}
overlay one
"$DRIVER" -c 'sleep 30' nsbox-test alice >/dev/null 2>&1 &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_until 10 pgrep -u alice -x -f "sleep 30"
ok $? "a box of rule one holds alice's upper layer"
overlay two
refused "a second box on the same upper layer (rule renamed)" "rootfs_upper $T/layers/alice is in use by another box"
kill $holder
wait $holder 2>/dev/null
settle "$before"
out=$("$DRIVER" -c 'hostname; grep " / / " /proc/self/mountinfo' nsbox-test alice 2>&1)
like "... once the first box is gone, the layer is free again" "$out" "alice-box"
# Item 3: the layers go to overlayfs as the fds the helper checked
# (FSCONFIG_SET_FD: the kernel shows "lowerdir+="; older kernels get
# /proc/self/fd/N), not as path strings walked again (before: "lowerdir=").
like "overlay layers are handed over by fd, not by path" "$out" " overlay [^ ]+ [^ ]*(lowerdir\+=|lowerdir=/proc/self/fd/)"
conf ""

no_leftovers "$before"
done_testing
