"""Ac.Sé national safe accommodation (rules.md §3.4, R-ACSE; decision 0007).

Adults only, consent mandatory, away from the places of danger. The host and
its location are known to the Ac.Sé coordination and the host only; the host
reads the shared parts of the case through a grant of the case file, opened
when the place is found and ended at the exit, a refusal, a cancellation or a
change of host — in the transaction of that step. Everything involving the
host is journaled twice (`journal.audit_without_host`), so that the referring
organisation never learns who or where it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.cases import access as case_access
from maillage.cases import services as case_services
from maillage.cases.enums import AccessReason
from maillage.cases.models import Case
from maillage.core.models import AuditKind
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType
from maillage.organisations.models import Organisation
from maillage.territories import reference as ref

from .. import roles, selectors, workflow
from ..enums import AcseClosingGround, AcseStatus, AcseUrgency, AuditAction, ConsentMethod
from ..journal import audit_without_host, case_workers_of, notify_users
from ..models import AcsePlacement
from .common import audit_pathway, require_owner

A = AcseStatus

ACSE_MINOR_REFUSAL = _lazy(
    "L'Ac.Sé accueille uniquement des personnes majeures. Pour une personne traitée comme mineure, "
    "saisissez la protection de l'enfance (CRIP/ASE) et le parquet : le placement se fait loin du lieu d'exploitation."
)


# Operational targets, not law: how soon the coordination should place a person
# after the request, by the requester's urgency (its queue shows them as
# deadlines), and how long a centre has to confirm an announced arrival.
ACSE_PLACEMENT_DELAYS = {
    AcseUrgency.IMMEDIATE: timedelta(hours=24),
    AcseUrgency.DAYS: timedelta(days=3),
    AcseUrgency.PLANNED: timedelta(days=10),
}
ACSE_ARRIVAL_DELAY = timedelta(days=2)


def acse_coordination() -> Organisation | None:
    return Organisation.objects.filter(type=OrganisationType.ACSE_COORDINATION, is_active=True).order_by("pk").first()


@transaction.atomic(durable=True)
def request_acse(
    *,
    case: Case,
    organisation,
    acting_user,
    consent_on: date | None,
    consent_method: str,
    danger_departements=(),
    situation: str = "",
    danger_reason: str = "",
    urgency: str = "",
    urgency_note: str = "",
    coordination: Organisation | None = None,
    shared_parts=(),
) -> AcsePlacement:
    """`shared_parts`: what the person consented, with the request, to pass on
    to the host once a place is found (among `workflow.ACSE_HOST_PARTS` and the
    parts the requester sees). Nothing by default.

    R-ACSE (rules.md §6.10; issue 11.9): Ac.Sé moves an adult away from a
    *local* danger, so the request states that danger (`danger_reason`) and
    the départements where it lies (at least one; the département of
    exploitation is added) — the coordination places the person away from them."""
    actor = as_actor(acting_user)
    require_owner(actor, organisation, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    if case.treated_as_minor:
        # R-ACSE / R-AGE: minors go to child protection, not Ac.Sé.
        raise ValidationError({"__all__": str(ACSE_MINOR_REFUSAL)})
    if consent_on is None:
        errors["consent_on"] = _(
            "L'Ac.Sé repose sur l'adhésion de la personne : indiquez la date de son consentement."
        )
    elif consent_on > timezone.localdate():
        errors["consent_on"] = _("La date du consentement ne peut pas être dans le futur.")
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("Indiquez comment le consentement a été recueilli.")
    deps = [d for d in danger_departements if d]
    if not deps:
        errors["danger_departements"] = _(
            "Indiquez au moins un département où la personne est en danger : "
            "la coordination cherche une place éloignée de ces départements."
        )
    elif any(not ref.is_departement_code(d) for d in deps):
        errors["danger_departements"] = _("Département inconnu.")
    if not (danger_reason or "").strip():
        errors["danger_reason"] = _(
            "Décrivez le danger local qui justifie d'éloigner la personne : c'est la condition de l'accueil Ac.Sé."
        )
    if not (situation or "").strip():
        errors["situation"] = _("Décrivez la situation de la personne, avec vos mots.")
    if urgency not in AcseUrgency.values:
        errors["urgency"] = _("Indiquez le degré d'urgence.")
    coordination = coordination or acse_coordination()
    if coordination is None or coordination.type != OrganisationType.ACSE_COORDINATION:
        errors["__all__"] = _("Aucune coordination Ac.Sé n'est enregistrée dans le réseau.")
    if AcsePlacement.objects.filter(case=case).exclude(status__in=workflow.ACSE_CLOSED_STATUSES).exists():
        errors["__all__"] = _("Une demande Ac.Sé est déjà en cours pour ce dossier.")
    parts = list(dict.fromkeys(shared_parts or []))
    visible = case_access.parts_for(actor, case)
    if any(p not in workflow.ACSE_HOST_PARTS or p not in visible for p in parts):
        # Warsaw art. 11: a shelter receives what it needs to welcome the person, nothing more.
        errors["shared_parts"] = _(
            "Le centre d'accueil ne peut recevoir que l'identité, les besoins et faits, "
            "la situation juridique et les notes partageables."
        )
    if errors:
        raise ValidationError(errors)
    placement = AcsePlacement.objects.create(
        case=case,
        referring_organisation=organisation,
        requested_by=acting_user,
        coordination=coordination,
        consent_on=consent_on,
        consent_method=consent_method,
        danger_departements=sorted(
            set(deps + ([case.exploitation_departement] if case.exploitation_departement else []))
        ),
        shared_parts=parts,
        situation=situation.strip(),
        danger_reason=danger_reason.strip(),
        urgency=urgency,
        urgency_note=(urgency_note or "").strip(),
    )
    audit_pathway(
        AuditAction.ACSE_REQUESTED,
        acting_user,
        placement,
        case=case,
        organisation=organisation,
        details={"parts": parts},
    )
    notify_users(
        case_workers_of(coordination),
        title=(
            _("Demande Ac.Sé urgente (dossier %(ref)s)")
            if urgency == AcseUrgency.IMMEDIATE
            else _("Nouvelle demande Ac.Sé (dossier %(ref)s)")
        )
        % {"ref": case.reference},
        link=f"/orientations/acse/{placement.pk}/",
        key=f"acse-{placement.pk}-requested",
        organisation=coordination,
        reference=case.reference,
    )
    return placement


def _validate_host(placement: AcsePlacement, host: Organisation | None) -> None:
    """R-ACSE: a partner centre of the coordination's Ac.Sé network, away from
    the danger départements, with a place left (the directory's capacity minus
    the arrivals announced since). The centre's directory row is locked, so two
    coordinators cannot both take its last place."""
    from maillage.directory.models import Profile

    if (
        host is None
        or not host.is_active
        or host.pk in (placement.referring_organisation_id, placement.coordination_id)
    ):
        raise ValidationError({"host": _("Choisissez le centre partenaire qui accueille la personne.")})
    list(Profile.objects.select_for_update().filter(organisation=host).values_list("pk", flat=True))
    centres = selectors.acse_partner_centres(
        placement.coordination, danger_departements=placement.danger_departements, only=host.pk
    )
    if not centres:
        raise ValidationError(
            {"host": _("Ce centre ne fait pas partie du réseau Ac.Sé : choisissez un centre partenaire de la liste.")}
        )
    centre = centres[0]
    if centre.in_danger_zone:
        # R-ACSE: the place must be away from the exploitation area / danger.
        raise ValidationError(
            {
                "host": _(
                    "Ce centre est situé dans un département où la personne est en danger : "
                    "choisissez une place éloignée."
                )
            }
        )
    if not centre.places_left:
        raise ValidationError(
            {
                "host": _(
                    "Ce centre n'a plus de place disponible d'après l'annuaire : choisissez-en un autre, "
                    "ou demandez-lui de mettre à jour ses places."
                )
            }
        )


@transaction.atomic(durable=True)
def place_acse(
    *, placement: AcsePlacement, organisation, acting_user, host: Organisation | None, assessment: str
) -> AcsePlacement:
    """The coordination assesses the request and chooses the centre in one
    step (issue 10.4: as few steps as the real process); the centre is told
    of the arrival and reads the shared parts from now on. Also after a
    no-show, to place the person again."""
    placement = (
        AcsePlacement.objects.select_for_update(of=("self",))
        .select_related("case", "coordination")
        .get(pk=placement.pk)
    )
    if roles.acse_role(as_actor(acting_user), organisation, placement) != "coordination":
        raise PermissionDenied
    if placement.status not in workflow.ACSE_PLACEABLE_STATUSES:
        raise ValidationError(
            {
                "status": _("Une place ne peut plus être choisie depuis « %(s)s ».")
                % {"s": placement.get_status_display()}
            }
        )
    errors = {}
    if not (assessment or "").strip():
        errors["assessment"] = _("Résumez votre évaluation du danger et du besoin d'éloignement.")
    try:
        _validate_host(placement, host)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    placement.status, placement.host, placement.placed_at, placement.updated_at = A.PLACE_FOUND, host, now, now
    placement.danger_assessment = assessment.strip()
    placement.arrived_on = None
    placement.save()
    audit_pathway(
        AuditAction.ACSE_PLACED,
        acting_user,
        placement,
        case=placement.case,
        organisation=organisation,
        details={"to": A.PLACE_FOUND},
    )
    _open_host_access(placement, actor=acting_user, organisation=organisation)
    return placement


# --- the host's access to the case (a grant of the case file) ------------------------------


def _open_host_access(placement: AcsePlacement, *, actor, organisation) -> None:
    case_services.grant_access(
        case=placement.case,
        organisation=placement.host,
        parts=placement.shared_parts,
        reason=AccessReason.ACSE_HOST,
        source=case_services.source_of(placement),
        granted_by=actor,
    )
    audit_without_host(
        AuditAction.ACSE_HOST_ACCESS_GRANTED,
        actor=actor,
        target=placement,
        placement=placement,
        host=placement.host,
        acting_organisation=organisation,
        actor_is_host=False,
        details={"parts": list(placement.shared_parts)},
    )
    stamp = int(placement.updated_at.timestamp())
    # Reference and link only: never the person, never the referring organisation's notes.
    notify_users(
        case_workers_of(placement.host),
        title=_("Accueil Ac.Sé : le dossier %(ref)s est partagé avec votre organisation")
        % {"ref": placement.case.reference},
        link=f"/orientations/acse/{placement.pk}/",
        key=f"acse-{placement.pk}-host-{placement.host_id}-granted-{stamp}",
        organisation=placement.host,
        reference=placement.case.reference,
    )


def _close_host_access(
    placement: AcsePlacement, host: Organisation, *, actor, organisation, reason: str, actor_is_host: bool = False
) -> None:
    case_services.end_access(source=case_services.source_of(placement), organisation=host)
    audit_without_host(
        AuditAction.ACSE_HOST_ACCESS_ENDED,
        actor=actor,
        target=placement,
        placement=placement,
        host=host,
        acting_organisation=organisation,
        actor_is_host=actor_is_host,
        details={"reason": reason},
    )
    stamp = int(placement.updated_at.timestamp())
    notify_users(
        case_workers_of(host),
        title=_("Accueil Ac.Sé terminé : votre accès au dossier %(ref)s est fermé")
        % {"ref": placement.case.reference},
        link="/orientations/acse/",
        key=f"acse-{placement.pk}-host-{host.pk}-ended-{stamp}",
        organisation=host,
        reference=placement.case.reference,
    )


# --- steps of the placement ------------------------------------------------------------------


@transaction.atomic(durable=True)
def advance_acse(
    *,
    placement: AcsePlacement,
    organisation,
    acting_user,
    target: str,
    host: Organisation | None = None,
    assessment: str = "",
    reason: str = "",
    ground: str = "",
    on: date | None = None,
) -> AcsePlacement:
    placement = AcsePlacement.objects.select_for_update().select_related("case").get(pk=placement.pk)
    role = roles.acse_role(as_actor(acting_user), organisation, placement)
    if role is None:
        raise PermissionDenied
    allowed = workflow.acse_firers(placement.status, target)
    if allowed is None:
        raise ValidationError(
            {"status": _("Étape impossible depuis « %(s)s ».") % {"s": placement.get_status_display()}}
        )
    if role not in allowed:
        raise PermissionDenied
    had_access = placement.status in workflow.ACSE_HOST_ACCESS_STATUSES
    previous_host = placement.host
    now = timezone.now()
    fields = {"status": target, "updated_at": now}
    if target == A.PLACE_SEARCH and assessment.strip():
        fields["danger_assessment"] = assessment.strip()
    if target == A.PLACE_FOUND:
        _validate_host(placement, host)
        fields["host"] = host
        fields["placed_at"] = now
    if target == A.HOSTED:
        arrived_on = on or timezone.localdate()
        if arrived_on > timezone.localdate():
            raise ValidationError({"on": _("La date d'arrivée ne peut pas être dans le futur.")})
        fields["arrived_on"] = arrived_on
    if target == A.NO_SHOW:
        fields["closing_ground"] = AcseClosingGround.NO_SHOW
    if target == A.EXITED:
        fields["exited_on"] = on or timezone.localdate()
    if target in (A.REFUSED, A.CANCELLED):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Indiquez le motif.")})
        # Issue 16.1: the reason is never compared with the host. A check that
        # refused a reason naming the host let the referrer test its guesses
        # (an oracle); instead the coordination's free text is kept for the
        # coordination (the referrer reads the ground), and the referrer's own
        # words are never shown to the host (decision 0007, « Closing reasons »).
        if role == "coordination":
            ground = ground or AcseClosingGround.OTHER
            if ground not in AcseClosingGround.values or ground == AcseClosingGround.REFERRER_CANCELLED:
                raise ValidationError({"ground": _("Choisissez le motif communiqué à l'organisation qui oriente.")})
            fields["closing_ground"] = ground
        else:
            fields["closing_ground"] = AcseClosingGround.REFERRER_CANCELLED
        fields["closed_by"] = role
        fields["closing_reason"] = reason.strip()[:300]
    for key, value in fields.items():
        setattr(placement, key, value)
    placement.save()
    # The journal names the step only: never the host (its location is confidential),
    # nor, when the host's staff acted, who acted (journal.audit_without_host).
    is_host = role == "host"
    if is_host:
        audit_without_host(
            AuditAction.ACSE_STATUS_CHANGED,
            actor=acting_user,
            target=placement,
            placement=placement,
            host=placement.host,
            acting_organisation=organisation,
            actor_is_host=True,
            details={"to": target},
        )
    else:
        audit_pathway(
            AuditAction.ACSE_STATUS_CHANGED,
            acting_user,
            placement,
            case=placement.case,
            organisation=organisation,
            details={"to": target},
        )
    has_access = target in workflow.ACSE_HOST_ACCESS_STATUSES
    if has_access and not had_access:
        _open_host_access(placement, actor=acting_user, organisation=organisation)
    elif had_access and not has_access:
        _close_host_access(
            placement,
            previous_host,
            actor=acting_user,
            organisation=organisation,
            reason=target,
            actor_is_host=is_host,
        )
    return placement


@transaction.atomic(durable=True)
def change_acse_host(
    *, placement: AcsePlacement, organisation, acting_user, host: Organisation | None
) -> AcsePlacement:
    """The coordination moves the person to another centre (place lost, safety):
    the former host loses the access at once, the new one gets the same shared
    parts; the placement returns to « place trouvée » (a new transfer follows)."""
    placement = (
        AcsePlacement.objects.select_for_update(of=("self",)).select_related("case", "host").get(pk=placement.pk)
    )
    if roles.acse_role(as_actor(acting_user), organisation, placement) != "coordination":
        raise PermissionDenied
    if placement.status not in workflow.ACSE_HOST_ACCESS_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "Le centre d'accueil ne peut être changé qu'entre la place trouvée et la sortie du dispositif."
                )
            }
        )
    if host is not None and host.pk == placement.host_id:
        raise ValidationError({"host": _("Choisissez un autre centre partenaire que le centre actuel.")})
    _validate_host(placement, host)
    previous_host = placement.host
    now = timezone.now()
    placement.host, placement.status, placement.arrived_on, placement.updated_at, placement.placed_at = (
        host,
        A.PLACE_FOUND,
        None,
        now,
        now,
    )
    placement.save()
    audit_pathway(
        AuditAction.ACSE_STATUS_CHANGED,
        acting_user,
        placement,
        case=placement.case,
        organisation=organisation,
        details={"to": A.PLACE_FOUND, "host_changed": True},
    )
    _close_host_access(placement, previous_host, actor=acting_user, organisation=organisation, reason="host_changed")
    _open_host_access(placement, actor=acting_user, organisation=organisation)
    return placement


# --- hook: the host's reads ------------------------------------------------------------------


def journal_host_read(*, actor, case: Case, grants, action: str, details: dict | None = None) -> bool:
    """Registered on `cases.hooks.register_partner_read_journal`: a read of
    identifying data through an Ac.Sé host's grant is journaled like any other
    but without naming the host to the owner (`audit_without_host`). Returns
    False when the reader holds no such grant (an ordinary read)."""
    prefix = f"{AcsePlacement._meta.label_lower}:"
    placement_ids = [
        int(grant.source.removeprefix(prefix))
        for grant in grants
        if grant.reason == AccessReason.ACSE_HOST and grant.source.startswith(prefix)
    ]
    if not placement_ids:
        return False
    placement = (
        AcsePlacement.objects.filter(pk__in=placement_ids, case=case)
        .select_related("host")
        .order_by("-created_at", "-id")
        .first()
    )
    if placement is None or placement.host is None:
        return False
    placement.case = case  # the case as the reader opened it (its owner already loaded)
    audit_without_host(
        action,
        actor=actor.user,
        target=case,
        placement=placement,
        host=placement.host,
        acting_organisation=placement.host,
        actor_is_host=True,
        kind=AuditKind.READ,
        details={**(details or {}), "as": "acse_host"},
    )
    return True
