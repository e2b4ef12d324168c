#!/bin/bash
# The static PAM helper (helper/pammain.c), what the module executes at
# every login: no dynamic loader, and no name service. It serves what needs
# no lookup itself and hands the rest, unread, to the full helper beside
# it: a config whose rules name a group, a module that sent no passwd
# entry. The full helper it runs must be root's and writable by root
# alone, in the directory root executed the static one from, which only
# root may write; anything else denies (root: exempt, as for any helper
# failure).
. "$(dirname "$0")/../lib/root.sh"
pam_setup
add_user alice 62501
add_group crew 62550 alice
make_box alice
before=$(host_state)

users_conf() {
	write_conf <<EOF
rule by_user {
	users = {"alice"}
	rootfs = "$T/boxes/alice"
	hostname = "by-user"
}
EOF
}
# (confine_root: root's login then goes to the helper too, where the
# policy index would have let it through as exempt.)
groups_conf() {
	write_conf <<EOF
confine_root = true
rule by_group {
	groups = {"crew"}
	rootfs = "$T/boxes/alice"
	hostname = "by-group"
}
EOF
}
# login USER: a session running hostname, the syslog emptied first; OUT
# is what the driver printed.
login() {
	: >"$T/syslog"
	OUT=$(drive "$1" -c hostname 2>&1)
}

# --- what the static helper is ---------------------------------------------------------
static_without_nss "$NSBOX_PAM" "the static PAM helper"
grep -aq "this program has no name service" "$NSBOX_PAM"
ok $? "... but stand-ins that stop it should a lookup ever be reached"
out=$("$NSBOX_PAM" 2>&1)
is "run by hand, it refuses (status)" "$?" "125"
like "... and says who runs it" "$out" "run by pam_nsbox.so only"
out=$("$NSBOX_PAM" pam-helper 2>&1 </dev/null 3</dev/null)
like "... even with its command, without the module's socket" "$out" "run by pam_nsbox.so only"

# --- served by the static helper, or handed to the full one ----------------------------
users_conf
login alice
like "rules that name users only: alice is boxed" "$OUT" "^by-user$"
ok $(! grep -aq "executing " "$T/syslog"; echo $?) \
	"... by the static helper itself (nothing handed on)"
# The static helper only peeked at the request: taken off the socket, it
# must not be left there for box init, which holds that socket for the
# session and ends the box at anything it reads there.
OUT=$(drive alice -c 'sleep 0.5; echo still-boxed' 2>&1)
like "a session outlives its start: the request did not end the box" "$OUT" "^still-boxed$"
like "... its command exited by itself" "$OUT" "^cmd_status=0$"

groups_conf
login alice
like "a rule names a group: alice (in crew) is boxed" "$OUT" "^by-group$"
log_has "a rule names a group: executing $NSBOX_FULL"
ok $? "... by the full helper, and the static one said why"
OUT=$(drive alice -c 'sleep 0.5; echo still-boxed' 2>&1)
like "... and its session outlives its start too" "$OUT" "^still-boxed$"

users_conf
: >"$T/syslog"
OUT=$(LD_PRELOAD="${SAN_LIB:+$SAN_LIB }$TOP/build/tools/hideuser.so" drive alice -c hostname 2>&1)
like "the module could not look alice up: she is boxed all the same" "$OUT" "^by-user$"
log_has "the module sent no user data: executing $NSBOX_FULL"
ok $? "... by the full helper, which looked her up"
settle "$before"
is "no box init or mount left behind" "$(host_state)" "$before"

