from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "maillage.plans"
    label = "plans"
    verbose_name = "Plan national"

    def ready(self) -> None:
        # Menu entry and home panel live with the web layer of the feature.
        from maillage.www.plans import registry  # noqa: F401

        # Coordination extension point: a working-group decision can be
        # forwarded into the plan (maillage/plans/forwarding.py).
        from .forwarding import register

        register()
