#!/usr/bin/env bash
# Fails when a French string of the interface has no English translation.
#
# Every page must exist in both languages (brief): a msgid without a msgstr, or
# with a `#, fuzzy` one (Django never uses fuzzy entries), shows French to an
# English reader. The messages are extracted into a temporary copy of the
# sources so the committed catalogues are never rewritten; each extracted
# msgid must be translated in one of the committed catalogues (Django merges
# them at run time: locale/ plus the apps' own, e.g. maillage/api/locale, kept
# apart on purpose). Also checks that every translation keeps its
# placeholders (msgfmt --check). Run by `make lint`; takes about 15 s.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
# `make lint` passes a path relative to the project; makemessages runs elsewhere.
case "$python" in /*) ;; */*) python="$root/$python" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The sources makemessages reads (same scope as `make messages`: no .venv,
# var or bench) and the committed catalogues, copied so makemessages may
# rewrite them freely.
mkdir -p "$tmp/src"
cp -r "$root/manage.py" "$root/config" "$root/maillage" "$root/templates" "$root/locale" "$tmp/src/"
find "$tmp/src" -name '*.mo' -delete
(cd "$tmp/src" && PYTHONDONTWRITEBYTECODE=1 "$python" manage.py makemessages -l en --keep-pot \
	--ignore=.venv --ignore=var --ignore=bench >/dev/null)

# Every catalogue that Django loads: LOCALE_PATHS and the apps' locale dirs.
mapfile -t catalogues < <(cd "$root" && find locale maillage -path '*/en/LC_MESSAGES/django.po' | sort)
status=0

# The locations and msgids of a catalogue's entries, its header left out.
entries() { sed '1,/^$/d' | grep -E '^(#:|msgctxt |msgid |msgid_plural )' || true; }

# Only translated, non-fuzzy entries count; the first catalogue wins a clash.
translated=()
for po in "${catalogues[@]}"; do
	if ! msgfmt --check-format --check-header -o /dev/null "$root/$po" 2>"$tmp/msgfmt.err"; then
		echo "$po: msgfmt --check failed:" >&2
		cat "$tmp/msgfmt.err" >&2
		status=1
	fi
	msgattrib --only-fuzzy --no-obsolete --no-wrap "$root/$po" | entries >"$tmp/fuzzy"
	if [ -s "$tmp/fuzzy" ]; then
		echo "$po: $(grep -c '^msgid ' "$tmp/fuzzy") fuzzy entries (Django ignores them; check the translation and remove '#, fuzzy'):" >&2
		cat "$tmp/fuzzy" >&2
		status=1
	fi
	out="$tmp/translated-${#translated[@]}.po"
	msgattrib --translated --no-fuzzy --no-obsolete -o "$out" "$root/$po"
	translated+=("$out")
done
msgcat --use-first -o "$tmp/all.po" "${translated[@]}"

# Every extracted template against the union of the translations.
mapfile -t pots < <(cd "$tmp/src" && find . -name django.pot | sort)
for pot in "${pots[@]}"; do
	msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$tmp/merged.po" "$tmp/all.po" "$tmp/src/$pot"
	msgattrib --untranslated --no-obsolete --no-wrap "$tmp/merged.po" | entries >"$tmp/missing"
	if [ -s "$tmp/missing" ]; then
		echo "$(grep -c '^msgid ' "$tmp/missing") msgids without an English translation (from ${pot#./}):" >&2
		cat "$tmp/missing" >&2
		status=1
	fi
done

if [ "$status" -eq 0 ]; then
	echo "Translations: every msgid has an English translation (${#catalogues[@]} catalogues)."
fi
exit "$status"
