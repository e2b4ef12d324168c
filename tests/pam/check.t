#!/bin/bash
# nsbox check runs what a login runs: for each kind of broken rootfs or
# config, `nsbox check` and `nsbox check -u USER` give the reason the
# login logs (compared with the syslog line of a real login through the
# driver), name the rule's FILE:LINE and exit 1; a good config is silent.
# A refused login tells the user one short line, no path, through PAM.
# (Before the change every broken case below passed `nsbox check` silently
# with exit 0, and the login's user saw nothing: each test here fails on
# that code.)
. "$(dirname "$0")/../lib/root.sh"
pam_setup

add_user alice 62001
add_user carol 62003
add_user dave 62004 /bin/bash
add_group staff 62100 carol
make_box good
ln -s busybox "$T/boxes/good/bin/bash" # dave's login shell
before=$(host_state)
MESSAGE="nsbox: your session could not be set up; contact the administrator."

# conf ROOTFS [EXTRA]: one rule for alice, carol and dave; the rule's
# section ends on line 7 (EXTRA is one line).
conf() {
	write_conf <<EOF
# check.t
rule main {
	users = {"alice", "carol", "dave"}
	rootfs = "$1"
	hostname = "%u-box"
	${2:-}
}
EOF
}
RULE_AT="$CONF:7: rule main"

# login_reason USER: the reason a login of USER is refused, from syslog.
login_reason() {
	: >"$T/syslog"
	LOGIN_OUT=$(drive "$1" 2>&1)
	log_has "user $1 denied rule=main: " || return 1
	grep -a "user $1 denied rule=main: " "$T/syslog" | head -n 1 | sed "s/.*user $1 denied rule=main: //"
}

# same_reason WHAT USER: a login of USER is refused, and nsbox check (with
# and without -u) reports that rule and reason, exit 1.
same_reason() {
	what=$1 user=$2
	reason=$(login_reason "$user")
	unlike "$what: the login is refused" "$LOGIN_OUT" "^open=0 "
	[ -n "$reason" ]
	ok $? "$what: the login logs a reason ($reason)"
	want="nsbox: $RULE_AT: user $user would be refused: $reason"
	out=$("$NSBOX" check -f "$CONF" 2>&1)
	rc=$?
	is "$what: nsbox check exits 1" "$rc" "1"
	like "$what: nsbox check gives the login's reason at the rule's FILE:LINE" "$out" \
		"^$(printf '%s' "$want" | sed 's/[][\.*^$(){}|+?]/\\&/g')\$"
	out=$("$NSBOX" check -f "$CONF" -u "$user" 2>&1)
	rc=$?
	is "$what: nsbox check -u $user exits 1" "$rc" "1"
	is "$what: nsbox check -u $user says exactly that" "$out" "$want"
}

# --- a good config: silent, exit 0 ------------------------------------------
conf "$T/boxes/good"
out=$(drive alice -c hostname 2>&1)
like "the good config boxes alice" "$out" "alice-box"
unlike "a confined login hears nothing from nsbox" "$out" "conv_error="
out=$("$NSBOX" check -f "$CONF" 2>&1)
is "good config: nsbox check exits 0" "$?" "0"
is "good config: nsbox check is silent" "$out" ""
out=$("$NSBOX" check -f "$CONF" -u alice 2>/dev/null)
is "good config: -u alice says what the login gets" "$out" \
	"alice: confined by rule main: rootfs $T/boxes/good, hostname alice-box, on_error deny"
out=$(cd "$T" && "$NSBOX" check -f "$(basename "$CONF")" 2>&1)
is "a relative -f FILE works (exit 0, silent)" "$?:$out" "0:"
chmod 0666 "$CONF"
out=$(cd "$T" && "$NSBOX" check -f "./$(basename "$CONF")" 2>&1)
like "a relative -f FILE: the file's safety is checked on its absolute path" "$out" \
	"$CONF is writable by group or others"
chmod 0644 "$CONF"

