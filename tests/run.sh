#!/bin/sh
# Run every test under prove(1) and end with "N passed, N failed, N skipped".
# Unit tests are the TAP binaries in build/tests, and the same built by clang
# with ASan and UBSan in build/clang-san (make sanitized-units; a sanitizer's
# report ends the binary with an error, a failure here); the rest are the
# executable *.t scripts under tests/. Root-only and kernel-dependent tests
# SKIP with a reason when they cannot run here. TESTS="tests/run/*.t"
# narrows the set.
set -u
cd "$(dirname "$0")/.." || exit 1
log=build/test.log
mkdir -p build
tests=${TESTS:-$(ls build/tests/test_* build/clang-san/tests/test_* tests/*/*.t 2>/dev/null)}

# Each test file gets at most 10 minutes; CI allows 90 for the whole run.
{
	prove --verbose --merge --timer --exec 'timeout -k 10 600' $tests 2>&1
	echo $? >build/test.rc
} | tee "$log"
rc=$(cat build/test.rc)

awk -v rc="$rc" '
/^ *ok [0-9]+/ { if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) skipped++; else passed++; next }
/^ *not ok [0-9]+/ { if ($0 ~ /# *TODO/) passed++; else failed++; next }
/^ *1\.\.0 *# *[Ss][Kk][Ii][Pp]/ { skipped++ }
# prove --verbose shows a whole-file skip (1..0 # SKIP) as "t .. skipped: why".
/ \.\.+ skipped: / { skipped++ }
END {
	# A script that died or broke its plan without a "not ok" still fails.
	if (rc != 0 && failed == 0) failed = 1
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit (failed > 0)
}' "$log"
