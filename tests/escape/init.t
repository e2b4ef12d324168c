#!/bin/bash
# Box init executes nsbox-init, the small static program beside the helper,
# once its box is built (issue 14: a live box then holds that program's
# pages, not a copy of the helper's address space). Only a program of
# root's, execute-only for others, in a directory only root may write;
# anything else and box init serves from the helper's image, as before.
# Either way box init stays out of the user's reach.
. "$(dirname "$0")/../lib/root.sh"
pam_setup
ATTACK=$TOP/build/tools/attack
THIEF=$TOP/build/tools/ttythief
[ -x "$NSBOX_INIT" ] || { echo "Bail out! $NSBOX_INIT is not built (run make)"; exit 1; }

add_user alice 62001
BOX_UIDS=62001
make_box alice
install -D -m 0755 "$ATTACK" "$T/boxes/alice/usr/local/bin/attack"
conf() {
	write_conf <<EOF
rule main {
	users = {"alice"}
	rootfs = "$T/boxes/alice"
	hostname = "%u-box"
	$*
}
EOF
}
conf
# The helper and nsbox-init in a directory of the test's own.
mkdir -m 0755 "$T/bin"
cp "$NSBOX_FULL" "$T/bin/nsbox-full"
write_service nsbox-test "helper=$T/bin/nsbox-full config=$CONF debug"
before=$(host_state)
at_exit 'BOX_UIDS=62001 box_inits | xargs -r kill -9'
as_alice() { setpriv --reuid=62001 --regid=62001 --clear-groups "$@"; }

# fd_list PID: what box init's fds are, in fd order (sockets unnumbered).
fd_list() {
	for fd in $(ls "/proc/$1/fd" | sort -n); do
		printf '%s=%s ' "$fd" "$(readlink "/proc/$1/fd/$fd" | sed 's/^socket:\[[0-9]*\]$/socket/')"
	done
}
# fd_kinds "$FDS": what FDS lists, without the numbers, sorted.
fd_kinds() { echo $1 | tr ' ' '\n' | sed 's/^[0-9]*=//' | sort | tr '\n' ' '; }

# session CMD: alice's session runs "sleep 1; CMD" (in the box, as alice)
# while the test looks at its box init from the host; sets INIT (its
# pid), EXE, NAME, RSS (kB), FDS, PTRACE (alice's PTRACE_ATTACH from the
# host), ENVIRON (alice's read of its environment from the host), OUT.
session() {
	: >"$T/syslog"
	"$DRIVER" -c "sleep 1; $1" nsbox-test alice >"$T/out" 2>&1 &
	local driver=$!
	INIT="" EXE="" NAME="" RSS="" FDS="" PTRACE="" ENVIRON=""
	if log_has "user alice boxed rule=main .*pid=[0-9]+"; then
		INIT=$(grep -ao "user alice boxed rule=main .*pid=[0-9]*" "$T/syslog" | sed 's/.*pid=//')
		# Box init executes nsbox-init INIT_EXEC_DELAY_MS (20 ms) after
		# the box is ready, off the login's path.
		sleep 0.3
		# The file it runs (its path shows as in the detached copy
		# of the directory box init executed it from).
		EXE=$(stat -Lc '%d:%i' "/proc/$INIT/exe")
		NAME=$(cat "/proc/$INIT/comm")
		RSS=$(awk '/^VmRSS:/ {print $2}' "/proc/$INIT/status")
		FDS=$(fd_list "$INIT")
		PTRACE=$(as_alice "$THIEF" ptrace "$INIT" 2>&1)
		ENVIRON=$(as_alice cat "/proc/$INIT/environ" 2>&1 >/dev/null)
	fi
	wait $driver
	OUT=$(cat "$T/out")
}

# --- root's, 0711, in a directory of root's: executed ----------------------------------
install -m 0711 "$NSBOX_INIT" "$T/bin/nsbox-init"
session 'hostname; tr "\0" " " </proc/1/cmdline; echo "|"; cat /proc/1/environ && echo ENVIRON
	attack run ptrace_init; attack run proc1_mem'
is "box init executes nsbox-init once the box is ready" "$EXE" "$(stat -c '%d:%i' "$T/bin/nsbox-init")"
is "... its name is nsbox-init (box records are trusted only for that name)" "$NAME" "nsbox-init"
like "... the session runs in the box" "$OUT" "^alice-box$"
like "... its command line in the box is its name, no host path" "$OUT" "^nsbox-init \|$"
unlike "... alice cannot read its environment from the box" "$OUT" "ENVIRON"
like "... nor ptrace it from the box" "$OUT" "ptrace_init: .*blocked"
like "... nor open its memory from the box" "$OUT" "proc1_mem: .*blocked"
is "... nor ptrace it from the host, as her own uid" "$PTRACE" "ptrace: EPERM"
like "... nor read its environment from the host" "$ENVIRON" "Permission denied"
is "... its fds: /dev/null on 0-2, the session's socket, its signalfd and timerfd" \
	"$(fd_kinds "$FDS")" "/dev/null /dev/null /dev/null anon_inode:[signalfd] anon_inode:[timerfd] socket "
