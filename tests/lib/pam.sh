# pam.sh: test PAM services and an nsbox.conf for root tests. Needs tap.sh,
# users.sh and common.sh sourced, and enter_private_ns done.
#
#   pam_setup           private /etc files, a syslog on /dev/log, a test
#                       /etc/pam.d (services nsbox-test, su, su-l, sshd)
#                       whose session stacks end with the test module
#   make_box NAME       a root-owned copy of the demo rootfs at $T/boxes/NAME
#   write_conf <<EOF    the config the module reads ($CONF)
#   drive USER [opts]   build/tools/pamdriver on the nsbox-test service
#   log_has 'ERE'       wait (up to 3 s) for a syslog line matching ERE
#   log_mark; log_has_since 'ERE'
#                       the same, among the lines logged after log_mark
#   paused_login S U    a session of U on service S, paused at the helper
#   box_inits           (common.sh) pids of this checkout's live box inits
#   stock_pam           the host's sshd, login, su, su-l and common-* (as
#                       Debian ships them) in the test pam.d
#   readme_block NAME   the code block after "<!-- test: NAME -->" in README.md
#   readme_pam_edit     enable nsbox in the test pam.d exactly as README.md says

MODULE=$TOP/build/tests/pam_nsbox_test.so
RELEASE_MODULE=$TOP/pam_module/pam_nsbox.so
DRIVER=$TOP/build/tools/pamdriver
CONF=$T/nsbox.conf
MODULE_ARGS="helper=$NSBOX_PAM config=$CONF debug pty=su,su-l,runuser,runuser-l"

