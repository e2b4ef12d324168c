#!/bin/bash
# Load on a real host: 100 concurrent ssh logins of confined users (ten
# users, ten sessions each, one box per session) on the Debian rootfs, with
# / rshared as systemd leaves it. Every login must be confined (it prints
# its box's hostname and PID 1), none may fail, and afterwards the
# namespace's mount table, /run/nsbox (the box records; /run is this
# namespace's tmpfs) and the process table (no box init, no sshd child)
# must be as they were. The wall time and the peaks are reported with
# diag, not asserted (speed belongs in bench/).
. "$(dirname "$0")/../lib/root.sh"
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/../lib/debian.sh"
debian_setup
release_setup || { echo "Bail out! cannot show the release module, helper and config"; exit 1; }
pam_setup
ssh_setup

N=100
USERS=10
names=()
for i in $(seq 0 $((USERS - 1))); do
	add_user "load$i" $((62100 + i)) /bin/bash
	ssh_authorize "load$i"
	names+=("load$i")
done
debian_box debian "${names[@]}"
# Only this test's boxes count in host_state/no_leftovers (common.sh).
BOX_UIDS=$(seq -s ' ' 62100 $((62100 + USERS - 1)))
users=$(printf '"%s", ' "${names[@]}")
write_conf <<EOC
rule load {
	users = {${users%, }}
	rootfs = "$T/boxes/debian"
	hostname = "%u-box"
	bind {
		source = "%h"
	}
}
EOC
sshd_start /usr/lib/openssh/sftp-server

# The audit records are a cache: a login may write one later than the
# first (a rootfs changed under 2 s before is audited, not recorded).
run_state() { find /run/nsbox -path /run/nsbox/audit -prune -o -print 2>/dev/null | sort; }
mount_table() { findmnt -rn -o TARGET,SOURCE,FSTYPE | sort; }
sshd_children() { pgrep -P "$SSHD_PID" | sort; }
# Box inits of this test's users only (they run as the user).
our_inits() { BOX_UIDS=$(seq -s ' ' 62100 $((62100 + USERS - 1))) box_inits; }

# One login first, so that what nsbox makes once (/run/nsbox and its
# directories) is part of the state to come back to.
out=$(ssh_as load0 'hostname' 2>&1)
is "a first login is confined" "$out" "load0-box"
settle_inits() { wait_until 10 eval '[ -z "$(our_inits)" ]'; }
settle_inits
before=$(host_state)
mounts_before=$(mount_table)
run_before=$(run_state)
children_before=$(sshd_children)

# Each session says where it is, then stays until its user's home (bound
# into the box) holds "go": all N are open at once before any ends.
start=$(date +%s.%N)
pids=()
for i in $(seq 0 $((N - 1))); do
	u=load$((i % USERS))
	ssh_as "$u" 'echo "host=$(hostname) pid1=$(cat /proc/1/comm)"
		for _ in $(seq 600); do [ -e ~/go ] && exit 0; sleep 0.5; done; exit 3' \
		>"$T/load.$i" 2>&1 &
	pids+=($!)
done
all_up() { [ "$(cat "$T"/load.* | grep -c '^host=')" = "$N" ]; }
wait_until 280 all_up
up=$(date +%s.%N)
peak_boxes=$(our_inits | wc -l)
peak_mounts=$(mount_table | wc -l)
peak_run=$(find /run/nsbox -type f | wc -l)
is "all $N sessions were open at once, each in a box of its own" "$peak_boxes" "$N"
for u in "${names[@]}"; do : >"$T/home/$u/go"; done
errors=0
for i in $(seq 0 $((N - 1))); do
	wait "${pids[$i]}" || { errors=$((errors + 1)); diag "login $i: exit $?: $(head -c 300 "$T/load.$i")"; }
done
end=$(date +%s.%N)

confined=0
for i in $(seq 0 $((N - 1))); do
	if [ "$(cat "$T/load.$i")" = "host=load$((i % USERS))-box pid1=nsbox-init" ]; then
		confined=$((confined + 1))
	else
		diag "login $i said: $(head -c 300 "$T/load.$i")"
	fi
done
is "$N concurrent ssh logins: no error" "$errors" 0
is "$N concurrent ssh logins: every one confined (box hostname, PID 1 box init)" "$confined" "$N"
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
diag "$N concurrent confined ssh logins on the Debian rootfs: all in their boxes after" \
	"$(secs "$start" "$up") s, all ended after $(secs "$start" "$end") s; $errors errors;" \
	"at the peak $peak_boxes box inits, $peak_run files in /run/nsbox," \
	"$peak_mounts mounts in the namespace (boxes mount in their own)"

settle_inits
is "afterwards: no box init of the test's users is left" "$(our_inits)" ""
wait_until 10 eval '[ "$(sshd_children)" = "$children_before" ]'
is "afterwards: no sshd child is left" "$(sshd_children)" "$children_before"
wait_until 5 eval '[ "$(run_state)" = "$run_before" ]'
is "afterwards: /run/nsbox is back to the start" "$(run_state)" "$run_before"
now=$(mount_table)
[ "$now" = "$mounts_before" ] || diag "$(diff <(echo "$mounts_before") <(echo "$now"))"
is "afterwards: the namespace's mount table is back to the start" \
	"$(echo "$now" | wc -l) $(echo "$now" | md5sum)" \
	"$(echo "$mounts_before" | wc -l) $(echo "$mounts_before" | md5sum)"
sshd_stop
no_leftovers "$before"
done_testing
