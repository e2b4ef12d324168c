#!/bin/bash
# A per-user cap on ptys across all of a user's boxes (ptys_max): all the
# boxes of one user share one devpts instance whose max= is the rule's
# ptys_max, so the kernel counts every pty of the user's boxes wherever
# its fd went. alice (ptys_max = 4) opens boxes and ptys; she never holds
# more than 4 in total, bob is unaffected, and the cap frees when her
# sessions end.
#
# On the code before (one devpts per box, max=128 each), alice's first box
# got all 6 ptys it asked for, her second box 6 more, and a box she opened
# after passing 3 ptys to another box of hers got 6 again: the checks
# marked "(old: ...)" failed there.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
THIEF=$TOP/build/tools/ttythief
TEST_HELPER=$TOP/build/tests/nsbox-pam-test
[ -x "$THIEF" ] || { echo "Bail out! $THIEF is not built (make units)"; exit 1; }

add_user alice 62001
add_user bob 62002
add_user carol 62003
# A second name of alice's uid (two passwd entries, as some sites have).
printf 'alice2:x:62001:62001::%s:/bin/sh\n' "$T/home/alice" >>/etc/passwd
printf 'alice2:!:19000:0:99999:7:::\n' >>/etc/shadow
BOX_UIDS="62001 62002 62003"
for u in alice alice2 bob carol; do
	make_box $u
	mkdir -p "$T/boxes/$u/usr/local/bin"
	install -m 0755 "$THIEF" "$T/boxes/$u/usr/local/bin/ttythief"
	chmod -R go-w "$T/boxes/$u/usr"
done
write_conf <<EOF
ptys_max = 4
rule shared {
	users = {"carol"}
	rootfs = "$T/boxes/%u"
	share = "user"
	bind { source = "$T/home" }
}
rule confined {
	users = {"alice", "alice2", "bob"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "$T/home" }
}
EOF
before=$(host_state)
TT=/usr/local/bin/ttythief
H=$T/home/alice

out=$("$NSBOX" check -v -f "$CONF" 2>&1)
like "nsbox check -v shows the cap" "$out" ", ptys_max 4 per user"

# hold NAME USER N: a session of USER in the background that opens up to
# N ptys and holds them until stop.NAME exists in $STOP (which every box
# sees: the users' homes are bound); its output is in $T/out.NAME. Waits
# for the PTYS= line; PTYS is its number.
STOP=$T/home/stop
mkdir -p "$STOP"
chmod 0755 "$STOP"
hold() {
	rm -f "$STOP/stop.$1"
	drive "$2" -c "$TT hold-ptys $3 $STOP/stop.$1" >"$T/out.$1" 2>&1 &
	eval "DRIVER_$1=$!"
	wait_until 20 grep -q '^PTYS=' "$T/out.$1"
	PTYS=$(grep -ao '^PTYS=[0-9]*' "$T/out.$1" | cut -d= -f2)
	[ -n "$PTYS" ] || diag "$(cat "$T/out.$1")" "$(tail -n 3 "$T/syslog")"
}
# Whatever happens, every session ends with the test.
at_exit 'for f in "$T"/out.*; do touch "$STOP/stop.${f##*/out.}"; done'
# release NAME: end that session.
release() {
	touch "$STOP/stop.$1"
	eval "wait \$DRIVER_$1"
}

# --- one user, several boxes ----------------------------------------------------
hold a1 alice 6
is "alice's first box gets 4 of the 6 ptys it asks for (old: 6)" "$PTYS" 4
like "... and then ENOSPC" "$(cat "$T/out.a1")" "PTYS=4 \(No space left on device\)"
hold a2 alice 6
is "her second box, while the first holds 4, gets none (old: 6)" "$PTYS" 0
hold b1 bob 4
is "bob, meanwhile, gets his 4" "$PTYS" 4
hold a2b alice2 6
is "a box under another name of her uid gets none either" "$PTYS" 0
out=$(drive alice -c 'echo "sessions without a pty work: $(hostname)"' 2>&1)
like "with her cap used up, alice's sessions without a pty still work" "$out" \
	"sessions without a pty work: alice-box"

