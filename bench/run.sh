#!/bin/bash
# make bench: nsbox against its peers, side by side, in one run.
#
#   bash bench/run.sh [--quick] [--scale "100 1000 10000"]
#
# Everything runs in a private mount namespace (like the tests): throwaway
# users, PAM services and sshd exist only there. Each table is measured by
# bench/interleave, which runs the commands round-robin so that machine
# noise hits them alike, and reports medians and ratios to the first row
# (the floor). Results go to bench/results/<date>/: table.txt, *.csv and
# scale.png.
set -u
QUICK=${BENCH_QUICK:-0}
SCALE=""
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--scale) SCALE=$2; shift ;;
	*) echo "usage: bench/run.sh [--quick] [--scale \"N ...\"]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "make bench needs root (PAM, sshd, scale)" >&2; exit 1; }
. "$(dirname "$0")/../tests/lib/tap.sh" >/dev/null
. "$(dirname "$0")/../tests/lib/users.sh"
enter_private_ns "$@"
. "$(dirname "$0")/../tests/lib/common.sh"
. "$(dirname "$0")/../tests/lib/pam.sh"
. "$(dirname "$0")/../tests/lib/ssh.sh"
. "$(dirname "$0")/../tests/lib/debian.sh"

if [ "$QUICK" = 1 ]; then
	ROUNDS=10 PAM_ROUNDS=10 SSH_ROUNDS=3 WARM=2
	SCALE=${SCALE:-"100"}
else
	ROUNDS=300 PAM_ROUNDS=300 SSH_ROUNDS=30 WARM=20
	SCALE=${SCALE:-"100 1000 10000"}
fi
INTERLEAVE=$TOP/build/bench/interleave
BOXES=$TOP/build/bench/boxes
OUT=$TOP/bench/results/$(date +%Y-%m-%d)
[ "$QUICK" = 1 ] && OUT=$T/results
mkdir -p "$OUT"
TABLE=$OUT/table.txt
: >"$TABLE"

note() { echo "$*" | tee -a "$TABLE"; }
table() { # table TITLE CSV
	{
		echo
		echo "$1"
		printf '%-28s %10s %10s %10s %8s %s\n' command median_ms p10_ms p90_ms ratio failures
		awk -F, '{printf "%-28s %10s %10s %10s %7sx %s\n", $1, $2, $3, $4, $5, $6}' "$2"
	} | tee -a "$TABLE"
}

# hyperfine_table TITLE CMDS CSV [PREFIX...]: the same commands through
# hyperfine -N (one after the other, not interleaved), the tool the
# targets are stated with; PREFIX runs hyperfine (e.g. as another user).
hyperfine_table() {
	local title=$1 cmds=$2 csv=$3 args=() label cmd
	shift 3
	command -v hyperfine >/dev/null || { note "($title: hyperfine not installed)"; return; }
	while IFS=$'\t' read -r label cmd; do
		args+=(-n "$label" "$cmd")
	done <"$cmds"
	rm -rf "$T/hf" && mkdir "$T/hf" && chown plain "$T/hf"
	"$@" hyperfine -N --style none --warmup "$WARM" --runs "$ROUNDS" \
		--export-csv "$T/hf/out.csv" "${args[@]}" >/dev/null 2>"$T/hf/err" ||
		{ note "($title: hyperfine failed: $(head -c 300 "$T/hf/err"))"; return; }
	awk -F, 'NR > 1 { if (!floor) floor = $4
		printf "%s,%.3f,%.3f,%.3f,%.2f\n", $1, $4 * 1000, $2 * 1000, $3 * 1000, $4 / floor }' \
		"$T/hf/out.csv" >"$csv"
	{
		echo
		echo "$title"
		printf '%-28s %10s %10s %10s %8s\n' command median_ms mean_ms stddev_ms ratio
		awk -F, '{printf "%-28s %10s %10s %10s %7sx\n", $1, $2, $3, $4, $5}' "$csv"
	} | tee -a "$TABLE"
}

# ssh_setup runs Debian's own sshd stack with the release module.
release_setup || { echo "bench: cannot show the release module, helper and config" >&2; exit 1; }
pam_setup
ssh_setup
add_user bench 62500
add_user plain 62501
ssh_authorize bench
ssh_authorize plain
make_box bench
# A real Debian rootfs (make debian-rootfs, cached) for a second confined
# user, when it was built: the per-login checks of a full-sized rootfs.
DEBIAN_ROW=0
if [ -f "$DEBIAN_ROOTFS.built" ]; then
	add_user benchdeb 62502
	debian_box bench-debian benchdeb
	DEBIAN_ROW=1
fi
write_conf <<EOF
rule bench {
	users = {"bench"}
	rootfs = "$T/boxes/bench"
	hostname = "bench-box"
	bind { source = "%h" }
}
rule bench_debian {
	users = {"benchdeb"}
	rootfs = "$T/boxes/bench-debian"
	hostname = "bench-debian"
	bind { source = "%h" }
}
EOF

note "nsbox benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
note "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
[ "$QUICK" = 1 ] && note "(quick run: few rounds, numbers are not meaningful)"

