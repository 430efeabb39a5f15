"""A select that renders its options in Python.

Django renders each <option> through its own template (`option.html`): for
the directory's search form (≈ 600 options: 101 départements, 184
languages, 249 countries…) that was most of the page's time. This widget
builds the same markup in one pass, escaping each value and label with the
standard library's `html.escape` (the same five characters as Django's
`escape`, without its per-call lazy-string check). The class keeps the name
`Select` so the `widget_type` filter of includes/field.html still reads
« select »."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(str(context["name"]))}"{flatatt(context["attrs"])}>']
        for _group, suboptions, _index in context["optgroups"]:
            for option in suboptions:
                selected = " selected" if option["selected"] else ""
                parts.append(
                    f'<option value="{escape(str(option["value"]))}"{selected}>{escape(str(option["label"]))}</option>'
                )
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value and label escaped above
