#!/bin/bash
# readonly_paths: host paths bound read-only at the same place in the box.
# The key is one entry of the config table (helper/configkeys.c) and one
# list of mount entries (helper/policy.c plan_readonly_paths), walked and
# cloned on the host as bind sources are.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
add_user alice 62001
make_box alice
H=$T/home/alice
mkdir -p "$T/shared/docs" "$H/locked"
echo "host document" >"$T/shared/docs/readme"
chmod -R go-w "$T/shared"
chgrp alice "$T/shared/docs" && chmod g+w "$T/shared/docs"
chown alice "$H/locked"
echo "her key" >"$H/locked/key"
chown alice "$H/locked/key"
# The place in the box: the rootfs is read-only to box init, so the admin
# makes it, as for a bind target.
mkdir -p "$T/boxes/alice$T/shared/docs"
write_conf <<EOF
rule ro {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	hostname = "%u-box"
	bind { source = "%h" }
	readonly_paths = {"$T/shared/docs", "%h/locked"}
}
EOF
before=$(host_state)

out=$(drive alice -c "cat $T/shared/docs/readme; touch $T/shared/docs/new" 2>&1)
like "a readonly path shows the host's files in the box" "$out" "host document"
like "... and cannot be written there, though her group may on the host" "$out" \
	"Read-only file system"
out=$(drive alice -c "echo y >$H/own && echo HOME-OK; cat $H/locked/key; touch $H/locked/key" 2>&1)
like "her bound home stays writable in the box" "$out" "HOME-OK"
like "%h/locked: her files are readable in the box" "$out" "her key"
like "... and read-only there, though hers on the host" "$out" "Read-only file system"
setpriv --reuid=alice --regid=alice --clear-groups sh -c "echo host >>$H/locked/key && touch $T/shared/docs/mine"
ok $? "control: on the host she writes %h/locked and the shared directory"
rm -f "$T/shared/docs/mine"
is "no box wrote to the host's readonly path" "$(ls "$T/shared/docs")" "readme"

# A read-only mount sits on one name: renaming it away would let her make
# the path anew, writable. It is a mount point: rename gives EBUSY.
out=$(drive alice -c "mv $H/locked $H/moved" 2>&1)
like "her readonly path cannot be renamed away" "$out" "can't rename .*locked.*busy"

out=$("$NSBOX" check -v -f "$CONF" 2>&1)
like "nsbox check -v lists the readonly paths" "$out" "readonly_paths: $T/shared/docs %h/locked"

# Fail closed: a readonly path the user replaced with a symlink (to a
# directory of root's) is not followed; a missing one refuses the login.
mv "$H/locked" "$H/locked.old"
setpriv --reuid=alice --regid=alice --clear-groups ln -s /root "$H/locked"
: >"$T/syslog"
out=$(drive alice -c true 2>&1)
like "a readonly path turned into her symlink refuses the login" "$out" "failures=1"
log_has "user alice denied rule=ro: .*$H/locked"
ok $? "... saying which path"
rm "$H/locked"
: >"$T/syslog"
out=$(drive alice -c true 2>&1)
like "a missing readonly path refuses the login" "$out" "failures=1"
log_has "user alice denied rule=ro: .*$H/locked.*No such file"
ok $? "... saying which"
mv "$H/locked.old" "$H/locked"

# Deeper in a writable bind, a directory above the path is hers to rename
# (mv ~/.config ~/.old; mkdir -p ~/.config/systemd/user): the attack that
# an outside review ran against the first version, which let her write the
# host's ~/.config/systemd. Refused now, saying why.
mkdir -p "$H/.config/systemd"
chown -R alice "$H/.config"
write_conf <<EOF
rule ro {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	bind { source = "%h" }
	readonly_paths = {"%h/.config/systemd"}
}
EOF
: >"$T/syslog"
out=$(drive alice -c "mv $H/.config $H/.config.old && mkdir -p $H/.config/systemd && echo evil >$H/.config/systemd/evil.service" 2>&1)
like "a readonly path a rename could undo refuses the login" "$out" "failures=1"
ok $([ ! -e "$H/.config/systemd/evil.service" ]; echo $?) "... and the host's ~/.config/systemd got nothing"
log_has "rule ro: readonly_paths $H/.config/systemd: a directory above it lies inside a writable bind"
ok $? "... saying why"

# A readonly path must be an absolute box path: "/" and /proc are nsbox's.
write_conf <<EOF
rule ro {
	users = {"alice"}
	rootfs = "$T/boxes/%u"
	readonly_paths = {"/proc/sys"}
}
EOF
out=$("$NSBOX" check -f "$CONF" 2>&1)
like "readonly_paths in /proc is refused, naming file and line" "$out" \
	"$CONF:4: readonly_paths \"/proc/sys\": /, /proc and /dev inside the box belong to nsbox"

no_leftovers "$before"
done_testing
