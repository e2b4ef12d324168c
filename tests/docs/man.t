#!/bin/bash
# The man pages in man/: each one renders without a warning, and none falls
# behind the code: every module argument is a tag in pam_nsbox(8), every
# long option of nsbox run and nsbox check one in nsbox(1), and the example
# config of nsbox.conf(5) passes nsbox check (that every config key is a
# tag in nsbox.conf(5) is tests/unit/test_configkeys.c's). Needs no root
# (the last check does, and is skipped without it).
. "$(dirname "$0")/../lib/tap.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
NSBOX=$TOP/helper/nsbox
MAN=$TOP/man
T=$(mktemp -d /tmp/nsbox-man.XXXXXX)
trap 'rm -rf "$T"' EXIT

pages=()
for p in "$MAN"/*.[158]; do
	[ -f "$p" ] && pages+=("$p")
done
[ ${#pages[@]} -gt 0 ] || skip_all "no man pages in $MAN"

have() { command -v "$1" >/dev/null 2>&1; }

# The lines of roff source SRC that are the tag of a .TP item (the line right
# after .TP), optionally only within section SECTION (.SH SECTION up to the
# next .SH).
tags() { # tags SRC [SECTION]
	awk -v want="${2:-}" '
		/^\.SH/ {
			name = $0
			sub(/^\.SH +/, "", name)
			gsub(/"/, "", name)
			in_sec = (want == "" || name == want)
		}
		in_sec && after_tp { print }
		{ after_tp = ($0 ~ /^\.TP/) }
	' "$1"
}

# Does the tag list TAGS have a tag made with a font macro (.B, .BI, .BR,
# .I, .IR) whose text holds WORD (an ERE, matched whole)?
has_tag() { # has_tag "$tags" ERE
	printf '%s\n' "$1" | grep -Eq -- "^\.(B|BI|BR|I|IR|IB)( .*)?[ \"]$2([ \",=]|$)"
}

# Long options of a getopt_long table: the names in { "name", ..._argument.
longopts_of() { # longopts_of FILE FUNCTION
	awk -v fn="$2" '
		$0 ~ "^[a-z].*[ *]" fn "\\(" { inside = 1 }
		inside && /^}/ { inside = 0 }
		inside { print }
	' "$1" | grep -Eo '\{ *"[a-z][a-z-]*", *(no|required|optional)_argument' |
		sed -E 's/^\{ *"([^"]*)".*/\1/' | sort -u
}

