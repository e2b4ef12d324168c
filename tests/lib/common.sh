# common.sh: what every shell test shares. Source it after tap.sh.
# Sets TOP, NSBOX, NSBOX_FULL, ROOTFS, T (a private temp dir, removed on exit) and the
# unprivileged identity rootless tests run as.

TOP=${NSBOX_TOP:-}
[ -n "$TOP" ] || TOP=$(cd "$(dirname "$0")" && while [ ! -f Makefile ] && [ "$PWD" != / ]; do cd ..; done && pwd)
NSBOX=$TOP/helper/nsbox
# nsbox is static and has no name service; it hands what needs one (check,
# run without a command) to nsbox-full beside it (helper/front.h).
NSBOX_FULL=$TOP/helper/nsbox-full
# What pam_nsbox.so executes: the static PAM helper, which hands what needs
# a name service to $NSBOX_FULL beside it (helper/pammain.c).
NSBOX_PAM=$TOP/helper/nsbox-pam-helper
# What box init executes once its box is built (helper/initprog.c).
NSBOX_INIT=$TOP/helper/nsbox-init
ROOTFS=$TOP/build/rootfs
# An uid/gid with no passwd entry and not the overflow id 65534, so "uid
# inside equals uid outside" cannot pass by accident.
TEST_UID=61234
TEST_GID=61234

for p in "$NSBOX" "$NSBOX_FULL"; do
	[ -x "$p" ] || { echo "Bail out! $p is not built (run make)"; exit 1; }
done
# make check SANITIZE=1: the module is built with ASan, so programs that
# load it and are not built with it (pamtester, su, sshd) need the runtime
# first. Leaks are reported by our own programs (the helper exits non-zero
# on one), not by every tool of the test.
SAN_ENV=()
SAN_LIB=""
if [ -f "$TOP/build/sanitize" ]; then
	SAN_LIB=$(cat "$TOP/build/sanitize")
	SAN_ENV=(env "LD_PRELOAD=$SAN_LIB" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1)
fi
pamtester() { "${SAN_ENV[@]}" /usr/bin/pamtester "$@"; }
su() { "${SAN_ENV[@]}" /bin/su "$@"; }
SU_CMD="${SAN_ENV[*]} su"
[ -f "$ROOTFS/.built" ] || { echo "Bail out! $ROOTFS is not built (run make rootfs)"; exit 1; }

T=$(mktemp -d /tmp/nsbox-test.XXXXXX)
# Searchable by the test users: init walks paths with their permissions.
chmod 0755 "$T"
cleanup_hooks=""
# static_without_nss PROGRAM WHAT: PROGRAM (WHAT names it) has no program
# interpreter (no dynamic loader at each start), needs no shared library
# and holds no symbol of glibc's name service code (helper/nonss.c). Three
# tests; skipped with make check SANITIZE=1, which links it dynamically
# (no static sanitizer runtime, Makefile).
static_without_nss() {
	if [ -n "$SAN_LIB" ]; then
		for what in "no program interpreter" "no shared library" "no name service code"; do
			skip "built with SANITIZE=1, $2 is linked dynamically" "$2: $what"
		done
		return
	fi
	ok $(! readelf -lW "$1" | grep -q INTERP; echo $?) "$2 is static: no program interpreter"
	ok $(! readelf -dW "$1" | grep -q NEEDED; echo $?) "... and needs no shared library"
	is "... and holds no name service code of glibc's (no nss symbol)" \
		"$(nm "$1" | grep -ci nss)" "0"
}

at_exit() { cleanup_hooks="$*; $cleanup_hooks"; }
run_cleanup() {
	eval "$cleanup_hooks"
	# Unmount what the test mounted under $T (in its private namespace),
	# then remove $T without ever crossing into a mount that is left: a
	# bind of /dev must not lose its device nodes to rm.
	findmnt -rn -o TARGET | grep "^$T/" | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$T"
}
trap run_cleanup EXIT
trap 'exit 130' INT TERM

is_root() { [ "$(id -u)" = 0 ]; }

# has_cap N: capability number N is in our effective set (root in some
# containers lacks a few, e.g. CAP_SYS_RESOURCE = 24).
has_cap() {
	eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
	[ $(((0x$eff >> $1) & 1)) = 1 ]
}

# The prefix that runs a command as the unprivileged test identity (or as
# ourselves when we are not root), with a small clean environment. Use
# "${AS_USER[@]}" cmd ... & when the pid of cmd itself is needed.
if is_root; then
	AS_USER=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/
		setpriv --reuid=$TEST_UID --regid=$TEST_GID --clear-groups --)
else
	AS_USER=()
