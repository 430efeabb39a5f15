"""URLs of list rows without a `{% url %}` per row (issue 17: a list of 50
cases reversed the same pattern 50 times, each walking the resolver).

`row_url("cases:detail")` reverses the pattern once per URLconf and script
prefix with a placeholder for its one argument and keeps what comes before
and after it; each row then only joins strings. Only values the converter
would accept untouched take that path (non-negative ints for `<int:…>`, slugs
for `<slug:…>`/`<str:…>`, none of which `reverse()` quotes); anything else
goes through `reverse()`, so a row's URL is always what `{% url %}` gives.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Letters only: a valid slug and str, never an int; digits: a valid int.
_SLUG_PLACEHOLDER = "rowurlplaceholder"
_INT_PLACEHOLDER = 918273645
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class RowUrl:
    # Templates would call it without its argument when resolving the variable.
    do_not_call_in_templates = True

    def __init__(self, viewname: str):
        self.viewname = viewname
        for kind, placeholder in (("slug", _SLUG_PLACEHOLDER), ("int", _INT_PLACEHOLDER)):
            try:
                url = reverse(viewname, args=[placeholder])
            except NoReverseMatch:
                continue
            before, found, after = url.partition(str(placeholder))
            if found and str(placeholder) not in after:
                self.kind, self.before, self.after = kind, before, after
                return
        raise ValueError(f"{viewname}: a row URL takes one int or slug argument")

    def __call__(self, value) -> str:
        if self.kind == "int":
            fast = type(value) is int and value >= 0
        else:
            fast = type(value) is str and _SLUG.fullmatch(value) is not None
        if fast:
            return f"{self.before}{value}{self.after}"
        return reverse(self.viewname, args=[value])


_row_urls: dict[tuple, RowUrl] = {}


def row_url(viewname: str) -> RowUrl:
    """The `RowUrl` of a pattern, memoised per URLconf and script prefix
    (the only things besides its argument its URL depends on)."""
    key = (viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    found = _row_urls.get(key)
    if found is None:
        found = _row_urls[key] = RowUrl(viewname)
    return found
