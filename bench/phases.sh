#!/bin/bash
# phases.sh: where the time of a confined login goes, phase by phase.
#
#   bash bench/phases.sh [-r ROUNDS] [-f] [HELPER]
#
# Runs ROUNDS confined logins (pamtester open_session close_session, the
# Debian rootfs when `make debian-rootfs` built it, else the busybox one)
# and as many pam_permit logins, under `perf record -a` of scheduler and
# system-call tracepoints only (no sampling), and prints the median of each
# phase: the login program's own start and PAM stack, the helper's start,
# its work, box init's build, the reply, the module's join and close.
# With -f it then times the helper's own steps (uprobes on its functions,
# entry to return, ROUNDS more logins): the program's start before
# main(), the config, the checks, the host-side mounts, box init's build.
# Each probe adds a few microseconds: compare the steps with each other.
# Needs root and perf (linux-perf; not one of make bench's dependencies:
# without it this script says so and stops). Runs in a private mount
# namespace, where it mounts its own tracefs.
set -u
ARGS=("$@")
ROUNDS=100
FUNCS=0
while getopts r:f o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	f) FUNCS=1 ;;
	*) echo "usage: phases.sh [-r ROUNDS] [-f] [HELPER]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "$(id -u)" = 0 ] || { echo "phases.sh needs root" >&2; exit 1; }
command -v perf >/dev/null || { echo "phases.sh needs perf (Debian: linux-perf)" >&2; exit 1; }
. "$(dirname "$0")/../tests/lib/tap.sh" >/dev/null
. "$(dirname "$0")/../tests/lib/users.sh"
enter_private_ns "${ARGS[@]}"
. "$(dirname "$0")/../tests/lib/common.sh"
. "$(dirname "$0")/../tests/lib/pam.sh"
. "$(dirname "$0")/../tests/lib/debian.sh"
HELPER=$(readlink -f "${1:-$NSBOX_PAM}")
# perf's build-id cache (perf record, perf probe -x) in our temp dir, not
# in root's ~/.debug.
perf() { command perf --buildid-dir "$T/perf-buildid" "$@"; }
pam_setup
add_user bench 62500
if [ -f "$DEBIAN_ROOTFS.built" ]; then
	debian_box debian bench
	ROOTFS=$T/boxes/debian
else
	make_box busybox
	ROOTFS=$T/boxes/busybox
fi
# A rootfs state younger than 2 s is never recorded (audit.c).
sleep 3
printf 'rule bench {\n\tusers = {"bench"}\n\trootfs = "%s"\n}\n' "$ROOTFS" >"$T/phases.conf"
chmod 0644 "$T/phases.conf"
printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession required pam_permit.so\n' \
	>"$T/pam.d/phases-permit"
printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession optional %s leave\nsession required pam_permit.so\nsession required %s helper=%s config=%s\n' \
	"$MODULE" "$MODULE" "$HELPER" "$T/phases.conf" >"$T/pam.d/phases-nsbox"
for _ in 1 2 3; do
	pamtester phases-nsbox bench open_session close_session >/dev/null 2>&1 ||
		{ echo "a confined login failed: $(tail -n 3 "$T/syslog")" >&2; exit 1; }
done
mount -t tracefs nodev /sys/kernel/tracing
EVENTS=()
for e in sched:sched_process_exec sched:sched_process_fork sched:sched_process_exit \
	syscalls:sys_enter_vfork syscalls:sys_enter_clone3 syscalls:sys_enter_pivot_root \
	syscalls:sys_enter_setns; do
	EVENTS+=(-e "$e")
done
perf record -q -a "${EVENTS[@]}" -o "$T/perf.data" -- sh -c "
	for _ in \$(seq $ROUNDS); do
		pamtester phases-nsbox bench open_session close_session >/dev/null
		pamtester phases-permit bench open_session close_session >/dev/null
	done" 2>/dev/null
