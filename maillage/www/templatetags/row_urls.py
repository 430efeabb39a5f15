"""`{% row_url "cases:detail" as case_url %}` once before a list, then
`{{ case_url|row:case.pk }}` in each row: the same URL as `{% url %}`
without reversing the pattern per row (maillage/www/row_urls.py)."""

from django import template

from maillage.www.row_urls import RowUrl
from maillage.www.row_urls import row_url as _row_url

register = template.Library()


class RowUrlNode(template.Node):
    def __init__(self, viewname: template.base.FilterExpression, target: str):
        self.viewname = viewname
        self.target = target

    def render(self, context) -> str:
        # Not a simple_tag: that would escape the object into a string.
        context[self.target] = _row_url(self.viewname.resolve(context))
        return ""


@register.tag
def row_url(parser, token):
    bits = token.split_contents()
    if len(bits) != 4 or bits[2] != "as":
        raise template.TemplateSyntaxError("usage: {% row_url 'app:name' as variable %}")
    return RowUrlNode(parser.compile_filter(bits[1]), bits[3])


@register.filter
def row(url: RowUrl, value) -> str:
    return url(value)
