"""The directory's long selects render without a template per option (issue 10, page cost)."""

from django import forms

from maillage.www.directory.widgets import Select


class _Form(forms.Form):
    choice = forms.ChoiceField(
        required=False, widget=Select, choices=[("", "Tous"), ("a&b", 'Côte "d\'Ivoire" <x>'), ("75", "Paris")]
    )


def test_same_markup_as_django_escaped_and_selected():
    html = str(_Form({"choice": "75"})["choice"])
    assert html.startswith('<select name="choice" id="id_choice">')
    assert '<option value="a&amp;b">Côte &quot;d&#x27;Ivoire&quot; &lt;x&gt;</option>' in html
    assert '<option value="75" selected>Paris</option>' in html
    assert html.count(" selected") == 1 and html.endswith("</select>")
    # Same options as Django's own Select (whitespace aside).
    django_html = str(forms.Select(choices=_Form.base_fields["choice"].choices).render("choice", "75"))
    assert html.replace('id="id_choice"', "").replace(" ", "").replace("\n", "") == django_html.replace(
        " ", ""
    ).replace("\n", "").replace("&#x27;", "&#x27;")