# A service whose session stack ends with pam_nsbox (it must be last: PAM
# runs close_session in the same order, and the modules after it would run
# inside the box).
# The "leave" entry first restores the namespaces at close before the other
# modules close. HOOK (if set) is a session line placed between the two.
write_service() {
	name=$1
	shift
	cat >"$T/pam.d/$name" <<EOF
auth	sufficient	pam_rootok.so
auth	required	pam_deny.so
account	required	pam_permit.so
${NO_LEAVE:+#}session	optional	$MODULE leave
session	optional	pam_permit.so
${HOOK:-}
session	required	$MODULE $*
EOF
}

pam_setup() {
	is_root || skip_all "PAM tests need root"
	command -v pamtester >/dev/null || skip_all "pamtester is not installed"
	[ -f "$MODULE" ] || { echo "Bail out! $MODULE is not built (make units)"; exit 1; }
	private_etc
	private_syslog
	private_run_and_logs
	mkdir -p "$T/pam.d" "$T/boxes"
	# The host's files, for stock_pam, before the bind hides them.
	cp -a /etc/pam.d "$T/host-pam.d"
	printf '%s\trequired\tpam_deny.so\n' auth account password session >"$T/pam.d/other"
	for s in nsbox-test su su-l; do write_service "$s" "$MODULE_ARGS"; done
	mount --bind "$T/pam.d" /etc/pam.d
	: >"$CONF"
}

make_box() {
	cp -a "$ROOTFS" "$T/boxes/$1"
	chown 0:0 "$T/boxes/$1"
	chmod 0755 "$T/boxes" "$T/boxes/$1"
}

write_conf() {
	cat >"$CONF"
	chown 0:0 "$CONF"
	chmod 0644 "$CONF"
}

# Built with SANITIZE=1 the driver reports leaks (LeakSanitizer) at exit,
# with a non-zero status; no quarantine, so its RSS means what it says.
drive() {
	user=$1
	shift
	ASAN_OPTIONS=quarantine_size_mb=0 "$DRIVER" "$@" nsbox-test "$user"
}

# paused_login SERVICE USER: a driver session of USER (running hostname)
# on SERVICE, whose module arguments say test_pause=helper, started in the
# background (PAUSE_DRIVER, its output in $T/pause.out) with the syslog
# emptied first; returns once it is paused at the helper's start (PAUSED,
# wait_paused's status).
paused_login() {
	: >"$T/syslog"
	"$DRIVER" -c hostname "$1" "$2" >"$T/pause.out" 2>&1 &
	PAUSE_DRIVER=$!
	wait_paused helper
}

# wait_paused STEP: wait (5 s at most) for the test build's syslog line
# "test-pause STEP pid=N"; sets PAUSED to N, checked to be an nsbox
# process of ours, or fails with PAUSED empty.
wait_paused() {
	PAUSED=""
	for _ in $(seq 100); do
		PAUSED=$(grep -ao "test-pause $1 pid=[0-9]*" "$T/syslog" | head -n 1 | sed 's/.*pid=//')
		# Never signal a pid we did not start (say, the host's PID 1).
		if [ -n "$PAUSED" ]; then
			[ "$PAUSED" -gt 1 ] && grep -aq nsbox "/proc/$PAUSED/cmdline" && return 0
			diag "test-pause gave pid $PAUSED, which is not ours"
			PAUSED=""
			return 1
		fi
		sleep 0.05
	done
	diag "no pause at $1: $(cat "$T/syslog")"
	return 1
}

# log_has_from OFFSET 'ERE': wait for a line matching ERE in the syslog
# from byte OFFSET on.
log_has_from() {
	for _ in $(seq 30); do
		tail -c +$(($1 + 1)) "$T/syslog" | grep -aEq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

log_has() {
	log_has_from 0 "$1"
}

log_mark() {
	LOG_MARK=$(stat -c %s "$T/syslog")
}

log_has_since() {
	log_has_from "$LOG_MARK" "$1"
}

# show_at SRC PATH: PATH shows SRC, in this namespace only. A PATH that
# does not exist is made room for by an overlay on its deepest existing
# directory (whose entries stay visible); call it before pam_setup, whose
# binds inside /etc an overlay on /etc would hide. A symlink SRC is made
# there as a symlink to the same target (a bind would follow it: a program
# run through it would not see where the link points).
show_at() {
	src=$1 path=$2
	if [ -L "$src" ] && [ ! -e "$path" ] && [ ! -L "$path" ]; then
		make_room "$path" && rm "$path" && ln -s "$(readlink "$src")" "$path"
		return
	fi
	[ -e "$path" ] || make_room "$path" || return 1
	mount --bind "$src" "$path"
}

# make_room PATH: an empty file at PATH, which does not exist, in an
# overlay (show_at).
make_room() {
	path=$1
	# In a directory an earlier call made room in (nsbox-init beside the
	# helper), that overlay takes the file: an overlay on the directory
	# itself would hide the earlier bind.
	if [ -d "${path%/*}" ] &&
		[ "$(findmnt -n -o FSTYPE,SOURCE --target "${path%/*}")" = "overlay nsbox-test" ]; then
		: >"$path"
		return
	fi
	dir=${path%/*}
	while [ -n "$dir" ] && [ ! -d "$dir" ]; do dir=${dir%/*}; done
	[ -n "$dir" ] || return 1 # never an overlay on /
	n=$(find "$T" -maxdepth 1 -name 'ov.*' | wc -l)
	mkdir -p "$T/ov.$n/up" "$T/ov.$n/work" || return 1
	mount -t overlay nsbox-test \
		-o "lowerdir=$dir,upperdir=$T/ov.$n/up,workdir=$T/ov.$n/work" "$dir" || return 1
	mkdir -p "${path%/*}" && : >"$path"
}

# release_setup: the release module as an admin would use it, in this
# namespace only: pam_nsbox.so in the PAM module directory, the built
# helper at the path compiled into it with nsbox-init beside it, and $CONF
# as /etc/nsbox.conf.
# Sets PAM_MODULE_DIR.
release_setup() {
	PAM_MODULE_DIR=$(dirname "$(find /lib /usr/lib -name pam_permit.so -path '*/security/*' | head -1)")
	[ -d "$PAM_MODULE_DIR" ] || { echo "Bail out! no PAM module directory"; exit 1; }
	: >"$CONF"
	show_at "$RELEASE_MODULE" "$PAM_MODULE_DIR/pam_nsbox.so" &&
		show_at "$NSBOX_PAM" "$(cat "$TOP/build/helper-path")" &&
		show_at "$NSBOX_FULL" "$(dirname "$(cat "$TOP/build/helper-path")")/nsbox-full" &&
		show_at "$NSBOX_INIT" "$(dirname "$(cat "$TOP/build/helper-path")")/nsbox-init" &&
		show_at "$CONF" /etc/nsbox.conf
}

# stock_pam: Debian's own service files for sshd, login, su and su-l, as
# their packages ship them (checked against dpkg's conffile sums: an
# admin's edit, say an nsbox line, would make the test meaningless), and the
# host's common-* (which pam-auth-update writes), in the test pam.d.
stock_pam() {
	for pf in openssh-server:sshd login:login util-linux:su util-linux:su-l; do
		pkg=${pf%%:*} f=${pf#*:}
		want=$(dpkg-query -W -f='${Conffiles}\n' "$pkg" 2>/dev/null |
			awk -v f="/etc/pam.d/$f" '$1 == f {print $2}')
		[ -n "$want" ] || skip_all "/etc/pam.d/$f is not a conffile of an installed $pkg"
		[ "$(md5sum <"$T/host-pam.d/$f" | cut -d' ' -f1)" = "$want" ] ||
			skip_all "the host's /etc/pam.d/$f is not the one $pkg ships"
		cp "$T/host-pam.d/$f" "$T/pam.d/$f"
	done
	cp "$T"/host-pam.d/common-* "$T/pam.d/"
}

# readme_block NAME: the fenced code block that follows the line
# "<!-- test: NAME -->" in README.md, so tests run what admins are told.
readme_block() {
	awk -v m="<!-- test: $1 -->" '
		{ line = $0; sub(/^ +/, "", line) }
		!found && line == m { found = 1; next }
		found == 1 && line ~ /^```/ { found = 2; indent = index($0, "`") - 1; next }
		found == 2 && line ~ /^```/ { exit }
		found == 2 { print substr($0, indent + 1) }' "$TOP/README.md"
}

# readme_pam_edit: run README.md's pam.d edit, only ever on the test's copy.
readme_pam_edit() {
	code=$(readme_block pam-edit)
	[ -n "$code" ] || { echo "Bail out! README.md has no pam-edit block"; exit 1; }
	[ /etc/pam.d -ef "$T/pam.d" ] || { echo "Bail out! /etc/pam.d is not the test's copy"; exit 1; }
	sh -e -c "$code"
}
