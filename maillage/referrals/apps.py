from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "maillage.referrals"
    label = "referrals"
    verbose_name = "Orientations"

    def ready(self) -> None:
        from maillage.cases import hooks

        from .pathways import check_minor_closure, journal_host_read, start_chain_for_new_minor
        from .privacy import wipe_free_text

        # R-CHILD-CRIP / R-MNA: the mandatory steps exist as soon as the case
        # is treated as a minor, not at the next sweep.
        hooks.register_on_treated_as_minor(start_chain_for_new_minor)
        # R-PRIVACY: erasure and retention also wipe the free text kept here.
        hooks.register_on_identity_wiped(wipe_free_text)
        # Rules.md §3.5: a minor's case does not close while a mandatory step is open.
        hooks.register_closure_check(check_minor_closure)
        # R-ACSE: the host's reads are journaled without naming the host to the owner.
        hooks.register_partner_read_journal(journal_host_read)
