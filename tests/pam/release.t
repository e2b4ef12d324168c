#!/bin/bash
# The release build of pam_nsbox.so, named in pam.d the way an admin does
# (no path, no arguments), with the helper at the path compiled into it and
# the config at /etc/nsbox.conf: all three shown there in this private
# mount namespace only. The other PAM tests use the test build.
. "$(dirname "$0")/../lib/root.sh"
before=$(host_state)
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
add_user alice 62001
add_user bob 62002
make_box alice
write_conf <<EOF
rule students {
	users = {"alice"}
	rootfs = "$T/boxes/alice"
	hostname = "release-box"
}
EOF
printf '%s\n' 'auth	sufficient	pam_rootok.so' 'account	required	pam_permit.so' \
	'session	optional	pam_nsbox.so leave' 'session	required	pam_permit.so' \
	'session	required	pam_nsbox.so' >"$T/pam.d/release"
printf '%s\n' 'auth	sufficient	pam_rootok.so' 'account	required	pam_permit.so' \
	'session	required	pam_permit.so' 'session	required	pam_nsbox.so debug' >"$T/pam.d/release-debug"
cp "$T/pam.d/release" "$T/pam.d/su"

is "the helper path compiled into the module shows the built static helper" \
	"$(cmp "$(cat "$TOP/build/helper-path")" "$NSBOX_PAM" && echo same)" same
is "/etc/nsbox.conf shows the test config" "$(cmp /etc/nsbox.conf "$CONF" && echo same)" same

out=$(su -s /bin/sh -c 'hostname; echo pid=$$' alice 2>&1)
like "su through the release module: alice is boxed (hostname)" "$out" "^release-box$"
like "su through the release module: alice's shell is PID 2 of the box" "$out" "^pid=2$"
log_has "pam_nsbox\(su:session\): user alice boxed rule=students rootfs=$T/boxes/alice pid=[0-9]+"
ok $? "syslog: the release module logs the boxed session under its own name"

out=$(su -s /bin/sh -c 'hostname' bob 2>&1)
is "an unmatched user is not touched" "$out" "$(hostname)"

pamtester release alice open_session close_session >/dev/null 2>&1
ok $? "pamtester: open and close alice's session through the release module"
pamtester release-debug bob open_session close_session >/dev/null 2>&1
ok $? "pamtester: bob's session opens (not boxed)"
log_has "pam_nsbox\(release-debug:session\): user bob not boxed: no rule matches"
ok $? "debug: the release module says why bob is not boxed"

# A rule that names a group: the static helper hands the first login to
# the full helper beside it, which indexes the config; from then on the
# module reads in the index that a rule names a group and runs the full
# helper itself.
add_group crew 62550 alice
cp "$CONF" "$T/users.conf"
write_conf <<EOF
rule crew {
	groups = {"crew"}
	rootfs = "$T/boxes/alice"
	hostname = "crew-box"
}
EOF
helper_dir=$(dirname "$(cat "$TOP/build/helper-path")")
: >"$T/syslog"
pamtester release-debug alice open_session close_session >/dev/null 2>&1
ok $? "a group rule: alice's first session opens"
log_has "user alice: policy index not used: .*; helper $helper_dir/nsbox-pam-helper"
ok $? "... through the static helper (no index of this config yet)"
log_has "pam_nsbox\(release-debug:session\): user alice boxed rule=crew"
ok $? "... boxed by the group rule"
: >"$T/syslog"
out=$(su -s /bin/sh -c hostname alice 2>&1)
is "the next one, through su, is boxed by the group rule" "$out" "crew-box"
: >"$T/syslog"
pamtester release-debug alice open_session close_session >/dev/null 2>&1
ok $? "a later session opens"
log_has "user alice: policy index not used: .*; helper $helper_dir/nsbox-full\$"
ok $? "... and the module ran the full helper itself (the index names a group)"
write_conf <"$T/users.conf"

# Fail closed: a rootfs that is gone denies alice, never root.
rm -rf "$T/boxes/alice"
pamtester release alice open_session close_session >/dev/null 2>&1
is "a missing rootfs denies alice's session" "$?" 1
log_has "pam_nsbox\\(release:session\\): user alice denied rule=students: rootfs $T/boxes/alice: No such file or directory"
ok $? "the denial is logged with the rootfs"
pamtester release root open_session close_session >/dev/null 2>&1
ok $? "root's session still opens"

# What is left is this namespace's own setup (release_setup's overlays and
# binds, pam_setup's /etc, /dev, /run, /var/log), nothing else.
sleep 0.3
settle "$before"
extra=$(diff <(echo "$before") <(host_state) | grep '^>' |
	grep -v -e '^> /etc/' -e '/security' -e '/nsbox/nsbox-full ' -e '/nsbox/nsbox-init ' -e '/nsbox/nsbox-pam-helper ' -e ' overlay$' \
		-e '^> /dev' -e '^> /run ' -e '^> /var/log ' || true)
is "nothing left on the host but this namespace's setup (mounts, box inits)" "$extra" ""
done_testing
