from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "maillage.referrals"
    label = "referrals"
    verbose_name = "Orientations"

    def ready(self) -> None:
        from maillage.www.referrals import navigation  # noqa: F401  (menu entry and home panel)
