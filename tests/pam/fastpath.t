#!/bin/bash
# The policy index (common/policyindex.h): a user no rule names logs in
# without the helper being run, once the helper has indexed the config
# (at the first login after any edit); anything that makes the index
# doubtful (the config's bytes are not the index's copy, even where the
# file's stat did not change, the index
# tampered with, replaced, unowned or in a writable directory, root while
# confine_root = true, a rule naming the user's group) sends the login to
# the helper, which decides as before. The helper runs through a wrapper
# that counts its executions.
. "$(dirname "$0")/../lib/root.sh"
pam_setup

add_user alice 62401
add_user bob 62402
add_user carol 62403
add_user dave 62404
add_user erin 62405
add_group students 62450 carol
# dave's gid 62460 is "team" to the name service; a rule may name it
# "teamalias", a second name of the same gid.
add_group team 62460 dave
add_group teamalias 62460
make_box fp

EXECS=$T/helper-execs
: >"$EXECS"
cat >"$T/counting-helper" <<EOF
#!/bin/sh
echo run >>$EXECS
exec $NSBOX_PAM "\$@"
EOF
chmod 0755 "$T/counting-helper"
write_service fastpath "helper=$T/counting-helper config=$CONF debug"
INDEX_DIR=/run/nsbox/index

execs() { wc -l <"$EXECS"; }
# login USER: a pamtester session of USER on the fastpath service, with
# the syslog emptied first; sets RAN to the number of helper runs it took.
login() {
	: >"$T/syslog"
	before=$(execs)
	out=$(pamtester fastpath "$1" open_session close_session 2>&1)
	rc=$?
	RAN=$(($(execs) - before))
	[ $rc = 0 ] || diag "pamtester $1: $out"
	return $rc
}
index_file() { find "$INDEX_DIR" -maxdepth 1 -type f ! -name '*.tmp' 2>/dev/null | head -n 1; }

