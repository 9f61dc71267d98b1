#!/bin/sh
# po-update: collects every translatable string into po/sava.pot and merges it into
# each po/LANG.po. Strings come from templates ({{t "..."}}) and from C (N_("...")).
# Run it after changing any user-facing text; then translate the new entries.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Templates: turn each {{t "text"}} into a C-like N_("text") line for xgettext.
for f in templates/*.html; do
	grep -no '{{t "[^"]*"}}' "$f" | while IFS= read -r hit; do
		line=${hit%%:*}
		text=${hit#*:\{\{t \"}
		text=${text%\"\}\}}
		printf '#line %s "%s"\nN_("%s");\n' "$line" "$f" "$text"
	done
done > "$tmp/templates.c"
xgettext --from-code=UTF-8 --language=C --keyword=N_ --keyword=NN_:1,2 --add-location=file --sort-by-file \
	--package-name=sava --msgid-bugs-address= -o "$tmp/c.pot" src/*/*.c "$tmp/templates.c"
sed -e 's/charset=CHARSET/charset=UTF-8/' -e "s|$tmp/||" "$tmp/c.pot" > po/sava.pot
for po in po/*.po; do
	msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" po/sava.pot
done
echo "po/sava.pot: $(grep -c '^msgid ' po/sava.pot) strings"
for po in po/*.po; do
	printf '%s: ' "$po"; msgfmt --statistics -o /dev/null "$po" 2>&1
done