# su on a terminal (the relay needs a pty of her box): refused, and syslog
# says why.
: >"$T/syslog"
out=$(script -qec "$SU_CMD -l alice -c 'echo SU-RAN'" /dev/null 2>&1 | tr -d '\r')
unlike "su -l alice on a terminal gets no session with her cap used up" "$out" "SU-RAN"
log_has "relay: .*alice.*ptys_max"
ok $? "syslog says her ptys (ptys_max) are all in use"
diag "$(grep -a 'relay:' "$T/syslog" | head -n 2)"

release a1
hold a3 alice 6
is "once her first box ends, a new one gets the 4 it freed" "$PTYS" 4
release a2
release a2b
release a3
release b1

# --- fds passed to another box of hers -------------------------------------------
rm -f "$H/keep.sock" "$H/keep.log"
"$DRIVER" -c "$TT keep $H/keep.sock $H/keep.log" nsbox-test alice >/dev/null 2>&1 &
KEEPER=$!
at_exit "kill $KEEPER 2>/dev/null"
wait_until 20 test -S "$H/keep.sock"
ok $? "alice's keeper box listens in her home"
out=$(drive alice -c "$TT give-ptys 3 $H/keep.sock" 2>&1)
like "a box of hers opens 3 ptys, hands them to the keeper and ends" "$out" "GAVE 3"
wait_until 10 grep -q 'KEPT 3' "$H/keep.log"
ok $? "the keeper holds the 3"
hold a4 alice 6
is "her next box gets only the 1 left: passed fds still count (old: 6)" "$PTYS" 1
release a4
kill $KEEPER
wait $KEEPER 2>/dev/null
hold a5 alice 6
is "with the keeper's box gone, her 4 are back" "$PTYS" 4
release a5

# --- logins at once ---------------------------------------------------------------
# The first login stops (test build) after it made a new devpts instance,
# before its box is recorded; a second login of hers must wait for it
# rather than find no box and make an instance of its own.
write_service nsbox-pause "helper=$TEST_HELPER config=$CONF test_pause=prepared"
: >"$T/syslog"
rm -f "$STOP/stop.p1" "$STOP/stop.p2"
"$DRIVER" -c "$TT hold-ptys 3 $STOP/stop.p1" nsbox-pause alice >"$T/out.p1" 2>&1 &
P1=$!
wait_paused prepared
ok $? "alice's first login pauses with its devpts made, box not recorded"
FIRST_HELPER=$PAUSED
drive alice -c "$TT hold-ptys 3 $STOP/stop.p2" >"$T/out.p2" 2>&1 &
P2=$!
sleep 1
is "her second login waits for the first (per-user lock)" "$(cat "$T/out.p2")" ""
kill -USR1 "$FIRST_HELPER"
wait_until 20 grep -q '^PTYS=' "$T/out.p1"
wait_until 20 grep -q '^PTYS=' "$T/out.p2"
n1=$(grep -ao '^PTYS=[0-9]*' "$T/out.p1" | cut -d= -f2)
n2=$(grep -ao '^PTYS=[0-9]*' "$T/out.p2" | cut -d= -f2)
is "the two boxes, built at once, hold 4 ptys together (3 + 1)" "$((n1 + n2))" 4
touch "$STOP/stop.p1" "$STOP/stop.p2"
wait $P1 $P2

# Many at once, no pause: still 4 in all.
for i in 1 2 3 4 5; do
	rm -f "$STOP/stop.m$i"
	drive alice -c "$TT hold-ptys 3 $STOP/stop.m$i" >"$T/out.m$i" 2>&1 &
	eval "M$i=$!"
done
for i in 1 2 3 4 5; do wait_until 30 grep -q '^PTYS=' "$T/out.m$i"; done
total=0
for i in 1 2 3 4 5; do
	total=$((total + $(grep -ao '^PTYS=[0-9]*' "$T/out.m$i" | cut -d= -f2)))
done
is "five logins of hers at once: 4 ptys in all" "$total" 4
for i in 1 2 3 4 5; do touch "$STOP/stop.m$i"; eval "wait \$M$i"; done

# --- a devpts of her own ----------------------------------------------------------
# In a user namespace of her own she could mount a devpts instance and open
# ptys from the host's pool past ptys_max. The session may not create one
# (pam_nsbox's seccomp filter; old code: OWN=20, past her cap of 4).
out=$(drive alice -c "$TT own-devpts 20 /tmp/own-pts" 2>&1)
like "a session of hers cannot mount a devpts of its own" "$out" \
	"OWN=0 \(unshare\(USER\|NS\): Operation not permitted\)"
