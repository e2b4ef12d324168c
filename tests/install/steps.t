#!/bin/bash
# README.md's "On Debian, step by step", every step, as root in a private
# mount namespace: make install into a DESTDIR whose files are then shown
# at their installed paths in this namespace only (nothing is installed on
# the host), README's rootfs, config and pam.d blocks run as written,
# nsbox check, Debian's sshd_config, and confined and unconfined ssh logins
# through Debian's own /etc/pam.d/sshd.
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
[ -d /srv ] || skip_all "no /srv here (README's rootfs lives in it)"
STAGE=$T/stage
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
PAM_MODULE_DIR=/lib/$MULTIARCH/security
# What the module runs: the static helper, beside nsbox, nsbox-full and
# nsbox-init.
HELPER=/usr/local/libexec/nsbox/nsbox-pam-helper
# root's PATH on Debian
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- 1. make && make install -------------------------------------------------
# The default PREFIX, as README says (and so the build tree's module, which
# carries the helper path, need not be rebuilt).
out=$(make -s -C "$TOP" install DESTDIR="$STAGE" 2>&1)
ok $? "step 1: make install runs (into a DESTDIR)"
[ $? = 0 ] || diag "$out"
ok $(strings "$STAGE$PAM_MODULE_DIR/pam_nsbox.so" | grep -qx "$HELPER"; echo $?) \
	"step 1: the installed module runs $HELPER"
# What make install without DESTDIR writes, shown here only (before
# pam_setup: show_at's overlays on /etc and /usr/local would hide its binds).
for f in "$HELPER" "${HELPER%/*}/nsbox" "${HELPER%/*}/nsbox-full" "${HELPER%/*}/nsbox-init" \
	/usr/local/bin/nsbox "$PAM_MODULE_DIR/pam_nsbox.so" \
	/etc/nsbox.conf; do
	show_at "$STAGE$f" "$f" || { echo "Bail out! cannot show $f"; exit 1; }
done
pam_setup
is "step 1: nsbox is on root's PATH" "$(command -v nsbox)" /usr/local/bin/nsbox

# --- 2. the rootfs --------------------------------------------------------------
mount -t tmpfs -o mode=0755 nsbox-test-srv /srv
code=$(readme_block rootfs)
[ -n "$code" ] || { echo "Bail out! README.md has no rootfs block"; exit 1; }
(cd "$TOP" && sh -e -c "$code") >"$T/rootfs.out" 2>&1
ok $? "step 2: README's rootfs command runs"
ok $([ -x /srv/nsbox/rootfs/bin/busybox ] && [ "$(stat -c %u /srv/nsbox/rootfs)" = 0 ]; echo $?) \
	"step 2: /srv/nsbox/rootfs is a root-owned busybox rootfs"

# --- 3. users and /etc/nsbox.conf ------------------------------------------------
# groupadd/usermod cannot replace the bound /etc/group; add_group does the same.
add_user alice 62001
add_user bob 62002
add_group nsboxed 62900 alice
code=$(readme_block config)
[ -n "$code" ] || { echo "Bail out! README.md has no config block"; exit 1; }
printf '%s\n' "$code" >/etc/nsbox.conf
is "step 3: /etc/nsbox.conf is the installed file, root's, 0644" \
	"$(stat -c '%U %a' /etc/nsbox.conf)" "root 644"

# --- 4. nsbox check ----------------------------------------------------------------
out=$(nsbox check 2>&1)
rc=$?
is "step 4: nsbox check prints nothing" "$out" ""
is "step 4: and exits 0" "$rc" 0
out=$(nsbox check -u alice 2>&1)
is "step 4: nsbox check -u alice says what README says" "$out" \
	"alice: confined by rule boxed: rootfs /srv/nsbox/rootfs, hostname alice-box, on_error deny"
ok $(tr '\n' ' ' <"$TOP/README.md" | tr -s ' ' | grep -qF "(\`$out\`)"; echo $?) \
	"step 4: README quotes that line"

# --- 5. pam.d: Debian's stock sshd, login, su-l, README's edit (ssh_setup) ---------
out=$(nsbox check -p "$T/host-pam.d" 2>&1)
is "step 5: before the edit nsbox check has nothing to say about pam.d" "$out" ""
ssh_setup
out=$(nsbox check 2>&1)
rc=$?
is "step 5: after README's edit nsbox check is silent" "$out" ""
is "step 5: and exits 0" "$rc" 0
for s in sshd login su-l; do
	is "step 5: /etc/pam.d/$s has one leave and one confining line" \
		"$(grep -c '^session optional pam_nsbox.so leave$' /etc/pam.d/$s)/$(grep -c '^session required pam_nsbox.so pty=su,su-l$' /etc/pam.d/$s)" \
		"1/1"
done

# --- 6. sshd_config ----------------------------------------------------------------
if [ -f /etc/ssh/sshd_config ]; then
	ok $(grep -Eqx 'UsePAM +yes' /etc/ssh/sshd_config; echo $?) \
		"step 6: the host's sshd_config has UsePAM yes, as README says (the test sshd's too)"
else
	skip "no /etc/ssh/sshd_config here" "step 6: UsePAM yes"
fi

# --- 7. ssh ---------------------------------------------------------------------
for u in alice bob root; do ssh_authorize $u; done
before=$(host_state)
sshd_start
is "step 7: ssh alice@localhost hostname prints alice-box" "$(ssh_as alice hostname 2>&1)" alice-box
is "step 7: bob (not in nsboxed) logs in as before" "$(ssh_as bob hostname 2>&1)" "$(hostname)"
is "step 7: root logs in as before" "$(ssh_as root hostname 2>&1)" "$(hostname)"
out=$(ssh_as alice 'echo "pid1=$(cat /proc/1/comm) home=$(cd && pwd)"' 2>&1)
is "step 7: alice's shell is in the box, with her home" "$out" "pid1=nsbox-init home=$T/home/alice"
sshd_stop
no_leftovers "$before"
done_testing
