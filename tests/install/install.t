#!/bin/bash
# make install into a DESTDIR: the tree admins get (paths, modes, nothing
# setuid, the helper path the module carries), and make uninstall.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/common.sh"

STAGE=$T/stage
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
PAMDIR=/lib/$MULTIARCH/security
# The default PREFIX, so the build tree's module need not be rebuilt.
out=$(make -s -C "$TOP" install DESTDIR="$STAGE" 2>&1)
ok $? "make install DESTDIR=... runs"
[ $? = 0 ] || diag "$out"

mode() { stat -c %a "$STAGE$1" 2>/dev/null; }
is "the helper: /usr/local/libexec/nsbox/nsbox, 0755" "$(mode /usr/local/libexec/nsbox/nsbox)" "755"
# What box init executes once its box is built: execute-only, so that the
# kernel keeps it non-dumpable from the exec on (helper/initprog.c).
is "beside it nsbox-init, 0711" "$(mode /usr/local/libexec/nsbox/nsbox-init)" "711"
is "and nsbox-pam-helper, 0755" "$(mode /usr/local/libexec/nsbox/nsbox-pam-helper)" "755"
is "and nsbox-full, 0755" "$(mode /usr/local/libexec/nsbox/nsbox-full)" "755"
is "the command: /usr/local/bin/nsbox points at the helper" \
	"$(readlink "$STAGE/usr/local/bin/nsbox")" "/usr/local/libexec/nsbox/nsbox"
is "the module: $PAMDIR/pam_nsbox.so, 0644" "$(mode "$PAMDIR/pam_nsbox.so")" "644"
is "the config: /etc/nsbox.conf, 0644" "$(mode /etc/nsbox.conf)" "644"
# The live config confines nobody: installing must not lock anyone out.
conf=$(cat "$STAGE/etc/nsbox.conf" 2>&1)
unlike "the installed /etc/nsbox.conf has no rule" "$conf" '^[[:space:]]*rule[[:space:]]'
like "it points at the installed example" "$conf" \
	'^#[[:space:]]+/usr/local/share/doc/nsbox/examples/nsbox\.conf$'
if is_root; then
	out=$("$NSBOX" check -f "$STAGE/etc/nsbox.conf" 2>&1)
	is "nsbox check: the installed config is valid" "$out:$?" ":0"
	out=$("$NSBOX" check -f "$STAGE/etc/nsbox.conf" -u nobody 2>&1)
	is "nsbox check -u: nobody is confined by it" "$out" "nobody: not confined (no rule matches)"
else
	skip "nsbox check wants a root-owned config" "nsbox check: the installed config is valid"
	skip "nsbox check wants a root-owned config" "nsbox check -u: nobody is confined by it"
fi
is "the example: /usr/local/share/doc/nsbox/examples/nsbox.conf, 0644" \
	"$(mode /usr/local/share/doc/nsbox/examples/nsbox.conf)" "644"
ok $(cmp -s "$TOP/conf/nsbox.conf" "$STAGE/usr/local/share/doc/nsbox/examples/nsbox.conf"; echo $?) \
	"the example is conf/nsbox.conf, with its rules"
is "pam-auth-update profiles: nsbox, nsbox-leave" \
	"$(ls "$STAGE/usr/share/pam-configs" 2>&1 | tr '\n' ' ')" "nsbox nsbox-leave "
like "the AppArmor profile names the installed nsbox and nsbox-full" \
	"$(cat "$STAGE/etc/apparmor.d/nsbox" 2>&1)" "profile nsbox /usr/local/libexec/nsbox/\{nsbox,nsbox-full\} "
for page in man1/nsbox.1 man5/nsbox.conf.5 man8/pam_nsbox.8; do
	if [ -d "$TOP/man" ]; then
		is "man page $page, 0644" "$(mode "/usr/local/share/man/$page")" "644"
	else
		skip "no man pages in this tree" "man page $page"
	fi
done
is "nothing setuid or setgid in the tree" "$(find "$STAGE" -perm /6000 | wc -l)" "0"
is "no file writable by group or others" "$(find "$STAGE" -type f -perm /022 | wc -l)" "0"
ok $(strings "$STAGE$PAMDIR/pam_nsbox.so" | grep -qx /usr/local/libexec/nsbox/nsbox-pam-helper; echo $?) \
	"the module runs the installed static helper"
ok $(! strings "$STAGE$PAMDIR/pam_nsbox.so" | grep -q 'helper='; echo $?) \
	"the installed module does not take helper="
out=$("$TOP/build/tools/dlcheck" "$STAGE$PAMDIR/pam_nsbox.so" 2>&1)
ok $? "the installed module loads with dlopen(RTLD_NOW)"

# An admin's config is never overwritten; the policy indexes of the build
# before are dropped (a cache).
echo "# mine" >"$STAGE/etc/nsbox.conf"
mkdir -p "$STAGE/run/nsbox/index" && : >"$STAGE/run/nsbox/index/0123456789abcdef"
make -s -C "$TOP" install DESTDIR="$STAGE" >/dev/null 2>&1
is "a second make install keeps the admin's /etc/nsbox.conf" "$(cat "$STAGE/etc/nsbox.conf")" "# mine"
ok $([ ! -e "$STAGE/run/nsbox/index" ]; echo $?) "... and removes /run/nsbox/index"
rmdir "$STAGE/run/nsbox" "$STAGE/run"
is "and leaves no temporary file in /etc" "$(ls "$STAGE/etc")" "apparmor.d
nsbox.conf"

make -s -C "$TOP" uninstall DESTDIR="$STAGE" >/dev/null 2>&1
is "make uninstall leaves only the admin's config" \
	"$(cd "$STAGE" && find . -type f -o -type l | sort | tr '\n' ' ')" "./etc/nsbox.conf "
done_testing
