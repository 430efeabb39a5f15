from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "maillage.cases"
    label = "cases"
    verbose_name = "Dossiers des victimes"
    # Its menu entry and home panel are registered by the web layer (maillage/www/apps.py).