fi
as_user() { "${AS_USER[@]}" "$@"; }

user_uid() { if is_root; then echo $TEST_UID; else id -u; fi; }
user_gid() { if is_root; then echo $TEST_GID; else id -g; fi; }

# True when an unprivileged user may create user namespaces here.
userns_works() {
	as_user unshare -U true 2>/dev/null
}

# box_inits: the pids of the live box inits of this checkout's helpers, so
# that other test runs on the machine, with boxes of their own, do not
# count. Box init is a clone of the helper that executes nsbox-init, found
# beside the helper, once the box is built: its exe is the same file as
# $NSBOX_FULL, the test build or the nsbox-init beside either (whatever path it
# is bound at, hence the device and inode), or a helper or nsbox-init
# installed under $T. BOX_UIDS
# (space-separated uids), when a test sets it, limits them further to its
# own users (box init runs as the user). A dead one waits for the host's
# init to reap it: not live.
box_inits() {
	local ours
	# Installed under $T: by path, or by file where a test shows it at
	# the installed path (make install DESTDIR=$T/...: tests/install).
	ours=" $(stat -Lc '%d:%i' "$NSBOX" "$NSBOX_FULL" "$TOP/build/tests/nsbox-test" "$NSBOX_INIT" \
		"$NSBOX_PAM" "$TOP/build/tests/nsbox-pam-test" \
		"$TOP/build/tests/nsbox-init" "$T"/*/usr/local/libexec/nsbox/nsbox* \
		"$T"/*/usr/libexec/nsbox/nsbox* 2>/dev/null | tr '\n' ' ')"
	ps -e -o pid=,uid=,stat=,comm= | awk -v uids=" ${BOX_UIDS:-} " \
		'$4 == "nsbox-init" && $3 !~ /Z/ && (uids == "  " || index(uids, " " $2 " ")) {print $1}' |
		while read -r pid; do
			case "$ours" in *" $(stat -Lc '%d:%i' "/proc/$pid/exe" 2>/dev/null) "*)
				echo "$pid"
				continue ;;
			esac
			case $(readlink "/proc/$pid/exe" 2>/dev/null) in "$T"/*) echo "$pid" ;; esac
		done | sort
}

# Mount table and box-init processes, to prove a test left nothing behind.
host_state() {
	findmnt -rn -o TARGET,SOURCE,FSTYPE | sort
	box_inits
}

# wait_until SECONDS CMD [ARGS...]: poll CMD until it succeeds; fails
# after SECONDS. For "the session is up" instead of a fixed sleep, which a
# loaded machine can outrun.
wait_until() {
	local limit=$(($1 * 20))
	shift
	for _ in $(seq "$limit"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# settle "$before": wait (up to 5 s) until the host looks as it did. A
# killed box init leaves only once every process of its PID namespace is
# reaped, some by parents outside it (sshd's monitor reaps its session
# child after close_session).
#
# It also waits for box inits that are exiting: one that has let go of
# its memory (so of its exe) but still waits in the kernel for the
# processes of its PID namespace to be reaped is no longer in box_inits,
# which cannot tell by its exe whose it is; yet it is still there for the
# helper (its pidfd does not poll readable), whose next login would take
# it for a live box. Whoever's they are, they go in moments: waiting for
# them costs nothing, and the result is still host_state's alone.
settle() {
	for _ in $(seq 50); do
		[ "$(host_state)" = "$1" ] && [ -z "$(exiting_box_inits)" ] && return 0
		sleep 0.1
	done
	[ "$(host_state)" = "$1" ]
}

# exiting_box_inits: the pids of box inits (of BOX_UIDS, when set) that
# are exiting: not yet zombies, and without an exe (the kernel dropped
# their memory first; a live process of any helper has one).
exiting_box_inits() {
	ps -e -o pid=,uid=,stat=,comm= | awk -v uids=" ${BOX_UIDS:-} " \
		'$4 == "nsbox-init" && $3 !~ /Z/ && (uids == "  " || index(uids, " " $2 " ")) {print $1}' |
		while read -r pid; do
			[ -e "/proc/$pid" ] && ! readlink "/proc/$pid/exe" >/dev/null 2>&1 && echo "$pid"
		done
}

# no_leftovers "$before": the host looks as it did (mounts, live box
# inits); on failure the difference is shown.
no_leftovers() {
	settle "$1"
	now=$(host_state)
	if [ "$now" = "$1" ]; then
		ok 0 "nothing left on the host (mounts, box inits)"
	else
		diag "$(diff <(echo "$1") <(echo "$now"))"
		ok 1 "nothing left on the host (mounts, box inits)"
	fi
}