# --- each page renders ----------------------------------------------------
for page in "${pages[@]}"; do
	base=$(basename "$page")
	sec=${base##*.}
	title=${base%.*}

	th=$(grep -m1 '^\.TH ' "$page")
	like "$base: .TH names the page and section $sec" "$th" \
		"^\.TH \"?$(tr '[:lower:]' '[:upper:]' <<<"$title" | sed 's/\./\\./g')\"? $sec "
	# The name(s) before " \- " on the line after .SH NAME.
	name=$(awk '/^\.SH +"?NAME"?$/ { getline; sub(/ *\\-.*/, ""); print; exit }' "$page")
	like "$base: NAME section names $title" "$name" "(^|, )$(sed 's/\./\\./g' <<<"$title")(,|$)"

	if have groff; then
		out=$(groff -man -ww -z "$page" 2>&1)
		rc=$?
		is "$base: groff -man -ww -z exits 0" "$rc" "0"
		is "$base: groff -man -ww -z prints no warning" "$out" ""
	else
		skip "groff is not installed" "$base: groff -man -ww -z exits 0"
		skip "groff is not installed" "$base: groff -man -ww -z prints no warning"
	fi

	if have man && have groff; then
		out=$(MANWIDTH=80 MAN_KEEP_FORMATTING= man -l "$page" 2>"$T/man.err")
		rc=$?
		[ $rc -eq 0 ] || diag "man -l stderr:" "$(cat "$T/man.err")"
		is "$base: man -l exits 0" "$rc" "0"
		like "$base: man -l renders a NAME section" "$out" "^NAME$"
		name_line=$(printf '%s\n' "$out" | sed -n '/^NAME$/ { n; p; q; }')
		like "$base: man -l renders the name $name" "$name_line" "^ +${name//./\\.} +- "
		lines=$(printf '%s\n' "$out" | wc -l)
		like "$base: man -l renders more than a screenful ($lines lines)" "$lines" '^[0-9]{3,}$'
	else
		for what in "exits 0" "renders a NAME section" "renders the name" "renders the page"; do
			skip "man or groff is not installed" "$base: man -l $what"
		done
	fi
done

# --- nsbox.conf(5) documents every config key -----------------------------
# tests/unit/test_configkeys.c: it reads the keys from their table
# (helper/configkeys.c), with their defaults and types.

# --- pam_nsbox(8) documents every module argument -------------------------
pam8=$MAN/pam_nsbox.8
# The arguments parse_args() takes, without those of test builds only.
args=$(awk '/^static int parse_args\(/, /^}/' "$TOP/pam_module/pam_nsbox.c" |
	awk '/^#ifdef NSBOX_TEST_BUILD/ { skip = 1 } /^#endif/ { skip = 0 } !skip' |
	grep -Eo '(streq|startswith)\(argv\[i\], "[a-z_]+=?"' | sed -E 's/.*"([^"]*)"$/\1/' | sort -u)
like "pam_module/pam_nsbox.c: the module arguments were found" "$(echo $args)" 'leave'
if [ -f "$pam8" ]; then
	pam_tags=$(tags "$pam8" OPTIONS)
	for arg in $args; do
		if has_tag "$pam_tags" "${arg%=}="'?'; then
			ok 0 "pam_nsbox.8 documents module argument '$arg'"
		else
			diag "no .TP tag for '$arg' under OPTIONS in $pam8"
			ok 1 "pam_nsbox.8 documents module argument '$arg'"
		fi
	done
else
	ok 1 "man/pam_nsbox.8 exists"
fi

# --- nsbox(1) documents every long option ---------------------------------
nsbox1=$MAN/nsbox.1
check_opts() { # check_opts COMMAND SECTION SOURCE OPTS...
	cmd=$1 section=$2 source=$3
	shift 3
	for opt in "$@"; do
		# In roff source an option's dashes are \-\-.
		if has_tag "$(tags "$nsbox1" "$section")" "\\\\-\\\\-$opt"; then
			ok 0 "nsbox.1 documents nsbox $cmd --$opt ($source)"
		else
			diag "no .TP tag for \\-\\-$opt under $section in $nsbox1"
			ok 1 "nsbox.1 documents nsbox $cmd --$opt ($source)"
		fi
	done
}
if [ -f "$nsbox1" ]; then
	run_src=$(longopts_of "$TOP/helper/run.c" parse_run_args)
	check_src=$(longopts_of "$TOP/helper/check.c" cmd_check)
	like "helper/run.c: the long options of nsbox run were found" "$(echo $run_src)" 'rootfs'
	like "helper/check.c: the long options of nsbox check were found" "$(echo $check_src)" 'file'
	check_opts run "NSBOX RUN" "helper/run.c" $run_src
	check_opts check "NSBOX CHECK" "helper/check.c" $check_src
	if [ -x "$NSBOX" ]; then
		for cmd in run check; do
			help=$("$NSBOX" "$cmd" --help 2>&1)
			is "nsbox $cmd --help exits 0" "$?" "0"
			opts=$(grep -Eo -- '--[a-z][a-z-]*' <<<"$help" | sed 's/^--//' | sort -u)
			section="NSBOX $(tr '[:lower:]' '[:upper:]' <<<"$cmd")"
			check_opts "$cmd" "$section" "$cmd --help" $opts
		done
	else
		skip "$NSBOX is not built (run make)" "nsbox run --help options are documented"
		skip "$NSBOX is not built (run make)" "nsbox check --help options are documented"
	fi
else
	ok 1 "man/nsbox.1 exists"
fi

# --- the example config of nsbox.conf(5) is valid -------------------------
conf5=$MAN/nsbox.conf.5
# The .EX block after the comment "example-config", with roff escapes undone.
example=$(awk '/^\.\\" example-config/ { want = 1; next }
	want && /^\.EX/ { inside = 1; next }
	inside && /^\.EE/ { exit }
	inside { print }' "$conf5" 2>/dev/null |
	sed -e 's/\\(dq/"/g' -e "s/\\\\(aq/'/g" -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\e/\\/g')
like "nsbox.conf.5: the example config was found" "$example" '^rule '
unlike "nsbox.conf.5: no roff escape is left in the example config" "$example" '\\'
if [ "$(id -u)" != 0 ]; then
	skip "nsbox check demands a root-owned file: needs root" "the example config passes nsbox check"
elif [ ! -x "$NSBOX" ]; then
	skip "$NSBOX is not built (run make)" "the example config passes nsbox check"
else
	# $T is root's and 0700, under the root-owned sticky /tmp: a safe path.
	printf '%s\n' "$example" >"$T/nsbox.conf"
	chmod 0644 "$T/nsbox.conf"
	# --syntax: its rootfs directories are not on this machine.
	out=$("$NSBOX" check --syntax -f "$T/nsbox.conf" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || diag "$out"
	is "the example config passes nsbox check" "$rc" "0"
fi

done_testing
