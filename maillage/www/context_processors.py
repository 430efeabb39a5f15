from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "PROCONNECT_ENABLED": settings.PROCONNECT_ENABLED,
        "DEV_TOOLS": getattr(settings, "DEV_TOOLS", False),
        "main_nav": SimpleLazyObject(lambda: menu_for(request)),
    }