# --- whole process, as an unprivileged user -----------------------------------
cat >"$T/whole.cmds" <<EOF
/bin/true (floor)	/bin/true
unshare -Urpfm	unshare -Urpfm --mount-proc /bin/true
bwrap	bwrap --unshare-all --ro-bind $T/boxes/bench / --proc /proc --dev /dev /bin/true
firejail --noprofile	firejail --noprofile --quiet /bin/true
nsbox run	$NSBOX run --rootfs $T/boxes/bench -- /bin/true
EOF
for tool in bwrap firejail; do
	command -v $tool >/dev/null || sed -i "/^[^\t]*\t$tool /d" "$T/whole.cmds"
done
# As a plain user with a passwd entry (firejail wants one).
setpriv --reuid=plain --regid=plain --clear-groups -- env -i PATH=/usr/bin:/bin \
	"$INTERLEAVE" -r "$ROUNDS" -w "$WARM" "$T/whole.cmds" >"$OUT/whole.csv"
table "Whole process: run /bin/true (as a plain user; $ROUNDS rounds, interleaved)" "$OUT/whole.csv"
hyperfine_table "Whole process, cross-check: hyperfine -N ($ROUNDS runs each, in sequence)" \
	"$T/whole.cmds" "$OUT/whole-hyperfine.csv" \
	setpriv --reuid=plain --regid=plain --clear-groups -- env -i PATH=/usr/bin:/bin

# --- PAM: pamtester open_session close_session ----------------------------------
# pam_namespace polyinstantiating /tmp and /var/tmp per user; the instance
# parent lives on our private /run (it must not be under /tmp itself).
mkdir -p "$T/security" /run/nsbox-inst
chmod 000 /run/nsbox-inst
printf '/tmp     /run/nsbox-inst/ user root\n/var/tmp /run/nsbox-inst/ user root\n' \
	>"$T/security/namespace.conf"
mount --bind "$T/security/namespace.conf" /etc/security/namespace.conf
for s in permit namespace; do
	printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession required pam_%s.so\n' $s \
		>"$T/pam.d/bench-$s"
done
# The least a module that must know the user costs: the floor's stack plus
# a stock module that looks the user up (pam_succeed_if's uid test), for
# the unnamed user's row.
printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession required pam_permit.so\nsession required pam_succeed_if.so quiet uid > 0\n' \
	>"$T/pam.d/bench-lookup"
# pam_nsbox's service is the floor's stack plus its two lines (the leave
# entry first, the confining one last), so the rows differ by pam_nsbox
# alone. "plain" is named by no rule: once the first of its logins has
# indexed the config (in the warm-up), the module decides without the
# helper (SECURITY.md, the policy index).
printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession optional %s leave\nsession required pam_permit.so\nsession required %s helper=%s config=%s\n' \
	"$MODULE" "$MODULE" "$NSBOX_PAM" "$CONF" >"$T/pam.d/bench-nsbox"
# The first login indexes the config.
pamtester bench-nsbox plain open_session close_session >/dev/null 2>&1
cat >"$T/pam.cmds" <<EOF
pam_permit (floor)	pamtester bench-permit bench open_session close_session
pam_namespace	pamtester bench-namespace bench open_session close_session
pam_succeed_if (user lookup)	pamtester bench-lookup plain open_session close_session
pam_nsbox confined	pamtester bench-nsbox bench open_session close_session
pam_nsbox unnamed user	pamtester bench-nsbox plain open_session close_session
EOF
if [ "$DEBIAN_ROW" = 1 ]; then
	printf '%s\t%s\n' "pam_nsbox Debian rootfs" \
		"pamtester bench-nsbox benchdeb open_session close_session" >>"$T/pam.cmds"
else
	note "(no Debian rootfs row: make debian-rootfs did not build it; see build/debian-rootfs.skip)"
fi
"$INTERLEAVE" -r "$PAM_ROUNDS" -w "$WARM" "$T/pam.cmds" >"$OUT/pam.csv"
table "PAM: pamtester open_session close_session ($PAM_ROUNDS rounds, interleaved)" "$OUT/pam.csv"
hyperfine_table "PAM, cross-check: hyperfine -N ($ROUNDS runs each, in sequence)" \
	"$T/pam.cmds" "$OUT/pam-hyperfine.csv"

# --- floors: the steps a login cannot skip -------------------------------------------
# What the steps every confined login takes cost on this machine, round-robin
# in one process (bench/floors.c): a confined login costs at least
# pam_permit + spawn-helper + minimal-box (README, "Performance"). With
# -u/-c, what the module does for "plain", whom no rule names, beyond the
# lookup any module that knows the user makes: the policy index (indexed
# by the PAM table's first login).
"$TOP/build/bench/floors" -H "$NSBOX_PAM" -N "$NSBOX" -s "$TOP/build/bench/noop" -r "$ROUNDS" \
	-u plain -c "$CONF" >"$OUT/floors.csv"
{
	echo
	echo "Floors: the steps a login cannot skip ($ROUNDS rounds, interleaved)"
	printf '%-28s %10s %10s %10s\n' step median_ms p10_ms p90_ms
	awk -F, '{printf "%-28s %10s %10s %10s\n", $1, $2, $3, $4}' "$OUT/floors.csv"
} | tee -a "$TABLE"

