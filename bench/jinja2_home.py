"""Bench-only: the signed-in home page with the layout (base, header, footer)
in Jinja2 and the page's own block in Django templates, to measure in the same
run what Jinja2 for the base would give against Django templates with cached
fragments (docs/decisions/0014-layout-fragments.md). Served by bench/urls.py
only; never deployed. No fragment cache here: Jinja2 as is, with memoised
static URLs (the storage does that)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template import RequestContext
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from dsfr import checksums
from dsfr.constants import DsfrStaticAssets

from maillage.www.context_processors import site
from maillage.www.views import home as home_view

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "jinja2"),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
)
_env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
_env.globals.update(
    static=staticfiles_storage.url,
    url=reverse,
    assets=DsfrStaticAssets,
    integrity={
        "css": checksums.INTEGRITY_CSS,
        "utility_css": checksums.INTEGRITY_UTILITY_CSS,
        "js_module": checksums.INTEGRITY_JS_MODULE,
        "js_nomodule": checksums.INTEGRITY_JS_NOMODULE,
    },
)


def home_jinja2(request):
    context = {
        "page_title": translation.gettext("Accueil"),
        "panels_html": home_view._panels_html(request),
        "membership": request.membership,
    }
    # The page's own block, rendered by Django as the real page does.
    django_template = get_template("home.html").template
    blocks = django_template.nodelist[0].blocks
    request_context = RequestContext(request, context)
    with request_context.bind_template(django_template):
        content = blocks["content"].render(request_context)
    html = _env.get_template("base.html").render(
        request=request,
        user=request.user,
        content=content,
        title=context["page_title"],
        LANGUAGE_CODE=translation.get_language(),
        csrf_token=get_token(request),
        csp_nonce=str(get_nonce(request)),
        messages=get_messages(request),
        SITE_NAME=settings.SITE_NAME,
        main_nav=site(request)["main_nav"],
    )
    return HttpResponse(html)
