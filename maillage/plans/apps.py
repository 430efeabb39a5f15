from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "maillage.plans"
    label = "plans"
    verbose_name = "Plan national"

    def ready(self) -> None:
        # Coordination extension point: a working-group decision can be
        # forwarded into the plan (maillage/plans/services/forwarding.py). The
        # menu entry and home panel are registered by the web layer
        # (maillage/www/apps.py).
        from .services.forwarding import register

        register()