conf_for() { # conf_for "USERS" ["GROUPS"] [top-level lines]
	cat <<EOF
${3:-}
rule named {
	users = {$1}
	rootfs = "$T/boxes/fp"
	hostname = "named"
}
rule by_group {
	groups = {${2:-\"students\"}}
	rootfs = "$T/boxes/fp"
	hostname = "grouped"
}
EOF
}

conf_for '"alice"' | write_conf

# --- the first login indexes, the next ones skip the helper ---------------
login bob
ok $? "bob (named by no rule) logs in"
is "the first login runs the helper (no index yet)" "$RAN" 1
log_has "user bob: policy index not used: no index" || diag "$(cat "$T/syslog")"
ok $? "... and the module says why (debug)"
ix=$(index_file)
ok $([ -n "$ix" ]; echo $?) "the helper wrote an index in $INDEX_DIR"
is "the index is root's, 0600, in root's 0700 directories" \
	"$(stat -c '%U %a' "$ix" "$INDEX_DIR" /run/nsbox 2>&1 | tr '\n' ' ')" "root 600 root 700 root 700 "
python3 -c 'import sys; sys.exit(open(sys.argv[1], "rb").read() not in open(sys.argv[2], "rb").read())' \
	"$CONF" "$ix"
ok $? "the index carries the config's bytes"

login bob
ok $? "bob logs in again"
is "the second login of bob runs no helper" "$RAN" 0
log_has "user bob not boxed: no rule matches \(policy index\)"
ok $? "... and is logged as decided from the index"
login erin
is "another unnamed user (erin): no helper either" "$RAN" 0

login root
ok $? "root logs in"
is "root, exempt by default: no helper" "$RAN" 0
log_has "user root not boxed: root is exempt \(confine_root = false\) \(policy index\)"
ok $? "... logged as exempt, from the index"

drive_out=$(drive erin -c 'echo host=$(hostname)' 2>&1)
like "a session of an unnamed user runs on the host" "$drive_out" "^host=$(hostname)$"

# --- whom a rule names still gets the helper and a box -------------------
login alice
ok $? "alice (named) logs in"
is "alice's login runs the helper" "$RAN" 1
log_has "user alice boxed rule=named"
ok $? "... and alice is boxed"
login carol
is "carol (a member of the students rule's group) runs the helper" "$RAN" 1
log_has "user carol boxed rule=by_group"
ok $? "... and is boxed by the group rule"

# --- a change of the config is seen at the very next login --------------
# Same size, same inode, written in place right away.
old_size=$(stat -c %s "$CONF")
sed 's/"alice"/"bob"  /' "$CONF" >"$T/conf.bob"
cat "$T/conf.bob" >"$CONF"
is "(the edited config has the same size and inode)" "$(stat -c %s "$CONF")" "$old_size"
login bob
ok $? "bob logs in right after a rule names him"
is "bob's next login runs the helper" "$RAN" 1
log_has "user bob: policy index not used: the config changed since it was indexed"
ok $? "... because the config changed"
log_has "user bob boxed rule=named"
ok $? "... and bob is boxed on that very login"

login bob
log_has "user bob boxed rule=named"
ok $? "bob stays boxed at his next login"
login erin
is "erin: no helper again, the helper indexed the edited config at once" "$RAN" 0

# --- an edit through a shared mmap changes the bytes, not the stat ------
# A security review's repro: root edits the config in place through a shared
# mapping. ext4 stamps the times at the first write fault of a clean page
# only; a second write to the same (still dirty) page leaves size, inode,
# mtime and ctime as they were. Only the config's bytes say what changed.
conf_for '"alice"' '"students"' | write_conf
coproc MMAP { python3 -c '
import mmap, sys
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 0)  # MAP_SHARED
for line in sys.stdin:
    old, new = line.rstrip("\n").split("\t")
    i = m.find(old.encode())
    if i < 0 or len(old) != len(new):
        print("miss", flush=True)
        continue
    m[i:i + len(new)] = new.encode()
    print("done", flush=True)
' "$CONF"; }
# mmap_edit OLD NEW: the same-length edit OLD -> NEW through the mapping.
mmap_edit() {
	printf '%s\t%s\n' "$1" "$2" >&"${MMAP[1]}"
	read -r MMAP_SAID <&"${MMAP[0]}"
	[ "$MMAP_SAID" = done ]
}
mmap_edit '"alice"' '"zoe__"'
ok $? "(first edit through the mapping: the rule names zoe__ instead)"
# Old enough for any rule that trusts a config by its age to index it:
# the test must not pass only because the config is fresh.
sleep 2.5
login erin
is "erin's first login after the edit runs the helper, which indexes it" "$RAN" 1
login erin
is "(then erin needs no helper: the index is of the edited config)" "$RAN" 0
stat_before=$(stat -c '%s %i %Y.%y %Z.%z' "$CONF")
mmap_edit '"zoe__"' '"bob"  '
ok $? "(second edit through the same mapping: the rule names bob, same size)"
# The kernel stamps ctime at the first write to a clean page: if it wrote
# the page back in between (under load), this run shows an ordinary edit.
if [ "$(stat -c '%s %i %Y.%y %Z.%z' "$CONF")" = "$stat_before" ]; then
	ok 0 "(the stat did not change: size, inode, mtime, ctime)"
else
	skip "the page was written back between the two edits: the stat changed" \
		"(the stat did not change: size, inode, mtime, ctime)"
fi
login bob
ok $? "bob logs in right after the second edit names him"
is "bob's login runs the helper: the config's bytes are not the index's" "$RAN" 1
log_has "user bob boxed rule=named"
ok $? "... and bob is boxed"
drive_out=$(drive bob -c 'hostname' 2>&1)
like "bob's session runs in the named rule's box" "$drive_out" "^named$"
eval "exec ${MMAP[1]}>&-"
wait "$MMAP_PID"

# A new file renamed over the config (an editor's way).
conf_for '"alice"' >"$T/conf.new"
chmod 0644 "$T/conf.new"
mv "$T/conf.new" "$CONF"
login erin
is "a config replaced by rename: the helper again" "$RAN" 1
log_has "user erin not boxed: no rule matches$"
ok $? "... which finds erin unconfined"
login erin
is "then erin needs no helper (that login indexed the renamed config)" "$RAN" 0

# --- a doubtful index is not used -----------------------------------------
ix=$(index_file)
chmod 0666 "$ix"
login erin
ok $? "erin logs in with a world-writable index"
is "a world-writable index is not used: the helper runs" "$RAN" 1
log_has "user erin: policy index not used: no index that only root can have written"
ok $? "... and the module says why"
is "the helper put a sound index back (0600)" "$(stat -c %a "$ix")" 600
login erin
is "... which the next login uses" "$RAN" 0

mv "$ix" "$ix.real"
ln -s "$ix.real" "$ix"
login erin
ok $? "erin logs in with the index replaced by a symlink"
is "a symlinked index is not followed: the helper runs" "$RAN" 1
ok $([ -f "$ix" ] && [ ! -L "$ix" ]; echo $?) "the helper replaced the symlink by a file"
rm -f "$ix.real"

chown 1 "$ix"
login erin
is "an index not owned by root is not used" "$RAN" 1
is "(the helper made it root's again)" "$(stat -c %u "$ix")" 0

chmod 0777 "$INDEX_DIR"
login erin
ok $? "erin logs in while the index directory is world-writable"
is "an index in a world-writable directory is not used" "$RAN" 1
log_has "policy index of $CONF not written"
ok $? "the helper refuses to write into that directory, with a warning"
chmod 0700 "$INDEX_DIR"

# Where the helper refuses to write, the module refuses to read: a sticky
# world-writable directory too (others could add names there), for
# /run/nsbox/index and for /run/nsbox.
for dir in "$INDEX_DIR" /run/nsbox; do
	chmod 1777 "$dir"
	login erin
	ok $? "erin logs in while $dir is sticky and world-writable"
	is "... and the index in it is not used" "$RAN" 1
	log_has "user erin: policy index not used: no index that only root can have written"
	ok $? "... and the module says why"
	log_has "policy index of $CONF not written"
	ok $? "... where the helper refuses to write"
	chmod 0700 "$dir"
done
login erin
is "(root's 0700 directories again: the index is used)" "$RAN" 0

# A second link to the index: the helper writes a new file in its place,
# and the module uses no index the helper would not keep.
ln "$ix" /run/nsbox/index-link
login erin
ok $? "erin logs in with the index hard-linked elsewhere"
is "an index with two links is not used" "$RAN" 1
is "(the helper put a file with one link in its place)" "$(stat -c %h "$ix")" 1
login erin
is "... which the next login uses" "$RAN" 0
rm -f /run/nsbox/index-link

chmod 0640 "$ix"
login erin
is "an index readable by its group is not used (the helper writes 0600)" "$RAN" 1
is "(the helper made it 0600 again)" "$(stat -c %a "$ix")" 600

head -c -1 "$ix" >"$T/short" && cat "$T/short" >"$ix"
login erin
ok $? "erin logs in with a truncated index"
is "a truncated index is not used" "$RAN" 1
log_has "user erin: policy index not used: the index is not one of this version"
ok $? "... and the module says why"

# An index of another build of nsbox (its helper may parse or match
# otherwise), the same in every other byte.
build_id=$(sed -n 's/^#define NSBOX_BUILD_ID "\(.*\)"$/\1/p' "$TOP/build/build-id.h")
like "(the build's identity: the version and a hash)" "$build_id" '^[0-9.]+-[0-9a-f]{16}$'
login erin
python3 -c 'import sys; sys.exit(sys.argv[1].encode() not in open(sys.argv[2], "rb").read())' \
	"$build_id" "$ix"
ok $? "the index carries the build's identity"
python3 -c '
import sys
id = sys.argv[1].encode()
other = id[:-1] + (b"0" if id[-1:] != b"0" else b"1")
data = open(sys.argv[2], "rb").read()
open(sys.argv[2], "wb").write(data.replace(id, other))
' "$build_id" "$ix"
login erin
ok $? "erin logs in with an index of another build"
is "an index of another build is not used" "$RAN" 1
log_has "user erin: policy index not used: the index is of another build of nsbox"
ok $? "... and the module says why"
login erin
is "(the helper put this build's back)" "$RAN" 0

# An index of another config at this config's name, bytes and all.
cp "$ix" "$T/index.alice"
conf_for '"alice", "erin"' | write_conf
login alice
cp "$T/index.alice" "$ix"
login erin
is "an index of the config before (erin not named then) is not used" "$RAN" 1
log_has "user erin boxed rule=named"
ok $? "... and erin, named now, is boxed"

# --- root while confine_root = true ---------------------------------------
conf_for '"alice"' "" "confine_root = true" | write_conf
login erin
is "(the helper indexes the confine_root config)" "$RAN" 1
login erin
is "(erin then needs no helper)" "$RAN" 0
login root
ok $? "root logs in under confine_root = true (no rule names root)"
is "root is not decided from the index when confine_root = true" "$RAN" 1
log_has "user root: policy index not used: root is not exempt"
ok $? "... and the module says why"
log_has "user root not boxed: no rule matches$"
ok $? "the helper finds no rule for root"

# --- a rule naming a group: the user's groups are looked up --------------
conf_for '"alice"' '"teamalias"' | write_conf
login erin
is "(the helper indexes the group config)" "$RAN" 1
login erin
is "erin, in no named group: no helper" "$RAN" 0
login dave
is "dave, whose gid is teamalias's under another name: the helper" "$RAN" 1
log_has "user dave boxed rule=by_group"
ok $? "... which boxes dave by gid"
drive_out=$(drive dave -c 'hostname' 2>&1)
like "dave's session runs in the group rule's box" "$drive_out" "^grouped$"

# --- a rule naming a group that does not exist: always the helper --------
# Where the module runs, "no such group" may be a name service the login
# program's environment cannot reach (glibc says ENOENT for a missing sssd
# socket): the module is never sure of it, and asks the helper.
conf_for '"alice"' '"nosuchgroup62499"' | write_conf
login erin
is "(the helper indexes the config)" "$RAN" 1
login erin
ok $? "erin logs in under a rule naming a group that does not exist"
is "... and the helper runs again: a group not found is unsure" "$RAN" 1
log_has "user erin: policy index not used: a group lookup failed"
ok $? "... and the module says why"
log_has "user erin not boxed: no rule matches$"
ok $? "the helper finds no rule for erin"
login root
is "root, exempt, needs no group lookup: no helper" "$RAN" 0

# --- no rule names a group, then one does --------------------------------
# The helper never takes the user's groups from the module: it looks them
# up itself when the config it reads (later than the module read the
# index, maybe edited meanwhile) names a group.
printf 'rule named {\n\tusers = {"alice"}\n\trootfs = "%s"\n\thostname = "named"\n}\n' \
	"$T/boxes/fp" | write_conf
login erin
is "(the first login after the edit indexes it)" "$RAN" 1
login alice
ok $? "alice logs in under a config that names no group"
log_has "user alice boxed rule=named"
ok $? "... and alice is boxed"
login carol
log_has "user carol not boxed: no rule matches"
ok $? "carol (students) is named by no rule: not boxed"

# The config changes between the module's index read and the helper's
# config read: alice's user rule goes, a rule naming her group comes. The
# helper, paused at its start, reads the new one and looks her groups up.
add_group crew 62470 alice
TEST_HELPER=$TOP/build/tests/nsbox-pam-test
write_service fastpath-pause "helper=$TEST_HELPER config=$CONF debug test_pause=helper"
paused_login fastpath-pause alice
ok $? "alice's login paused in the helper"
conf_for '"bob"' '"crew"' | write_conf
: >"$T/syslog"
[ -n "$PAUSED" ] && kill -USR1 "$PAUSED"
# The static helper has no name service: it hands the request to the full
# helper (the same process, executed anew), which starts over and pauses
# at the same step.
wait_paused helper
ok $? "the static helper handed the request on: the full helper paused at its start"
log_has "a rule names a group: executing $TOP/build/tests/nsbox-test"
ok $? "... and said why"
[ -n "$PAUSED" ] && kill -USR1 "$PAUSED"
wait $PAUSE_DRIVER
like "the helper read the new config and looked alice's groups up: boxed by the group rule" \
	"$(cat "$T/pause.out")" "^grouped$"
log_has "user alice boxed rule=by_group"
ok $? "... logged as the group rule"

# --- groups the login program's name service hides ------------------------
# Under su or sudo the login program's environment is its caller's, and
# _SSS_LOOPS=NO (sssd) or _NO_WINBINDD=1 makes a group source answer "not
# found": getgrouplist still succeeds, short of the groups that source
# knows (hidegroups.so plays that name service). alice is named by the
# crew rule alone. The helper's own lookup still finds crew; a config path
# with a symlink keeps the index out of it.
ln -s "$CONF" "$T/conf-link-hide"
write_service fastpath-hide "helper=$T/counting-helper config=$T/conf-link-hide debug"
: >"$T/syslog"
out=$(LD_PRELOAD="${SAN_LIB:+$SAN_LIB }$TOP/build/tools/hidegroups.so" \
	"$DRIVER" -c hostname fastpath-hide alice 2>&1)
like "a name service that hides alice's group from the login program: still boxed by it" \
	"$out" "^grouped$"

# A setuid login program run by a user (su, sudo: AT_SECURE) has the
# caller's environment: while a rule names a group, the index decides
# nothing there, the helper does.
install -o root -m 4755 "$(type -P pamtester)" "$T/pamtester-suid"
out=$(setpriv --reuid=erin --regid=erin --clear-groups "$T/pamtester-suid" fastpath erin \
	open_session close_session 2>&1)
ok $? "erin logs in through a setuid pamtester she runs"
login erin
is "(the same login as root: no helper, the index decides)" "$RAN" 0
: >"$T/syslog"
before=$(execs)
setpriv --reuid=erin --regid=erin --clear-groups "$T/pamtester-suid" fastpath erin \
	open_session close_session >/dev/null 2>&1
is "through the setuid program she runs: the helper decides" "$(($(execs) - before))" 1
log_has "user erin: policy index not used: a rule names a group, and this program's environment is its caller's \(setuid\)"
ok $? "... and the module says why"
log_has "user erin not boxed: no rule matches$"
ok $? "... the helper finds no rule for erin either"
before=$(execs)
setpriv --reuid=erin --regid=erin --clear-groups "$T/pamtester-suid" fastpath root \
	open_session close_session >/dev/null 2>&1
ok $? "root's session through the setuid program (sudo's case)"
is "... needs no groups and no helper: root's exemption is the index's" "$(($(execs) - before))" 0
rm -f "$T/pamtester-suid"
# Programs that are not setuid may still pass those variables on (login
# -p, sudo's env_keep): with one set, the helper decides too.
: >"$T/syslog"
before=$(execs)
_SSS_LOOPS=NO pamtester fastpath erin open_session close_session >/dev/null 2>&1
is "_SSS_LOOPS in the program's environment: the helper decides" "$(($(execs) - before))" 1
log_has "user erin: policy index not used: a rule names a group, and _SSS_LOOPS or _NO_WINBINDD is set"
ok $? "... and the module says why"

# --- a config path with a symlink: always the helper ----------------------
ln -s "$CONF" "$T/conf-link"
write_service fastpath-link "helper=$T/counting-helper config=$T/conf-link debug"
: >"$T/syslog"
before=$(execs)
pamtester fastpath-link erin open_session close_session >/dev/null 2>&1
ok $? "erin logs in through a symlinked config path"
pamtester fastpath-link erin open_session close_session >/dev/null 2>&1
is "a symlinked config path is never decided from an index" "$(($(execs) - before))" 2

done_testing
