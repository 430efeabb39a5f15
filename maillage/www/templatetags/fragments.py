"""`{% invariant %}…{% endinvariant %}`: a part of the page layout rendered
once per language and process (issue 17: the header, footer and static links
were rebuilt on every request, 1.9 ms of the home page).

Why it cannot leak a person's data: the fragment is rendered in a context that
holds only SITE_NAME and LANGUAGE_CODE (no user, request, membership, page or
CSRF token), so whatever it shows depends only on the cache key — the active
language, the URLconf and script prefix (for `{% url %}`), SITE_NAME and the
settings generation. A variable wrongly put inside a fragment renders empty,
which tests/www/test_layout_fragments.py catches by comparing every fragment
with its rendering in the full context (docs/decisions/0014-*).

The rendered HTML is kept on the compiled node, so it lives as long as the
template in the cached loader (one per process in production; a template
reloaded in development starts afresh).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

register = template.Library()

# Languages × script prefixes actually served are a handful; a bound keeps a
# client-chosen SCRIPT_NAME from growing the cache without limit.
MAX_VARIANTS = 16

# Tests compare the cached rendering with the plain one (`enabled = False`
# renders every fragment in the full context, as if the tag were absent).
enabled = True
_generation = 0


@receiver(setting_changed)
def _forget_on_setting_change(**kwargs) -> None:
    # override_settings (tests) may change SITE_NAME, LANGUAGES, STATIC_URL…
    global _generation
    _generation += 1


class InvariantNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context: template.Context) -> str:
        if not enabled:
            return self.nodelist.render(context)
        language = get_language()
        key = (_generation, language, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), context.autoescape)
        html = self.rendered.get(key)
        if html is None:
            # A new context with only what the layout may depend on; the
            # template, autoescaping and localisation settings carry over.
            html = self.nodelist.render(context.new({"SITE_NAME": settings.SITE_NAME, "LANGUAGE_CODE": language}))
            if len(self.rendered) < MAX_VARIANTS:
                self.rendered[key] = html
        return html  # NodeList.render returns a SafeString


@register.tag
def invariant(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% invariant %} takes no argument")
    nodelist = parser.parse(("endinvariant",))
    parser.delete_first_token()
    return InvariantNode(nodelist)
