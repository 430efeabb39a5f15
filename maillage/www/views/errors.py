from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "errors/500.html", {"request_id": getattr(request, "request_id", "")}, status=500)


@login_not_required
def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
