#!/bin/sh
# source-check: the house rules no compiler enforces: the direction table of src/ (which
# folder may include which) and no include cycle; bans the string and process
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
# Arrows run one way (DESIGN.md section 6): which folder of src/ may include which.
# A folder may always include itself. pages may include http/http.h alone (the types of a
# request and its response, which the pages fill); main.c, the entry point, may include
# anything.
allowed() {
	case $1 in
	core)   echo "" ;;
	parse)  echo "core" ;;
	conf)   echo "core parse" ;;
	vault)  echo "core parse" ;;
	store)  echo "core" ;;
	media)  echo "core parse conf" ;;
	domain) echo "core parse conf vault store media" ;;
	pages)  echo "core parse conf domain" ;;
	http)   echo "core parse conf vault domain pages" ;;
	cli)    echo "core parse conf vault store media domain pages http" ;;
	*)      echo "-" ;;
	esac
}
for f in src/*/*.c src/*/*.h; do
	from=$(printf '%s' "$f" | cut -d/ -f2)
	ok=$(allowed "$from")
	if [ "$ok" = "-" ]; then
		echo "source-check: $f is in src/$from/, which the direction table does not know"
		status=1
		continue
	fi
	for inc in $(sed -n 's/^#include "\([a-z_]*\/[a-z_]*\.h\)".*/\1/p' "$f"); do
		to=${inc%%/*}
		[ "$to" = "$from" ] && continue
		[ "$from/$inc" = "pages/http/http.h" ] && continue
		case " $ok " in
		*" $to "*) ;;
		*) echo "source-check: $f includes $inc: src/$from/ may not include src/$to/ (DESIGN.md section 6)"; status=1 ;;
		esac
	done
done
# No include cycles between files: each header's includes, followed to the end.
cycle=$(awk '
	FNR == 1 { file = FILENAME; sub(/^src\//, "", file) }
	/^#include "[a-z_]+\/[a-z_]+\.h"/ { inc = $2; gsub(/"/, "", inc); edge[file] = edge[file] " " inc }
	function visit(n,   i, parts, k) {
		if (state[n] == 1) { found = found " " n; return 1 }
		if (state[n] == 2) return 0
		state[n] = 1
		k = split(edge[n], parts, " ")
		for (i = 1; i <= k; i++)
			if (visit(parts[i])) { found = found " <- " n; return 1 }
		state[n] = 2
		return 0
	}
	END { for (n in edge) if (visit(n)) { print found; exit } }
' src/*/*.h)
if [ -n "$cycle" ]; then
	echo "source-check: an include cycle among headers:$cycle"
	status=1
fi
[ "$exceptions" -gt 0 ] && echo "source-check: $exceptions counted exception(s)"
exit $status
