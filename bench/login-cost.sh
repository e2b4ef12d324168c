#!/bin/bash
# login-cost.sh: the per-login cost of helpers side by side, in one run.
#
#   bash bench/login-cost.sh [-r ROUNDS] [-c] [-H] [-n] HELPER[@MODULE]...
#
# For each HELPER (a built nsbox binary; with @MODULE, through that build
# of the PAM module instead of this tree's test module) and each rootfs (the busybox demo
# rootfs; when `make debian-rootfs` built it, the Debian one, plain and as
# the lower layer of an overlay rule; with -H the host's own /), times
# `pamtester open_session close_session` through the test module with
# helper=HELPER, interleaved with pam_permit (the floor) by bench/interleave,
# so that the load other processes put on the machine hits every row alike.
# With -n a pam_namespace row (polyinstantiated /tmp and /var/tmp, as in
# make bench) runs in the same rounds.
# With -c it also measures the helper process's own CPU time (perf stat
# task-clock) over ROUNDS logins and counts its system calls (strace -c).  Runs as root, in a private mount namespace (tests/lib).
set -u
ARGS=("$@")
ROUNDS=200
CPU=0
HOSTROOT=0
NAMESPACE=0
while getopts r:cHn o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	c) CPU=1 ;;
	H) HOSTROOT=1 ;;
	n) NAMESPACE=1 ;;
	*) echo "usage: login-cost.sh [-r ROUNDS] [-c] [-H] [-n] HELPER[@MODULE]..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: login-cost.sh [-r ROUNDS] [-c] [-H] [-n] HELPER[@MODULE]..." >&2; exit 2; }
HELPERS=()
MODULES=()
for h in "$@"; do
	m=
	case $h in *@*) m=$(readlink -f "${h#*@}"); h=${h%%@*} ;; esac
	HELPERS+=("$(readlink -f "$h")")
	MODULES+=("$m")
done
. "$(dirname "$0")/../tests/lib/tap.sh" >/dev/null
. "$(dirname "$0")/../tests/lib/users.sh"
[ "$(id -u)" = 0 ] || { echo "login-cost.sh needs root" >&2; exit 1; }
enter_private_ns "${ARGS[@]}"
. "$(dirname "$0")/../tests/lib/common.sh"
. "$(dirname "$0")/../tests/lib/pam.sh"
. "$(dirname "$0")/../tests/lib/debian.sh"
pam_setup
THIS_MODULE=$MODULE
add_user bench 62500
make_box busybox
ROOTFSES="busybox"
rule_busybox="rootfs = \"$T/boxes/busybox\""
if [ -f "$DEBIAN_ROOTFS.built" ]; then
	debian_box debian bench
	mkdir -m 0755 "$T/layers"
	ROOTFSES="busybox debian overlay"
	rule_debian="rootfs = \"$T/boxes/debian\""
	# An overlay rule on the Debian tree: the lower's audit, and the
	# merged tree's. A shared box (the rule needs it) that ends with its
	# session (linger 0), so that each login builds one.
	rule_overlay="rootfs_lower = \"$T/boxes/debian\"
	rootfs_upper = \"$T/layers/%u\"
	share = \"user\"
	linger = \"0\""
fi
# The host's own / as the rootfs: a full-size /usr/lib (-H).
if [ "$HOSTROOT" = 1 ]; then
	ROOTFSES="$ROOTFSES host"
	rule_host='rootfs = "/"'
fi
# Let the rootfs copies age: a state younger than 2 s is never recorded.
sleep 3
printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession required pam_permit.so\n' \
	>"$T/pam.d/bench-permit"
