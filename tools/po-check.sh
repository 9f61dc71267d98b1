#!/bin/sh
# po-check: every catalog is valid and complete: each string in po/sava.pot is in every
# po/LANG.po and translated (English, the source, needs no translations), so a page
# is never half-translated. Fuzzy entries (a translator's doubt) are listed, not failed.
set -u
cd "$(dirname "$0")/.."
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for po in po/*.po; do
	lang=$(basename "$po" .po)
	msgfmt --check -o /dev/null "$po" || { status=1; continue; }
	[ "$lang" = en ] && continue
	# strings in the template that this catalog lacks
	msgcomm --less-than=2 --unique -o "$tmp/missing.po" po/sava.pot "$po" 2>/dev/null
	missing=$(msgattrib --no-obsolete "$tmp/missing.po" 2>/dev/null | grep -c '^msgid "..*"' || true)
	untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid "..*"\|^msgid ""$' || true)
	untranslated=$((untranslated > 0 ? untranslated - 1 : 0))   # minus the header
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
	if [ "${missing:-0}" -gt 0 ] || [ "$untranslated" -gt 0 ]; then
		echo "po-check: $po: $missing missing, $untranslated untranslated (run tools/po-update.sh, then translate)"
		status=1
	fi
	# fuzzy entries show English until a translator confirms them: allowed, but said
	[ "$fuzzy" -gt 0 ] && echo "po-check: $po: $fuzzy fuzzy entries await review"
done
exit $status