like "... the session's socket on 3" "$FDS" "^0=/dev/null 1=/dev/null 2=/dev/null 3=socket "
program_rss=$RSS

# --- anything else: box init serves from the helper's image ----------------------------
# not_executed WHAT: the last session's box init was the helper's clone.
not_executed() {
	is "$1: not executed, box init is the helper's clone" "$EXE" "$(stat -c '%d:%i' "$T/bin/nsbox-full")"
	like "... the session runs" "$OUT" "^alice-box$"
}
chmod 0755 "$T/bin/nsbox-init"
session 'hostname; attack run ptrace_init'
not_executed "readable by others (ptrace-able until its first prctl)"
grep -aq "nsbox-init is not root's and execute-only for others (0711): box init serves from the helper's image" "$T/syslog"
ok $? "... and a debug line says why"
is "... the helper's clone is named nsbox-init too" "$NAME" "nsbox-init"
is "... it is out of alice's reach from the host too" "$PTRACE" "ptrace: EPERM"
like "... and from the box" "$OUT" "ptrace_init: .*blocked"
# Numbered otherwise (its signalfd is made before the helper's fds close).
is "... its fds are the same" "$(fd_kinds "$FDS")" \
	"/dev/null /dev/null /dev/null anon_inode:[signalfd] anon_inode:[timerfd] socket "
ok $([ -n "$program_rss" ] && [ -n "$RSS" ] && [ "$program_rss" -lt "$RSS" ]; echo $?) \
	"nsbox-init's RSS ($program_rss kB) is below the helper image's ($RSS kB)"
chmod 0731 "$T/bin/nsbox-init"
session hostname
not_executed "writable by its group"
chmod 0711 "$T/bin/nsbox-init"
chown alice "$T/bin/nsbox-init"
session hostname
not_executed "owned by a user"
chown root "$T/bin/nsbox-init"
chmod 4711 "$T/bin/nsbox-init"
session hostname
not_executed "setuid"
chmod 0711 "$T/bin/nsbox-init"
chmod 0777 "$T/bin"
session hostname
not_executed "in a directory others can write"
chmod 0755 "$T/bin"
mv "$T/bin/nsbox-init" "$T/nsbox-init.real"
ln -s "$T/nsbox-init.real" "$T/bin/nsbox-init"
session hostname
not_executed "a symlink"
rm "$T/bin/nsbox-init"
session hostname
not_executed "missing"
grep -aq "no $T/bin/nsbox-init (No such file or directory): box init serves from the helper's image" "$T/syslog"
ok $? "... and a debug line says why"
install -m 0711 "$NSBOX_INIT" "$T/bin/nsbox-init"

# --- a shared box: later sessions join through nsbox-init, linger ---------------------
conf 'share = "user"' 'linger = "2s"'
: >"$T/syslog"
"$DRIVER" -c 'sleep 1234 & sleep 4' nsbox-test alice >"$T/first" 2>&1 &
first=$!
log_has "user alice boxed rule=main .*pid=[0-9]+"
INIT=$(grep -ao "user alice boxed rule=main .*pid=[0-9]*" "$T/syslog" | sed 's/.*pid=//' | head -n 1)
sleep 0.3 # INIT_EXEC_DELAY_MS, as in session()
is "share = user: box init executes nsbox-init" "$(stat -Lc '%d:%i' "/proc/$INIT/exe")" \
	"$(stat -c '%d:%i' "$T/bin/nsbox-init")"
out=$("$DRIVER" -c 'ps -o args; echo "init=$(tr "\0" " " </proc/1/cmdline)"' nsbox-test alice 2>&1)
like "... a second session joins the same box (it sees the first's processes)" "$out" "sleep 1234"
like "... and its init is nsbox-init" "$out" "^init=nsbox-init $"
is "... nsbox list trusts its record (named nsbox-init) and counts it once" \
	"$("$NSBOX" list --json | grep -c '"id"')" "1"
FDS=$(fd_list "$INIT")
is "... its fds: the listening socket beside the first session's (the second's is closed)" \
	"$(fd_kinds "$FDS")" "/dev/null /dev/null /dev/null anon_inode:[signalfd] anon_inode:[timerfd] socket socket "
