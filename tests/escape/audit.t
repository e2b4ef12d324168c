#!/bin/bash
# The rootfs audit and its record (issue 14): the entries of a rootfs's
# code directories (libraries, NSS and PAM modules, PAM's and ld.so's
# configuration) are audited once per state of the rootfs, and the record
# in /run/nsbox/audit is trusted only while every directory the audit
# relied on is as the kernel reported it then. Each change below is made
# by root while a record is in use (the login before it is shown to trust
# the record), and the next login must be refused as it is without a
# record. Each "refused" block was run with the record's check disabled
# (record_holds() returning true whenever a record exists) and failed
# there; the blocks marked "new" also fail on the code before this audit
# (the audit did not look there).
. "$(dirname "$0")/../lib/root.sh"
pam_setup
MA=$(gcc -print-multiarch)

add_user alice 62001
BOX_UIDS=62001
make_box rec
R=$T/boxes/rec
mkdir -p "$R/lib/$MA" "$R/usr/lib" "$R/usr/local/lib" "$R/opt/a" "$R/home/alice"
mkdir -m 1777 "$R/data"
: >"$R/lib/$MA/libnss_files.so.2"
ln -s "../../lib/$MA/libnss_files.so.2" "$R/usr/lib/libnss_files.so.2"
chown alice "$R/home/alice"
conf() { # conf [RULE LINES...]: alice in the box at $R
	write_conf <<EOF
rule main {
	users = {"alice"}
	hostname = "%u-box"
	${*:-rootfs = \"$R\"}
}
EOF
}
conf
before=$(host_state)

login() {
	: >"$T/syslog"
	OUT=$(timeout 20 "$DRIVER" -c hostname nsbox-test alice 2>&1)
}
passes() { # passes WHAT ['log ERE']
	login
	like "$1: the login passes" "$OUT" "^alice-box$"
	if [ -n "${2:-}" ]; then
		log_has "$2"
		ok $? "$1: logged: $2"
	fi
}
refused() { # refused WHAT 'log ERE'
	login
	unlike "$1: the login is refused" "$OUT" "^open=0 "
	log_has "$2"
	ok $? "$1: logged: $2"
	[ $? = 0 ] || diag "$(cat "$T/syslog")"
}
# prime WHAT: a record of the rootfs as it is now, in use. A state younger
# than 2 s is never recorded (its directories' times could repeat), hence
# the wait.
prime() {
	sleep 2.2
	login
	passes "$1: the next login" "rootfs $R: code directories as audited \\(record "
	! grep -q "code directories audited in full" "$T/syslog"
	ok $? "$1: ... trusts the record (no full audit)"
}

# --- the record itself ---------------------------------------------------------
passes "a rootfs changed less than 2 s ago" "code directories audited in full, not recorded: a directory changed less than 2 s before the audit"
sleep 2.2
passes "a rootfs older than 2 s" "rootfs $R: code directories audited in full and recorded"
prime "a fresh rootfs"
rec=$(ls /run/nsbox/audit/)
is "one record, root's, 0600, in a directory of root's, 0700" \
	"$(stat -c '%U %a' /run/nsbox/audit "/run/nsbox/audit/$rec" | tr '\n' ' ')" "root 700 root 600 "
cp "/run/nsbox/audit/$rec" "$T/record"
head -c 100 /dev/urandom | dd of="/run/nsbox/audit/$rec" bs=1 seek=40 conv=notrunc 2>/dev/null
passes "a record that is not what nsbox wrote" "code directories audited in full: a record nsbox did not write"
cp "$T/record" "/run/nsbox/audit/$rec"
chown alice "/run/nsbox/audit/$rec"
passes "a record owned by a user" "code directories audited in full: a record nsbox did not write"
cp "$T/record" "/run/nsbox/audit/$rec"

# --- root's changes that touch a directory ---------------------------------------
prime "before a user-owned file"
: >"$R/lib/$MA/evil.so"
chown alice "$R/lib/$MA/evil.so"
refused "a user-owned file root adds to a library directory" "$R/lib/$MA/evil.so is owned by uid 62001"
rm "$R/lib/$MA/evil.so"

prime "before a symlink"
ln -s /home/alice/x.so "$R/lib/$MA/libnss_x.so.2"
refused "a symlink root adds, into the user's directory" \
	"libnss_x.so.2 \\(a directory above what it points to\\) is owned by uid 62001"
rm "$R/lib/$MA/libnss_x.so.2"

prime "before a directory is swapped"
mkdir -p "$T/swap/$MA"
: >"$T/swap/$MA/libnss_files.so.2"
chown alice "$T/swap/$MA/libnss_files.so.2"
mv "$R/lib" "$T/lib.old" && mv "$T/swap" "$R/lib"
refused "root swaps /lib for a tree with a user-owned library" "$R/lib/$MA/libnss_files.so.2 is owned by uid 62001"
rm -rf "$R/lib" && mv "$T/lib.old" "$R/lib"

prime "before a mount"
mkdir -p "$T/mnt"
: >"$T/mnt/libnss_files.so.2"
chown alice "$T/mnt/libnss_files.so.2"
mount --bind "$T/mnt" "$R/lib/$MA"
refused "root mounts a directory with a user-owned library over a library directory" \
	"$R/lib/$MA/libnss_files.so.2 is owned by uid 62001"
umount "$R/lib/$MA"

# --- root's changes that leave every directory as it was: nsbox check --------------
# chown, chmod and setfacl change the file alone (its ctime), and only root
# can make them (the audit requires every entry to be root's): the record
# still holds; `nsbox check` audits in full, drops the record, and the next
# login is refused as without one.
prime "before a chown"
chown alice "$R/lib/$MA/libnss_files.so.2"
out=$("$NSBOX" check -f "$CONF" 2>&1)
like "after root's chown, nsbox check audits in full and says why the login would be refused" "$out" \
	"user alice would be refused: $R/lib/$MA/libnss_files.so.2 is owned by uid 62001"
is "... and drops the record" "$(ls -A /run/nsbox/audit)" ""
refused "the login after nsbox check" "$R/lib/$MA/libnss_files.so.2 is owned by uid 62001"
chown root "$R/lib/$MA/libnss_files.so.2"
out=$("$NSBOX" check -f "$CONF" 2>&1)
is "nsbox check passes again after the chown back" "$out" ""

# --- what the audit now also looks at (new) --------------------------------------------
prime "before usr/local is opened"
chmod 0777 "$R/usr/local"
refused "new: a directory on the way to a code directory that others can write" \
	"$R/usr/local \\(a directory on the way to code directory usr/local/lib\\) is writable by group or others"
chmod 0755 "$R/usr/local"
: >"$R/home/alice/y.so"
ln -s /home/alice/y.so "$R/opt/a/y.so"
ln -s /opt/a/y.so "$R/lib/$MA/libnss_y.so.2"
refused "new: a link to root's link to a root-owned file in the user's directory" \
	"libnss_y.so.2 \\(a directory above what it points to\\) is owned by uid 62001"
rm "$R/lib/$MA/libnss_y.so.2" "$R/opt/a/y.so" "$R/home/alice/y.so"

# --- an overlay: the upper layer is written through the box --------------------------
mkdir -m 0755 "$T/layers"
OVERLAY="rootfs_lower = \"$R\"
	rootfs_upper = \"$T/layers/%u\"
	share = \"user\"
	linger = \"0\""
conf "$OVERLAY"
prime "overlay: the lower"
passes "overlay: the merged tree" "the upper layer holds nothing the lower's audit relied on"
out=$(timeout 20 "$DRIVER" -c "echo mine >/data/f; echo x >/lib/$MA/evil.so" nsbox-test alice 2>&1)
like "overlay: the user writes in the box" "$(cat "$T/layers/alice/upper/data/f" 2>&1)" "^mine$"
like "overlay: ... but not in a library directory" "$out" "evil.so: (Permission denied|Read-only)"
passes "overlay: after the user's writes, the lower's audit still stands" \
	"the upper layer holds nothing the lower's audit relied on"
mkdir -p "$T/layers/alice/upper/lib/$MA"
: >"$T/layers/alice/upper/lib/$MA/evil.so"
chown alice "$T/layers/alice/upper/lib/$MA/evil.so"
refused "overlay: a user-owned library root puts in the upper layer" \
	"lib/$MA/evil.so is owned by uid 62001"
log_has "code directories audited in full \\(the upper layer has lib, where the lower's audit looked\\)"
ok $? "overlay: ... found by a full audit of the merged tree"
rm -rf "$T/layers/alice/upper/lib"
passes "overlay: without it, the login passes again"

sleep 0.3
no_leftovers "$before"
done_testing
