from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and database check for the load balancer and CI."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    # Nothing here is meant for search engines except the public pages.
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html", {"page_title": "Déclaration d'accessibilité"})


@login_not_required
@require_GET
def legal_notice(request):
    return render(request, "pages/legal_notice.html", {"page_title": "Mentions légales"})


@login_not_required
@require_GET
def privacy(request):
    return render(request, "pages/privacy.html", {"page_title": "Données personnelles"})
