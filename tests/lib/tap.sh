# tap.sh: a few lines of TAP for shell tests, run by prove(1).
#   ok_cmd "what" cmd args...       passes when cmd exits 0
#   is "what" "$got" "$want"        passes when equal
#   like "what" "$got" 'ERE'        passes when got matches the extended regex
#   unlike "what" "$got" 'ERE'      passes when it does not
#   skip "why" "what"               a skipped test
#   skip_all "why"                  the whole file is skipped (exit 0)
#   done_testing                    prints the plan; exit status = failures
tap_n=0
tap_fail=0

ok() { # ok STATUS "what"
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fail=$((tap_fail + 1))
	fi
	return "$1"
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

ok_cmd() {
	what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || diag "command failed ($rc): $*" "$out"
	ok $rc "$what"
}

is() {
	if [ "$2" = "$3" ]; then
		ok 0 "$1"
	else
		diag "got:  '$2'" "want: '$3'"
		ok 1 "$1"
	fi
}

like() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		ok 0 "$1"
	else
		diag "got: '$2'" "want match: $3"
		ok 1 "$1"
	fi
}

unlike() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		diag "got: '$2'" "must not match: $3"
		ok 1 "$1"
	else
		ok 0 "$1"
	fi
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $2 # SKIP $1"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	exit $((tap_fail > 254 ? 254 : tap_fail))
}
