from django.urls import include, path

from .views import home, pages

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("mentions-legales/", pages.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", pages.privacy, name="privacy"),
    path("notifications/", home.notifications, name="notifications"),
    path("statistiques/", include("maillage.www.statistics.urls")),
    path("a-traiter/", include("maillage.www.queues.urls")),
]