echo "pam_permit (floor)	pamtester bench-permit bench open_session close_session" >"$T/cmds"
if [ "$NAMESPACE" = 1 ]; then
	# As make bench (bench/run.sh): the instance parent on our private /run.
	mkdir -p "$T/security" /run/nsbox-inst
	chmod 000 /run/nsbox-inst
	printf '/tmp     /run/nsbox-inst/ user root\n/var/tmp /run/nsbox-inst/ user root\n' \
		>"$T/security/namespace.conf"
	mount --bind "$T/security/namespace.conf" /etc/security/namespace.conf
	printf 'auth required pam_deny.so\naccount required pam_permit.so\nsession required pam_namespace.so\n' \
		>"$T/pam.d/bench-namespace"
	echo "pam_namespace	pamtester bench-namespace bench open_session close_session" >>"$T/cmds"
fi
for fs in $ROOTFSES; do
	rule=rule_$fs
	printf 'rule bench {\n\tusers = {"bench"}\n\t%s\n\thostname = "bench-box"\n}\n' \
		"${!rule}" >"$T/$fs.conf"
	chmod 0644 "$T/$fs.conf"
	i=0
	for h in "${HELPERS[@]}"; do
		MODULE=${MODULES[$i]:-$THIS_MODULE} write_service "bench-$fs-$i" "helper=$h config=$T/$fs.conf"
		echo "$fs: helper $i	pamtester bench-$fs-$i bench open_session close_session" >>"$T/cmds"
		i=$((i + 1))
	done
done
i=0
for h in "${HELPERS[@]}"; do echo "# helper $i: $h${MODULES[$i]:+ (module ${MODULES[$i]})}"; i=$((i + 1)); done
"$TOP/build/bench/interleave" -r "$ROUNDS" -w 10 "$T/cmds" |
	awk -F, '{printf "%-28s median %7s ms  p10 %7s  p90 %7s  ratio %6sx  failures %s\n", $1, $2, $3, $4, $5, $6}'

[ "$CPU" = 1 ] || exit 0
# The helper process's own CPU time (perf stat task-clock, box init not
# included), median of ROUNDS logins interleaved over the helpers, and its
# system calls in one login (strace -c). (No callgrind: valgrind 3.19 has
# no openat2, and this machine's perf has no instruction counter.)
for fs in $ROOTFSES; do
	i=0
	for h in "${HELPERS[@]}"; do
		printf '#!/bin/sh\nexec /usr/bin/perf stat --no-inherit -x, -e task-clock -o %s/pf.%s.%s.$$ -- %s "$@"\n' \
			"$T" "$fs" "$i" "$h" >"$T/pf-$i"
		printf '#!/bin/sh\nexec /usr/bin/strace -c -o %s/st.%s.%s %s "$@"\n' \
			"$T" "$fs" "$i" "$h" >"$T/st-$i"
		chmod 0755 "$T/pf-$i" "$T/st-$i"
		write_service "pf-$fs-$i" "helper=$T/pf-$i config=$T/$fs.conf"
		write_service "st-$fs-$i" "helper=$T/st-$i config=$T/$fs.conf"
		# Twice: the second login is the one counted (the first may
		# audit in full, if the record expired meanwhile).
		pamtester "st-$fs-$i" bench open_session close_session >/dev/null 2>&1
		pamtester "st-$fs-$i" bench open_session close_session >/dev/null 2>&1
		i=$((i + 1))
	done
	for _ in $(seq "$ROUNDS"); do
		for i in $(seq 0 $((${#HELPERS[@]} - 1))); do
			pamtester "pf-$fs-$i" bench open_session close_session >/dev/null 2>&1
		done
	done
	for i in $(seq 0 $((${#HELPERS[@]} - 1))); do
		cpu=$(cat "$T"/pf."$fs"."$i".* | awk -F, '/task-clock/ {print $1}' | sort -n |
			awk '{a[NR] = $1} END {printf "%.3f ms (p10 %.3f, p90 %.3f, n=%d)", a[int(NR / 2) + 1], a[int(NR / 10) + 1], a[int(NR * 9 / 10)], NR}')
		sc=$(awk '$NF == "total" {print $4}' "$T/st.$fs.$i" 2>/dev/null)
		echo "$fs: helper $i: CPU $cpu; $sc system calls"
	done
done