# --- ssh: a whole login running true ---------------------------------------------
sshd_start
SSH="ssh ${SSH_OPTS[*]} -i $SSH_DIR/id -p $PORT"
cat >"$T/ssh.cmds" <<EOF
ssh unconfined (floor)	$SSH plain@127.0.0.1 true
ssh confined	$SSH bench@127.0.0.1 true
EOF
"$INTERLEAVE" -r "$SSH_ROUNDS" -w 2 "$T/ssh.cmds" >"$OUT/ssh.csv"
table "SSH: ssh USER@127.0.0.1 true, connect to exit ($SSH_ROUNDS rounds, interleaved)" "$OUT/ssh.csv"
sshd_stop

# --- scale -------------------------------------------------------------------------
{
	echo
	echo "Scale: N live boxes (box init only, as pam_nsbox makes them)"
	printf '%8s %14s %14s %12s %12s %16s %16s\n' N create_ms/box kernel_KB/box init_RSS_KB \
		init_PSS_KB init_private_KB teardown_ms/box
} | tee -a "$TABLE"
: >"$OUT/scale.csv"
: >"$OUT/batches.csv"
for n in $SCALE; do
	"$BOXES" -n "$n" -u bench -c "$CONF" -H "$NSBOX_PAM" -b $((n < 1000 ? 10 : 100)) >"$T/scale-$n.csv" || {
		note "scale N=$n failed"
		continue
	}
	grep '^batch,' "$T/scale-$n.csv" | sed "s/^batch,/$n,/" >>"$OUT/batches.csv"
	grep '^summary,' "$T/scale-$n.csv" | cut -d, -f2- >>"$OUT/scale.csv"
	grep '^summary,' "$T/scale-$n.csv" |
		awk -F, '{printf "%8s %14s %14s %12s %12s %16s %16s\n", $2, $3, $4, $5, $7, $8, $6}' |
		tee -a "$TABLE"
	# Let the host's init reap the killed boxes before the next round.
	sleep 2
done

# Control: is the growth with N nsbox's, or the kernel's with N more
# processes? 200 boxes while N plain sleeping processes live instead.
{
	echo
	echo "Control: 200 boxes created while N plain processes (sleep) live"
	printf '%8s %14s\n' N create_ms/box
} | tee -a "$TABLE"
: >"$OUT/control.csv"
for n in 0 $SCALE; do
	sleepers=()
	for _ in $(seq "$n"); do
		sleep 3600 &
		sleepers+=($!)
	done
	"$BOXES" -n 200 -u bench -c "$CONF" -H "$NSBOX_PAM" -b 200 >"$T/control-$n.csv" &&
		grep '^summary,' "$T/control-$n.csv" | awk -F, -v n="$n" '{print n "," $3}' |
		tee -a "$OUT/control.csv" | awk -F, '{printf "%8s %14s\n", $1, $2}' | tee -a "$TABLE"
	# Never a bare wait: it would wait for every job of this shell.
	if [ ${#sleepers[@]} -gt 0 ]; then
		kill "${sleepers[@]}" 2>/dev/null
		wait "${sleepers[@]}" 2>/dev/null || true
	fi
	sleep 2
done

# The kernel memory floor: N minimal boxes at once (bench/floors -k: a
# static program as PID 1, the box's namespaces, a tmpfs root and /proc),
# counted as the Scale table counts a box.
{
	echo
	echo "Kernel memory floor: N minimal boxes (a static PID 1, the box's namespaces, tmpfs root, /proc)"
	printf '%8s %14s\n' N kernel_KB/box
} | tee -a "$TABLE"
: >"$OUT/minimal.csv"
for n in $SCALE; do
	"$TOP/build/bench/floors" -k "$n" -s "$TOP/build/bench/noop" |
		awk -F, -v n="$n" '$1 == "kernel-kb-per-box" {print n "," $2}' |
		tee -a "$OUT/minimal.csv" | awk -F, '{printf "%8s %14s\n", $1, $2}' | tee -a "$TABLE"
	sleep 2
done

if command -v gnuplot >/dev/null && [ -s "$OUT/batches.csv" ]; then
	gnuplot <<EOF 2>/dev/null && note "chart: $OUT/scale.png"
set terminal png size 800,500
set output "$OUT/scale.png"
set datafile separator ","
set title "nsbox: creation time per box while N boxes are alive"
set xlabel "boxes alive"
set ylabel "ms per box (batch mean)"
set logscale x
set key top left
plot for [n in "$SCALE"] "$OUT/batches.csv" using (\$1 == n+0 ? \$2 : 1/0):3 with linespoints title "run to N=".n, \\
     "$OUT/control.csv" using (\$1 > 0 ? \$1 : 1/0):2 with points pt 7 ps 1.5 title "control: 200 boxes beside N plain processes"
EOF
fi
note
note "results: $OUT"
