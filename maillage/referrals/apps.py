from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "maillage.referrals"
    label = "referrals"
    verbose_name = "Orientations"

    def ready(self) -> None:
        from maillage.cases.hooks import register_on_identity_wiped, register_on_treated_as_minor

        from .pathways import start_chain_for_new_minor, wipe_free_text

        # R-CHILD-CRIP / R-MNA: the mandatory steps exist as soon as the case
        # is treated as a minor, not at the next sweep.
        register_on_treated_as_minor(start_chain_for_new_minor)
        # R-PRIVACY: erasure and retention also wipe the free text kept here.
        register_on_identity_wiped(wipe_free_text)
