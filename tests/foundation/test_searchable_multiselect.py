"""The searchable multiple choice of long lists (issue 10 item 7): without
JavaScript, a fieldset of checkboxes with its legend; the same names and
values posted as the `<select multiple>` it replaces; the script's words
translated by the template."""

import re

from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from maillage.www.cases.forms import CaseForm
from maillage.www.referrals.forms import AcseRequestForm
from maillage.www.widgets import SearchableMultiSelect


def render(bound_field) -> str:
    return render_to_string("includes/field.html", {"field": bound_field})


def test_fieldset_with_legend_labelled_checkboxes_and_the_chosen_values_checked():
    form = CaseForm(initial={"nationalities": ["CI", "NG"]})
    html = render(form["nationalities"])
    # The field's label is the legend of its group; its help text is in the legend.
    assert re.search(
        r'<fieldset class="fr-fieldset"[^>]*>\s*<legend[^>]*>Nationalités<span class="fr-hint-text">', html
    )
    checkboxes = re.findall(r"<input type=\"checkbox\"[^>]*>", html)
    assert len(checkboxes) == len(form.fields["nationalities"].choices) > 200
    assert all('name="nationalities"' in box for box in checkboxes)
    # Every checkbox has its own label, pointing at it.
    for value, label in (("CI", "Côte d&#x27;Ivoire"), ("NG", "Nigeria"), ("XX", "Apatride")):
        box = next(b for b in checkboxes if f'value="{value}"' in b)
        box_id = re.search(r'id="([^"]+)"', box).group(1)
        assert f'<label class="fr-label" for="{box_id}">{label}</label>' in html
    checked = [re.search(r'value="([^"]+)"', b).group(1) for b in checkboxes if " checked" in b]
    assert checked == ["CI", "NG"]
    # The filter is labelled, posts nothing (no name) and is shown by the script only.
    assert '<label class="fr-label" for="id_nationalities-filtre">Filtrer la liste' in html
    filter_input = re.search(r'<input class="fr-input" type="search"[^>]*>', html).group(0)
    assert "name=" not in filter_input and 'id="id_nationalities-filtre"' in filter_input
    assert html.count("data-multiselect-enhanced hidden") == 2
    assert 'role="status"' in html
    # The script's words come from the page, in French here.
    assert 'data-remove-label="Retirer {label}"' in html
    assert 'data-result-other="{count} résultats"' in html
    assert "<script" not in html and "style=" not in html  # strict CSP: nothing inline
    assert "js/multiselect.js" in str(form.media)


def test_words_of_the_script_follow_the_language():
    with translation.override("en"):
        html = render(CaseForm()["languages"])
    assert 'data-remove-label="Remove {label}"' in html
    assert 'data-result-other="{count} results"' in html
    assert "Filter the list" in html
    assert " checked" not in html


def test_same_posted_values_and_validation_as_the_select_it_replaces():
    data = QueryDict(mutable=True)
    data.setlist("nationalities", ["NG", "CI"])
    data.setlist("languages", ["en", "fr"])
    widget_value = CaseForm.base_fields["nationalities"].widget.value_from_datadict(data, {}, "nationalities")
    assert widget_value == forms.SelectMultiple().value_from_datadict(data, {}, "nationalities") == ["NG", "CI"]
    form = CaseForm(data)
    form.is_valid()
    assert form.cleaned_data["nationalities"] == ["NG", "CI"]
    assert form.cleaned_data["languages"] == ["en", "fr"]
    data.setlist("nationalities", ["QQ"])
    form = CaseForm(data)
    assert not form.is_valid() and "nationalities" in form.errors
    html = render(form["nationalities"])
    # The error is read with the group's name, and the invalid value is not ticked.
    assert 'aria-labelledby="id_nationalities-legende id_nationalities-erreurs" role="group"' in html
    assert "fr-fieldset--error" in html and " checked" not in html


def test_values_and_labels_are_escaped():
    class Form(forms.Form):
        choice = forms.MultipleChoiceField(
            widget=SearchableMultiSelect, choices=[("a&b", 'Côte "d\'Ivoire" <x>'), ("75", "Paris")]
        )

    html = str(Form({"choice": ["a&b"]})["choice"])
    assert '<input type="checkbox" name="choice" value="a&amp;b" id="id_choice_0" checked>' in html
    assert '<label class="fr-label" for="id_choice_0">Côte &quot;d&#x27;Ivoire&quot; &lt;x&gt;</label>' in html
    assert "<x>" not in html


def test_acse_danger_departements_use_it_and_still_require_one():
    form = AcseRequestForm({"danger_departements": []})
    assert not form.is_valid() and "danger_departements" in form.errors
    html = render(AcseRequestForm(initial={"danger_departements": ["93"]})["danger_departements"])
    assert 'Départements où la personne est en danger <span aria-hidden="true">*</span>' in html
    assert re.findall(r'value="(\d\w)"[^>]* checked', html) == ["93"]
    assert "Maintenez Ctrl" not in html  # the select's instructions are gone with it
