"""What the referrals domain does when the person's identity is wiped."""

from __future__ import annotations

from maillage.cases.models import Case

from .models import AcsePlacement, InternationalExchange, MinorStep, Referral, ReturnPlan


def wipe_free_text(*, case: Case) -> None:
    """Registered on maillage.cases.hooks.identity_wiped: erasure (GDPR art.
    17) and retention (art. 5.1 e) wipe the identity, and with it the free text
    this domain keeps about the person, which may name or describe them
    (R-PRIVACY). Written justifications the law or a rule requires stay (the
    reason for overriding consent, for lifting a step of the minors' chain,
    for a non-voluntary return, for refusing or cancelling an Ac.Sé request):
    they justify a decision and are asked to carry no identity."""
    Referral.objects.filter(case=case).update(message="", decline_comment="")
    AcsePlacement.objects.filter(case=case).update(danger_assessment="")
    ReturnPlan.objects.filter(case=case).update(risk_assessment="")
    MinorStep.objects.filter(case=case).update(note="")
    InternationalExchange.objects.filter(case=case).update(answer_summary="")
