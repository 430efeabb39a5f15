"""A searchable multiple choice for long lists (issue 10 item 7): the 250
nationalities, the 184 languages, the 101 départements.

Without JavaScript it is a native control: a fieldset of checkboxes (its
legend written by includes/field.html) in a scrollable region, submitted as
`name=value` pairs like Django's `CheckboxSelectMultiple` or a
`<select multiple>`, so the field's validation and the posted data do not
change. static/js/multiselect.js then adds, as progressive enhancement, a
labelled filter (accent- and case-insensitive), the chosen items as
removable DSFR tags and a live region announcing the number of matches
(RGAA 7.1 and 7.5, WCAG 4.1.3). Its words come from data- attributes the
template translates: the script holds no French.

The checkboxes are written in Python, like directory/widgets.py's `Select`:
Django's per-option templates made most of a form page's time (issue 17)."""

from __future__ import annotations

from html import escape

from django import forms
from django.utils.safestring import mark_safe


class SearchableMultiSelect(forms.CheckboxSelectMultiple):
    """`CheckboxSelectMultiple` with a filter and tags; pages using it render
    `{{ form.media }}` (the script, from 'self': allowed by the CSP without a
    nonce, and nothing inline)."""

    template_name = "widgets/searchable_multiselect.html"

    class Media:
        js = ("js/multiselect.js",)

    def get_context(self, name, value, attrs):
        # Not super(): ChoiceWidget.get_context builds a dict per option
        # (optgroups), the cost issue 17 removed; the options are written below.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        base_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = base_id
        chosen = {str(v) for v in widget["value"]}
        parts = []
        for index, (option_value, label) in enumerate(self.choices):
            option_value = "" if option_value is None else str(option_value)
            option_id = f"{escape(base_id)}_{index}"
            checked = " checked" if option_value in chosen else ""
            parts.append(
                '<div class="fr-fieldset__element maillage-multiselect__option" data-multiselect-option>'
                '<div class="fr-checkbox-group fr-checkbox-group--sm">'
                f'<input type="checkbox" name="{escape(name)}" value="{escape(option_value)}" id="{option_id}"{checked}>'
                f'<label class="fr-label" for="{option_id}">{escape(str(label))}</label>'
                "</div></div>"
            )
        widget["options_html"] = mark_safe("".join(parts))  # every name, value, id and label escaped above
        return context

    def id_for_label(self, id_, index=None):
        # The field's label is the fieldset's legend: no <label for> points at
        # the group, only each checkbox's own label at its input.
        return f"{id_}_{index}" if index is not None and id_ else ""
