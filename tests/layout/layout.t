#!/bin/bash
# The source layout says what depends on what (issue 15): the module
# (pam_module/) and the code both sides compile (common/) include nothing
# from helper/, and no two parts of the tree include each other (a part is
# X.c with X.h). Needs no root and no build (the compiler's own list of the
# headers the module read is checked when a build left one).
. "$(dirname "$0")/../lib/tap.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1

# Part pairs that still include each other, each to be undone by its own
# change of issue 15; listed here so that no other cycle comes in
# meanwhile. A pair that no longer does is only noted.
KNOWN_CYCLES=""

# Every local include of the C sources given, as "FILE TARGET" (TARGET
# the path of the included file from the top). build-id.h is generated
# into the build directory.
includes() {
	awk 'match($0, /^#include "[^"]+"/) {
		inc = substr($0, 11, RLENGTH - 11)
		if (inc == "build-id.h")
			next
		dir = FILENAME; sub(/\/[^\/]*$/, "", dir)
		path = dir "/" inc
		while (sub(/[^\/.][^\/]*\/\.\.\//, "", path))
			;
		print FILENAME, path
	}' "$@"
}

srcs=$(ls pam_module/*.[ch] common/*.[ch] helper/*.[ch] 2>/dev/null)
[ -n "$srcs" ] || skip_all "no sources under $TOP"
all=$(includes $srcs)
like "the includes of the sources were found" "$all" '^pam_module/pam_nsbox\.c common/'

bad=$(echo "$all" | awk '$1 ~ /^(pam_module|common)\// && $2 ~ /^helper\//')
is "pam_module/ and common/ include nothing from helper/" "$bad" ""
missing=$(echo "$all" | while read -r f t; do [ -e "$t" ] || echo "$f $t"; done)
is "every local include names a file of the tree" "$missing" ""

# What the compiler read for the module (make's dependency files), headers
# included by headers too.
deps=$(ls build/module/.*.d build/test-module/.*.d 2>/dev/null)
if [ -n "$deps" ]; then
	read_helper=$(cat $deps | tr ' \\' '\n\n' | grep -E '(^|/)helper/' | sort -u)
	is "the module's build read no header of helper/" "$read_helper" ""
else
	skip "no build of the module (make) to take its dependency files from" \
		"the module's build read no header of helper/"
fi

# Part graph: X -> Y when X.c or X.h includes Y.h (X != Y).
edges=$(echo "$all" | awk '{ a = $1; b = $2; sub(/\.[ch]$/, "", a); sub(/\.[ch]$/, "", b);
	if (a != b) print a, b }' | sort -u)
for pair in $KNOWN_CYCLES; do
	a=${pair%%:*} b=${pair##*:}
	if echo "$edges" | grep -qx "$a $b" && echo "$edges" | grep -qx "$b $a"; then
		edges=$(echo "$edges" | grep -vx -e "$a $b" -e "$b $a")
	else
		diag "$a and $b no longer include each other: drop them from KNOWN_CYCLES"
	fi
done
loop=$(echo "$edges" | tsort 2>&1 >/dev/null)
is "no two parts of the tree include each other${KNOWN_CYCLES:+ (but: $KNOWN_CYCLES)}" "$loop" ""

done_testing