# --- the full helper it runs: only one root installed beside it ------------------------
# The static helper alone in a directory of the test's own.
mkdir -m 0755 "$T/bin"
cp "$NSBOX_PAM" "$T/bin/nsbox-pam-helper"
write_service nsbox-test "helper=$T/bin/nsbox-pam-helper config=$CONF debug"
groups_conf
# denied WHAT LOG [ROOT_LOG]: alice's group login is refused with LOG in
# the syslog, and root's still opens, as the exempt root.
denied() {
	login alice
	unlike "$1: alice is refused" "$OUT" "^open=0 "
	log_has "$2"
	ok $? "... and the log says why" || diag "$OUT $(cat "$T/syslog")"
	pamtester nsbox-test root open_session close_session >/dev/null 2>&1
	ok $? "... root's session still opens"
	log_has "${3:-root is exempt while the full helper cannot be run}"
	ok $? "... as the exempt root" || diag "$(cat "$T/syslog")"
}
denied "no full helper beside the static one" "$T/bin/nsbox-full: No such file or directory"
cp "$NSBOX_FULL" "$T/bin/nsbox-full"
login alice
like "with nsbox-full beside it, alice is boxed" "$OUT" "^by-group$"
log_has "a rule names a group: executing $T/bin/nsbox-full"
ok $? "... by that nsbox-full"

chmod 0775 "$T/bin/nsbox-full"
denied "a full helper its group may write" "$T/bin/nsbox-full is not a program that root owns and alone may write"
chmod 0755 "$T/bin/nsbox-full"
chown alice "$T/bin/nsbox-full"
denied "a full helper owned by a user" "$T/bin/nsbox-full is not a program that root owns and alone may write"
chown root "$T/bin/nsbox-full"
chmod 4755 "$T/bin/nsbox-full"
denied "a setuid full helper" "$T/bin/nsbox-full is not a program that root owns and alone may write"
chmod 0755 "$T/bin/nsbox-full"
mv "$T/bin/nsbox-full" "$T/nsbox.real"
ln -s "$T/nsbox.real" "$T/bin/nsbox-full"
denied "a symlink to a full helper" "$T/bin/nsbox-full is not a program that root owns and alone may write"
rm "$T/bin/nsbox-full"
mv "$T/nsbox.real" "$T/bin/nsbox-full"
chmod 2755 "$T/bin/nsbox-full"
denied "a setgid full helper" "$T/bin/nsbox-full is not a program that root owns and alone may write"
chmod 0755 "$T/bin/nsbox-full"
chmod 0777 "$T/bin"
denied "a directory others may write" "program directory $T/bin: only root may own and write it"
chmod 0755 "$T/bin"
chown alice "$T/bin"
denied "a directory a user owns" "program directory $T/bin: only root may own and write it"
chown root "$T/bin"
# A copy of the static helper as nsbox-full refuses what it is handed at once
# (it would hand it on to itself until the module's timeout).
mv "$T/bin/nsbox-full" "$T/nsbox.real"
cp "$NSBOX_PAM" "$T/bin/nsbox-full"
denied "a copy of the static helper as nsbox-full" \
	"handed a request by a static helper: the nsbox-full beside it must be the full helper" \
	"user root not boxed: helper failed, root is exempt"
mv "$T/nsbox.real" "$T/bin/nsbox-full"
login alice
like "put right, alice is boxed again" "$OUT" "^by-group$"

# The static helper replaced while it runs (as a package upgrade does):
# its directory no longer holds the running program, and the request is
# refused rather than handed to whatever nsbox-full is there now. The test
# builds, in a directory of the test's own, pausing at the helper's start.
mkdir -m 0755 "$T/tbin"
cp "$TOP/build/tests/nsbox-pam-test" "$TOP/build/tests/nsbox-test" "$T/tbin/"
write_service nsbox-pause "helper=$T/tbin/nsbox-pam-test config=$CONF debug test_pause=helper"
paused_login nsbox-pause alice
ok $? "a login paused in the static helper"
cp "$T/tbin/nsbox-pam-test" "$T/tbin/new" && mv "$T/tbin/new" "$T/tbin/nsbox-pam-test"
[ -n "$PAUSED" ] && kill -USR1 "$PAUSED"
wait $PAUSE_DRIVER
unlike "replaced while it ran: alice is refused" "$(cat "$T/pause.out")" "^open=0 "
log_has "program directory $T/tbin: it no longer holds the running program"
ok $? "... and the log says why" || diag "$(cat "$T/syslog")"

settle "$before"
is "nothing left behind" "$(host_state)" "$before"
done_testing