perf script -i "$T/perf.data" 2>/dev/null >"$T/perf.txt"
umount /sys/kernel/tracing
echo "# helper: $HELPER; rootfs: $ROOTFS; $ROUNDS logins of each kind"
# One login: pamtester's exec, its vfork of the helper, the helper's exec,
# the helper's last clone3 (box init), box init's pivot_root, the helper's
# exit, the module's first setns, pamtester's exit.
awk '
function med(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n ? a[int((n + 1) / 2)] : "nan"
}
function close_login() {
	if (!cur) return
	if (hexec && pivot && hexit && pexit) {
		n++
		d["1"] = d["1"] " " (vfork - pexec); d["2"] = d["2"] " " (hexec - vfork)
		d["3"] = d["3"] " " (boxclone - hexec); d["4"] = d["4"] " " (pivot - boxclone)
		d["5"] = d["5"] " " (hexit - pivot); d["6"] = d["6"] " " (pexit - hexit)
		d["t"] = d["t"] " " (pexit - pexec)
	} else if (!hexec && pexit) {
		np++; d["p"] = d["p"] " " (pexit - pexec)
	}
	cur = 0
}
{
	pid = $2; t = $4; sub(/:$/, "", t); t *= 1000; ev = $5
	if (ev == "sched:sched_process_exec:" && $0 ~ /pamtester/) {
		close_login(); cur = pid; pexec = t; vfork = hexec = hpid = boxclone = pivot = hexit = pexit = 0; next
	}
	if (!cur) next
	if (ev == "syscalls:sys_enter_vfork:" && pid == cur && !vfork) vfork = t
	else if (ev == "sched:sched_process_exec:" && $0 ~ /filename=[^ ]*nsbox/) { hexec = t; hpid = pid }
	else if (ev == "syscalls:sys_enter_clone3:" && pid == hpid) boxclone = t
	else if (ev == "syscalls:sys_enter_pivot_root:" && !pivot) pivot = t
	else if (ev == "sched:sched_process_exit:" && pid == hpid && hpid) hexit = t
	else if (ev == "sched:sched_process_exit:" && pid == cur) pexit = t
}
END {
	close_login()
	printf "%-58s %8s\n", "phase (median of " n " confined logins)", "ms"
	printf "%-58s %8.3f\n", "login program start, PAM stack, pam_nsbox up to the helper", med(d["1"])
	printf "%-58s %8.3f\n", "vfork and exec of the helper", med(d["2"])
	printf "%-58s %8.3f\n", "helper: start, request, policy, checks, host-side mounts", med(d["3"])
	printf "%-58s %8.3f\n", "box init: clone3, id maps, the tree, pivot_root", med(d["4"])
	printf "%-58s %8.3f\n", "box init ready, helper records the box, replies, exits", med(d["5"])
	printf "%-58s %8.3f\n", "pam_nsbox joins; session; close; program exits", med(d["6"])
	printf "%-58s %8.3f\n", "whole confined login (exec to exit)", med(d["t"])
	printf "%-58s %8.3f\n", "whole pam_permit login (exec to exit, " np " logins)", med(d["p"])
}' "$T/perf.txt"

[ "$FUNCS" = 1 ] || exit 0
# The helper's steps: uprobes at entry and return of its functions (the
# event of a return probe is named NAME__return).
mount -t tracefs nodev /sys/kernel/tracing
for f in main config_load audit_rootfs check_system_paths prepare_box_mounts \
	fsopen_in_copied_mount_ns clone_box build_box_root start_box_init registry_write; do
	perf probe -q -x "$HELPER" -a "u_$f=$f" >/dev/null 2>&1
	perf probe -q -x "$HELPER" -a "r_$f=$f%return" >/dev/null 2>&1
done
UEVENTS=(-e sched:sched_process_exec)
for e in /sys/kernel/tracing/events/probe_nsbox/[ur]_*; do
	[ -d "$e" ] && UEVENTS+=(-e "probe_nsbox:${e##*/}")
done
perf record -q -a "${UEVENTS[@]}" -o "$T/uprobes.data" -- sh -c "
	for _ in \$(seq $ROUNDS); do
		pamtester phases-nsbox bench open_session close_session >/dev/null
	done" 2>/dev/null
perf script -i "$T/uprobes.data" 2>/dev/null >"$T/uprobes.txt"
perf probe -q -d 'probe_nsbox:*' >/dev/null 2>&1
umount /sys/kernel/tracing
echo
awk '
function med(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n ? a[int((n + 1) / 2)] : "nan"
}
{
	pid = $2; t = $4; sub(/:$/, "", t); t *= 1000; ev = $5; sub(/:$/, "", ev)
	if (ev == "sched:sched_process_exec" && $0 ~ /filename=[^ ]*nsbox/) { ex[pid] = t; next }
	if (ev ~ /^probe_nsbox:u_/) {
		f = substr(ev, 15); st[pid " " f] = t
		if (f == "main" && (pid in ex)) d["(exec to main: start-up)"] = d["(exec to main: start-up)"] " " (t - ex[pid])
	} else if (ev ~ /^probe_nsbox:r_/) {
		f = substr(ev, 15); sub(/__return$/, "", f)
		if ((pid " " f) in st) { d[f] = d[f] " " (t - st[pid " " f]); n[f]++; delete st[pid " " f] }
	}
}
END {
	printf "%-58s %8s\n", "helper step (median of each call, " ROUNDS " logins)", "ms"
	for (f in d) printf "%-58s %8.3f\n", f (n[f] > ROUNDS ? " (x" int(n[f] / ROUNDS + 0.5) " a login)" : ""), med(d[f])
}' ROUNDS="$ROUNDS" "$T/uprobes.txt"
