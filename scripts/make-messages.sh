#!/usr/bin/env bash
# `make messages`: refreshes the English catalogue locale/en/LC_MESSAGES/django.po
# from the sources, then compiles every catalogue.
#
# The API keeps its own catalogue, written by hand (maillage/api/locale: the
# API, its pages and its token pages), so that it travels with the API.
# makemessages would mark the entries of maillage/www/api and the templates
# obsolete there (it files them by directory), so the API's files are left out
# and any msgid the API catalogue already translates (token strings used in
# shared files) is kept out of locale/. scripts/check-translations.sh, run by
# `make lint`, checks the two catalogues together against every source.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
cd "$root"
po=locale/en/LC_MESSAGES/django.po
api=maillage/api/locale/en/LC_MESSAGES/django.po
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$python" manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=bench \
	--ignore=maillage/api --ignore=maillage/www/api --ignore=templates/api \
	--ignore=templates/organisations/api_tokens.html
msgattrib --no-obsolete -o "$tmp/root.po" "$po"
msgattrib --translated --no-fuzzy --no-obsolete -o "$tmp/api.po" "$api"
# Entries of locale/ whose msgid the API catalogue does not translate.
msgcomm --unique -o "$tmp/unique.po" "$tmp/root.po" "$tmp/api.po"
msgcomm --more-than=1 -o "$po" "$tmp/unique.po" "$tmp/root.po"
"$python" manage.py compilemessages -l en --ignore=.venv
