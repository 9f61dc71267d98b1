#!/bin/sh
# source-check: the house rules no compiler enforces. Bans the string and process
# functions that have caused overflows and injections elsewhere (STYLE.md). A line may
# carry "allow-banned: REASON" to be exempt; each such exception is counted and listed.
set -u
cd "$(dirname "$0")/.."
banned='\b(sprintf|vsprintf|strcpy|stpcpy|strcat|strncpy|strncat|strtok|gets|atoi|atol|atoll|sscanf|system|popen|alloca|tmpnam|mktemp)[[:space:]]*\('
hits=$(grep -nE "$banned" src/*.c src/*/*.c src/*/*.h tests/unit/*.c fuzz/*.c tools/*.c 2>/dev/null | grep -v 'allow-banned:')
exceptions=$(grep -nE "$banned" src/*.c src/*/*.c src/*/*.h 2>/dev/null | grep -c 'allow-banned:')
status=0
if [ -n "$hits" ]; then
	echo "source-check: banned functions (see ../shared/STYLE.md):"
	printf '%s\n' "$hits"
	status=1
fi
# SQL lives only in the store.
sql=$(grep -nlE '\bsqlite3_' src/*.c src/*/*.c | grep -v '^src/store/')
if [ -n "$sql" ]; then
	echo "source-check: SQLite used outside src/store/: $sql"
	status=1
fi
# The HTTP layer and the pages write into fixed arrays only through the checked forms
# (core/buf.h: snprintf_ok, snprintf_cut) or a buf_t: a cut path, header or cookie is
# never used as if whole.
fmt=$(grep -nE '(^|[^_[:alnum:]])v?snprintf[[:space:]]*\(' src/http/*.c src/pages/*.c)
if [ -n "$fmt" ]; then
	echo "source-check: unchecked snprintf in src/http or src/pages (use snprintf_ok, snprintf_cut or a buf_t):"
	printf '%s\n' "$fmt"
	status=1
fi
# Every source file opens with a comment saying what it does.
for f in src/*.c src/*/*.c src/*/*.h; do
	head -c 2 "$f" | grep -q '/\*' || { echo "source-check: $f does not open with a comment"; status=1; }
done
[ "$exceptions" -gt 0 ] && echo "source-check: $exceptions counted exception(s)"
exit $status