wait $first
sleep 0.5
ok $(kill -0 "$INIT" 2>/dev/null; echo $?) "linger = 2s: box init outlives its last session"
for _ in $(seq 60); do kill -0 "$INIT" 2>/dev/null || break; sleep 0.1; done
ok $(! kill -0 "$INIT" 2>/dev/null; echo $?) "... then it goes"
conf

# --- the program itself, run by hand as alice: readable, so only its own --------------
# prctl(PR_SET_DUMPABLE, 0) keeps her other processes from ptracing it.
install -m 0755 "$NSBOX_INIT" "$T/readable-init"
# hand_run ENV...: nsbox-init as alice with the session socket on fd 3,
# ENV as its whole environment. Prints what it said on stderr, then (once
# it has named itself, or after 5 s) its name and alice's PTRACE_ATTACH of
# it, then how it ended once its session socket is closed.
hand_run() {
	THIEF=$THIEF perl -MSocket -MPOSIX -e '
		$^F = 100; # the socketpair below survives exec
		socketpair(my $s0, my $s1, AF_UNIX, SOCK_SEQPACKET, 0) or die "socketpair: $!";
		pipe(my $e0, my $e1) or die "pipe: $!";
		my $pid = fork() // die "fork: $!";
		if ($pid == 0) {
			POSIX::dup2(fileno($s1), 3); POSIX::dup2(fileno($e1), 2);
			exec("setpriv", "--reuid=62001", "--regid=62001", "--clear-groups",
			     "env", "-i", @ARGV) or die "exec: $!";
		}
		close($s1); close($e1);
		# It names itself after making itself non-dumpable: wait for
		# the name (or its end), then look.
		my ($name, $status) = ("", undef);
		for (1 .. 50) {
			$name = `cat /proc/$pid/comm 2>/dev/null`;
			last if $name eq "nsbox-init\n";
			# Gone already (a refusal): keep its status.
			if (waitpid($pid, WNOHANG) == $pid) { $status = $? >> 8; last }
			select(undef, undef, undef, 0.1);
		}
		print "name=$name";
		print "ptrace=", `setpriv --reuid=62001 --regid=62001 --clear-groups $ENV{THIEF} ptrace $pid 2>&1`;
		# A successful attach (a broken nsbox-init) leaves it stopped.
		kill("CONT", $pid);
		close($s0);
		alarm(10);
		if (!defined $status) { waitpid($pid, 0); $status = $? >> 8 }
		my $err = join("", <$e0>);
		chomp($err);
		print "stderr=$err\n";
		print "status=$status\n";
	' "$@" 2>&1
}
out=$(hand_run NSBOX_INIT_ABI=1 NSBOX_LISTEN_FD=-1 NSBOX_LINGER=0 "$T/readable-init")
like "nsbox-init by hand: it names itself nsbox-init, whatever its file is called" "$out" \
	"^name=nsbox-init$"
like "... and is not dumpable though its file is readable: alice cannot ptrace it" "$out" \
	"^ptrace=ptrace: EPERM$"
like "... exits 0 once its only session is gone (linger 0)" "$out" "^status=0$"
out=$(hand_run NSBOX_LISTEN_FD=-1 "$T/readable-init")
like "nsbox-init without its parameters: refuses, saying why" "$out" \
	"^stderr=nsbox-init: run by box init only \(bad environment\)$"
like "... and exits 1" "$out" "^status=1$"
out=$(hand_run NSBOX_INIT_ABI=1 NSBOX_LISTEN_FD=x NSBOX_LINGER=0 "$T/readable-init")
like "... so does a parameter that is not a number" "$out" "^status=1$"
out=$(hand_run NSBOX_INIT_ABI=2 NSBOX_LISTEN_FD=-1 NSBOX_LINGER=0 "$T/readable-init")
like "... and another version of the interface (a helper of another build)" "$out" "^status=1$"
# Without the fds box init passes it makes its own; with too few fds left
# (alice may lower her box init's RLIMIT_NOFILE) it must not serve on
# without its linger timer, outliving its last session: it exits.
out=$(hand_run NSBOX_INIT_ABI=1 NSBOX_LISTEN_FD=-1 NSBOX_LINGER=0 \
	prlimit --nofile=5 "$T/readable-init")
like "nsbox-init that cannot make its timerfd: exits, saying why" "$out" \
	"^stderr=nsbox-init: cannot make its signalfd and timerfd$"
like "... with status 1" "$out" "^status=1$"

no_leftovers "$before"
done_testing