# Control: the probe does get past the cap where a user namespace is allowed.
mkdir -p "$T/own" && chown alice "$T/own"
out=$(setpriv --reuid=alice --regid=alice --clear-groups "$TOP/build/tools/ttythief" \
	own-devpts 20 "$T/own/pts" 2>&1)
case "$out" in
"OWN=20 "*) ok 0 "control: outside a box the probe opens 20 ptys of its own devpts" ;;
"OWN=0 (unshare"*) skip "this host forbids unprivileged user namespaces" \
	"control: outside a box the probe opens 20 ptys of its own devpts" ;;
*) ok 1 "control: outside a box the probe opens 20 ptys of its own devpts ($out)" ;;
esac

# A login program that held a confined session keeps pam_nsbox's filter of
# user namespaces: the helpers it starts can neither make a box nor take her
# devpts (a child in the box's mount namespace). Its next session is
# refused, saying why, with her box still there or not.
hold a8 alice 4
# Root's command in her box may su to her: it gets the same filter (old
# code: OWN=20).
out=$("$NSBOX" enter alice -- "$TT" own-devpts 20 /tmp/enter-pts 2>&1)
like "nsbox enter's command cannot mount a devpts of its own either" "$out" \
	"OWN=0 \(unshare\(USER\|NS\): Operation not permitted\)"
: >"$T/syslog"
out=$(drive alice -n 2 -c true 2>&1)
like "a program's first session while she has a box: boxed, its command ran" "$out" "^cmd_status=0"
like "its second session, with her box still there: refused" "$out" "failures=1"
log_has "seccomp filter of the calling program forbids clone3 or new namespaces"
ok $? "... saying why"
release a8
out=$(drive alice -n 2 -c true 2>&1)
like "... and with no box of hers left: refused too" "$out" "failures=1"

# --- what crashes leave ------------------------------------------------------------
# The helper dies while it holds the lock: the lock goes with it.
: >"$T/syslog"
"$DRIVER" -c true nsbox-pause alice >/dev/null 2>&1 &
P3=$!
wait_paused prepared
kill -9 "$PAUSED"
wait $P3 2>/dev/null
hold a6 alice 6
is "after a helper killed with the lock held, her next box gets her 4" "$PTYS" 4
release a6

# The login program dies with her box holding ptys: box init goes, its
# record stays behind until someone looks.
"$DRIVER" -c "$TT hold-ptys 4 $STOP/stop.k1" nsbox-test alice >"$T/out.k1" 2>&1 &
K1=$!
at_exit "kill $K1 2>/dev/null"
wait_until 20 grep -q '^PTYS=4' "$T/out.k1"
ok $? "a box of hers holds 4"
kill -9 $K1
wait $K1 2>/dev/null
settle "$before"
stale=$(ls /run/nsbox/boxes/ | grep -c '^alice-.*\.box$')
is "its record is left in /run/nsbox (the module never closed)" "$stale" 1
is "... with its name in her uid's index" "$(ls /run/nsbox/boxes/ | grep -c '^alice-.*\.u62001$')" 1
hold a7 alice 6
is "a stale record does not count: her next box gets 4" "$PTYS" 4
release a7
is "... and the stale record is gone, index too; so is the record of the box that ended" \
	"$(ls /run/nsbox/boxes/ | grep -c '^alice-')" 0

# A record nsbox cannot read might be a live box of hers: fail closed.
head -c 100 /dev/zero >/run/nsbox/boxes/alice-1.box
out=$(drive alice -c true 2>&1)
unlike "a record of hers that cannot be read refuses her login" "$out" "^open=0 "
log_has "box record /run/nsbox/boxes/alice-1.box cannot be read"
ok $? "... and syslog says which record"
out=$(drive bob -c 'echo BOB' 2>&1)
like "... bob is not concerned" "$out" "^BOB$"
rm -f /run/nsbox/boxes/alice-1.box

# --- a shared box counts once -------------------------------------------------------
hold c1 carol 3
hold c2 carol 3
is "carol's two sessions in her shared box: 4 ptys together (3 + 1)" "$((PTYS + $(grep -ao '^PTYS=[0-9]*' "$T/out.c1" | cut -d= -f2)))" 4
release c1
release c2

settle "$before"
no_leftovers "$before"
done_testing
