#!/bin/sh
# check: runs every test of one build and adds its counts to a tally file, or prints
# the sum of the tally (--summary). Used by `make check`; each step is one line here.
#   tools/check.sh BUILD TALLY     unit tests, fuzz-corpus replay, source rules, catalogs,
#                                  integration tests, against BUILD/sava
#   tools/check.sh --summary TALLY the last line: "N passed, N failed"
set -u
PY=/usr/bin/python3

if [ "$1" = "--summary" ]; then
	awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$2"
	exit $?
fi

build=$1
tally=$2
passed=0
failed=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
say() { printf '== %s: %s\n' "$build" "$*"; }

# C unit tests: each prints "unit NAME: N passed, N failed".
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | grep -E '^unit .*: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ] || [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | tail -n 20
	fi
	if [ -n "$line" ]; then
		p=$(printf '%s' "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
		f=$(printf '%s' "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
		[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
		count "$p" "$f"
		say "$line"
	else
		count 0 1
		say "unit $(basename "$t"): crashed (exit $rc)"
	fi
done

# Fuzz corpora, replayed: every file of fuzz/corpus/NAME through its target.
for r in "$build"/fuzz/replay_*; do
	[ -x "$r" ] || continue
	name=${r##*/replay_}
	files=$(find "fuzz/corpus/$name" -type f 2>/dev/null | sort)
	n=$(printf '%s\n' "$files" | grep -c .)
	# shellcheck disable=SC2086
	if [ "$n" -gt 0 ] && "$r" $files >/dev/null 2>"$build/replay_$name.err"; then
		count "$n" 0
		say "fuzz $name: $n corpus files replayed"
	else
		tail -n 20 "$build/replay_$name.err"
		count 0 1
		say "fuzz $name: FAILED ($n corpus files)"
	fi
done

# Source rules and catalogs run once, on the plain build.
if [ "$build" = build ]; then
	if sh tools/source-check.sh; then count 1 0; say "source check: ok"; else count 0 1; say "source check: FAILED"; fi
	if sh tools/po-check.sh; then count 1 0; say "catalogs: complete"; else count 0 1; say "catalogs: FAILED"; fi
fi

# Integration tests against the real daemon.
out="$build/pytest.out"
SAVA_BIN="$build/sava" $PY -m pytest -q -p no:cacheprovider tests/integration >"$out" 2>&1
rc=$?
tail -n 30 "$out" | grep -vE '^\s*$' | tail -n 25
last=$(grep -E '(passed|failed|error)' "$out" | tail -n 1)
p=$(printf '%s' "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
f=$(printf '%s' "$last" | grep -oE '[0-9]+ (failed|error|errors)' | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
p=${p:-0}; f=${f:-0}
if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # exit 5 (no tests) or a crash counts as failure
count "$p" "$f"
say "integration: $p passed, $f failed"

echo "$passed $failed" >> "$tally"
say "$passed passed, $failed failed"
[ $failed -eq 0 ]