# --- each kind of broken rootfs or config -------------------------------
conf "$T/boxes/missing"
same_reason "missing rootfs" alice
make_box writable
chmod 0777 "$T/boxes/writable"
conf "$T/boxes/writable"
same_reason "rootfs writable by others" alice
make_box userowned
chown alice "$T/boxes/userowned"
conf "$T/boxes/userowned"
same_reason "rootfs owned by the user" alice
mkdir -p "$T/open/inner"
chmod 0777 "$T/open"
cp -a "$ROOTFS" "$T/open/inner/box"
conf "$T/open/inner/box"
same_reason "a directory above the rootfs writable by others" alice
conf "$T/boxes/good" "bind { source = \"$T/no-such-source\" target = \"/srv\" }"
same_reason "missing bind source" alice
conf "$T/boxes/good" "bind { source = \"$T/home/alice\" target = \"/no/such/dir\" }"
same_reason "missing mount point on the read-only rootfs" alice
make_box nobash
conf "$T/boxes/nobash"
same_reason "login shell missing in the box" dave
conf "$T/boxes/good" 'shell = "/bin/no-such-menu"'
same_reason "shell = missing in the box" alice

# --- %u: checked per user --------------------------------------------------
make_box carol
conf "$T/boxes/%u"
same_reason "%u rootfs missing for alice" alice
out=$("$NSBOX" check -f "$CONF" -u carol 2>&1)
is "%u rootfs: carol's exists, -u carol exits 0" "$?" "0"
is "%u rootfs: -u carol names carol's rootfs" "$out" \
	"carol: confined by rule main: rootfs $T/boxes/carol, hostname carol-box, on_error deny"
out=$(drive carol -c hostname 2>&1)
like "%u rootfs: carol's login works, as check said" "$out" "carol-box"
out=$("$NSBOX" check -f "$CONF" 2>&1)
unlike "%u rootfs: without -u, carol is not reported" "$out" "user carol"

# --- groups and "*": what is checked without a user is said -----------------
printf 'rule team {\n\tgroups = {"staff"}\n\trootfs = "%s"\n}\n' "$T/boxes/missing" | write_conf
out=$("$NSBOX" check -f "$CONF" 2>&1)
is "a group rule with a missing rootfs: nsbox check exits 1" "$?" "1"
like "a group rule: the missing rootfs is reported at FILE:LINE" "$out" \
	"^nsbox: $CONF:4: rule team: every login would be refused: rootfs $T/boxes/missing: No such file or directory$"
printf 'rule team {\n\tgroups = {"staff"}\n\trootfs = "%s"\n}\n' "$T/boxes/good" | write_conf
out=$("$NSBOX" check -f "$CONF" 2>&1)
is "a good group rule: exit 0" "$?" "0"
is "a good group rule: silent (a fine config says nothing)" "$out" ""
out=$("$NSBOX" check -v -f "$CONF" 2>&1)
like "a good group rule, -v: says what only -u checks" "$out" \
	"rule team: group members: .*mount points and login shells are checked per user \\(nsbox check -u USER\\)"
printf 'rule team {\n\tgroups = {"staff"}\n\trootfs = "%s/%%u"\n}\n' "$T/boxes" | write_conf
out=$("$NSBOX" check -v -f "$CONF" 2>&1)
like "a group rule with a %u rootfs: says it is checked per user" "$out" \
	"rule team: group members: the rootfs depends on the user"
out=$("$NSBOX" check -f "$CONF" -u carol 2>&1)
is "... and -u carol (a member) checks hers: exit 0" "$?" "0"

# --- the user hears one line, the administrator reads the reason -------------
conf "$T/boxes/missing"
: >"$T/syslog"
out=$(drive alice 2>&1)
like "a refused login: the user is told through the conversation" "$out" \
	"^conv_error=$MESSAGE\$"
unlike "... without any path" "$(printf '%s' "$out" | grep conv_error=)" "/"
log_has "user alice denied rule=main: rootfs $T/boxes/missing"
ok $? "... while syslog has the reason"
out=$(drive root 2>&1)
unlike "root's session (exempt) hears nothing" "$out" "conv_error="
printf 'confine_root = maybe\n' | write_conf
out=$(drive root 2>&1)
like "root's fail-open on a broken config: the session opens" "$out" "^open=0 "
unlike "root's fail-open: nothing said to root" "$out" "conv_error="
printf 'rule other {\n\tusers = {"dave"}\n\trootfs = "%s"\n}\n' "$T/boxes/missing" | write_conf
out=$(drive alice 2>&1)
unlike "a user no rule names hears nothing" "$out" "conv_error="
conf "$T/boxes/missing"
out=$(su -l alice -c true 2>&1 </dev/null)
like "su -l: the refused user sees the line on su's stderr" "$out" "$MESSAGE"
unlike "su -l: no path in what the user sees" "$out" "$T/boxes"

sleep 0.3
no_leftovers "$before"
done_testing
