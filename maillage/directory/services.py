"""Writes to the directory. Each function is atomic, checks the policy and
records its audit row in the same transaction (style.md, zulip actions)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.core.transactions import step
from maillage.territories import reference

from . import policies, search, viewers
from .enums import AuditAction, Public, TerritoryKind
from .models import Network, NetworkMembership, Profile, ProfileLanguage, ProfilePublic, ProfileTerritory

# Plain fields an administrator may edit (the rest is computed).
EDITABLE_FIELDS = (
    "visibility",
    "description",
    "commune",
    "departement",
    "street_address",
    "address_confidential",
    "is_national",
    "capacity_places",
    "opening_hours",
    "accepts_referrals",
    "referral_how",
    "public_phone",
    "public_email",
    "website",
    "members_phone",
    "members_email",
    "referral_procedure",
)
# Relations edited as sets of codes/objects.
RELATION_FIELDS = ("departements", "regions", "countries", "publics", "languages", "services", "exploitation_forms")


def validate_codes(*, departements=(), regions=(), countries=(), languages=(), publics=()) -> dict[str, list[str]]:
    """Normalise and validate territory, language and public codes against
    maillage.territories.reference; raises ValidationError in French."""
    errors: dict[str, list[str]] = {}
    out = {"departements": [], "regions": [], "countries": [], "languages": [], "publics": []}
    for code in departements:
        try:
            out["departements"].append(reference.normalise_departement_code(code))
        except (ValueError, KeyError):
            errors.setdefault("departements", []).append(_("Département inconnu : %(code)s") % {"code": code})
    for code in regions:
        code = str(code).strip()
        if reference.is_region_code(code):
            out["regions"].append(reference.region(code).code)
        else:
            errors.setdefault("regions", []).append(_("Région inconnue : %(code)s") % {"code": code})
    for code in countries:
        code = str(code).strip().upper()
        if reference.is_country_code(code) and code != "FR":
            out["countries"].append(code)
        else:
            errors.setdefault("countries", []).append(_("Pays inconnu : %(code)s") % {"code": code})
    for code in languages:
        code = str(code).strip().lower()
        if reference.is_language_code(code):
            out["languages"].append(code)
        else:
            errors.setdefault("languages", []).append(
                _("Langue inconnue (code ISO 639-1 attendu) : %(code)s") % {"code": code}
            )
    for code in publics:
        if code in Public.values:
            out["publics"].append(code)
        else:
            errors.setdefault("publics", []).append(_("Public inconnu : %(code)s") % {"code": code})
    if errors:
        raise ValidationError(errors)
    return {key: sorted(set(values)) for key, values in out.items()}


def search_text_for(
    profile: Profile,
    *,
    service_labels: Iterable[str] = (),
    form_labels: Iterable[str] = (),
    public_codes: Iterable[str] = (),
) -> tuple[str, str]:
    org = profile.organisation
    dep_name = ""
    if profile.departement and reference.is_departement_code(profile.departement):
        dep_name = reference.departement(profile.departement).name
    name = search.normalise(org.name, org.acronym)
    text = search.normalise(
        org.name,
        org.acronym,
        org.get_type_display(),
        profile.commune,
        dep_name,
        profile.description,
        " ".join(service_labels),
        " ".join(form_labels),
        " ".join(str(Public(code).label) for code in public_codes if code in Public.values),
    )
    return name, text


def refresh_search_text(profile: Profile) -> None:
    name, text = search_text_for(
        profile,
        service_labels=[s.label for s in profile.services.all()],
        form_labels=[f.label for f in profile.exploitation_forms.all()],
        public_codes=[p.code for p in profile.publics.all()],
    )
    Profile.objects.filter(pk=profile.pk).update(search_name=name, search_text=text)
    profile.search_name, profile.search_text = name, text


def _snapshot(profile: Profile) -> dict:
    if profile.pk is None:
        return {}
    snap = {name: getattr(profile, name) for name in EDITABLE_FIELDS}
    territories = list(profile.territories.all())
    snap["departements"] = sorted(t.code for t in territories if t.kind == TerritoryKind.DEPARTEMENT)
    snap["regions"] = sorted(t.code for t in territories if t.kind == TerritoryKind.REGION)
    snap["countries"] = sorted(t.code for t in territories if t.kind == TerritoryKind.COUNTRY)
    snap["publics"] = sorted(p.code for p in profile.publics.all())
    snap["languages"] = sorted(lang.code for lang in profile.languages.all())
    snap["services"] = sorted(s.pk for s in profile.services.all())
    snap["exploitation_forms"] = sorted(f.pk for f in profile.exploitation_forms.all())
    return snap


def _write(profile: Profile, data: dict) -> None:
    """Apply `data` (already validated) to a saved or new profile."""
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    if "capacity_places" in data:
        profile.capacity_updated_at = timezone.now()
    profile.full_clean(exclude=["organisation", "exploitation_forms", "services"])
    profile.save()
    # Only the kinds of territory given are replaced: an import without a
    # countries column must not clear the countries (issue 10 item 13).
    for key, kind in (
        ("departements", TerritoryKind.DEPARTEMENT),
        ("regions", TerritoryKind.REGION),
        ("countries", TerritoryKind.COUNTRY),
    ):
        if key in data:
            profile.territories.filter(kind=kind).delete()
            ProfileTerritory.objects.bulk_create(
                [ProfileTerritory(profile=profile, kind=kind, code=c) for c in dict.fromkeys(data[key])]
            )
    if "publics" in data:
        profile.publics.all().delete()
        ProfilePublic.objects.bulk_create([ProfilePublic(profile=profile, code=c) for c in data["publics"]])
    if "languages" in data:
        profile.languages.all().delete()
        ProfileLanguage.objects.bulk_create([ProfileLanguage(profile=profile, code=c) for c in data["languages"]])
    if "services" in data:
        profile.services.set(data["services"])
    if "exploitation_forms" in data:
        profile.exploitation_forms.set(data["exploitation_forms"])
    # Drop prefetch caches so the refresh reads the new relations.
    getattr(profile, "_prefetched_objects_cache", {}).clear()
    refresh_search_text(profile)


def _clean_data(data: dict) -> dict:
    data = dict(data)
    codes = validate_codes(
        departements=data.get("departements", ()),
        regions=data.get("regions", ()),
        countries=data.get("countries", ()),
        languages=data.get("languages", ()),
        publics=data.get("publics", ()),
    )
    for key, values in codes.items():
        if key in data:
            data[key] = values
    if data.get("departement"):
        try:
            data["departement"] = reference.normalise_departement_code(data["departement"])
        except (ValueError, KeyError):
            raise ValidationError(
                {"departement": _("Département inconnu : %(code)s") % {"code": data["departement"]}}
            ) from None
    return data


def _changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(key for key in after if before.get(key) != after.get(key))


def update_profile(*, organisation, data: dict, acting_user) -> Profile:
    """Edit an organisation's directory profile (its administrators only).

    The audit row lists the names of the changed fields, never their values
    (a confidential address must not be copied into the journal)."""
    viewer = viewers.viewer_for(acting_user)
    if not policies.can_edit_profile(viewer, organisation):
        raise PermissionDenied
    data = _clean_data(data)
    with transaction.atomic(durable=True):
        profile, _created = Profile.objects.select_for_update().get_or_create(organisation=organisation)
        before = _snapshot(profile)
        if "capacity_places" in data and data["capacity_places"] == profile.capacity_places:
            data_for_write = {k: v for k, v in data.items() if k != "capacity_places"}
        else:
            data_for_write = data
        _write(profile, data_for_write)
        after = _snapshot(profile)
        changed = _changed_fields(before, after)
        audit.record(
            action=AuditAction.PROFILE_UPDATED,
            actor=acting_user,
            kind=AuditKind.WRITE,
            target=profile,
            organisation=organisation,
            acting_organisation=organisation,
            details={"fields": changed},
        )
    return profile


def verify_profile(*, organisation, acting_user) -> Profile:
    """« Ces informations sont à jour » : resets the staleness clock."""
    viewer = viewers.viewer_for(acting_user)
    if not policies.can_edit_profile(viewer, organisation):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        profile, _created = Profile.objects.get_or_create(organisation=organisation)
        profile.last_verified_at = timezone.now()
        profile.save(update_fields=["last_verified_at", "updated_at"])
        audit.record(
            action=AuditAction.PROFILE_VERIFIED,
            actor=acting_user,
            target=profile,
            organisation=organisation,
            acting_organisation=organisation,
        )
    return profile


@step
def import_profile(*, organisation, data: dict, new_visibility: str | None = None) -> Profile:
    """Used by importers (already inside the import's transaction and audit).
    Only the keys of `data` are written; a profile created without a
    visibility in `data` gets `new_visibility` (the importer passes
    « members »: an import never makes a profile public by default)."""
    profile = Profile.objects.filter(organisation=organisation).first()
    if profile is None:
        profile = Profile(organisation=organisation)
        if new_visibility:
            profile.visibility = new_visibility
    data = _clean_data(data)
    if "capacity_places" in data and profile.pk and data["capacity_places"] == profile.capacity_places:
        data.pop("capacity_places")  # unchanged: keep the date it was last updated
    _write(profile, data)
    return profile


def remind_stale_profiles(*, now=None) -> int:
    """Notify the administrators of organisations whose profile was not
    verified for over 6 months (issue 3). At most one reminder per profile
    and per month (idempotency key); run daily by the scheduler."""
    from datetime import timedelta

    from django.db.models import Q

    from maillage.notifications.services import notify
    from maillage.organisations.models import Membership

    from .enums import STALE_AFTER_DAYS

    now = now or timezone.now()
    limit = now - timedelta(days=STALE_AFTER_DAYS)
    stale = Profile.objects.filter(organisation__is_active=True).filter(
        Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=limit)
    )
    admins = (
        Membership.objects.active()
        .filter(is_admin=True, organisation__directory_profile__in=stale)
        .select_related("organisation", "user")
    )
    sent = 0
    for membership in admins:
        organisation = membership.organisation
        created = notify(
            recipient=membership.user,
            title=_("Fiche d'annuaire à vérifier : %(org)s") % {"org": organisation.display_name},
            body=_(
                "La fiche de votre organisation n'a pas été vérifiée depuis plus de 6 mois. Confirmez-la ou mettez-la à jour."
            ),
            link=f"/annuaire/{organisation.slug}/",
            organisation=organisation,
            idempotency_key=f"directory-stale:{organisation.pk}:{membership.user_id}:{now:%Y-%m}",
        )
        sent += created is not None
    return sent


# --- Networks ------------------------------------------------------------------

NETWORK_FIELDS = ("name", "slug", "kind", "description", "departement", "country")


def _clean_network(data: dict, *, network: Network | None) -> dict:
    from django.utils.text import slugify

    from .enums import NetworkKind

    data = {key: data[key] for key in NETWORK_FIELDS if key in data}
    errors: dict[str, list[str]] = {}
    data["name"] = (data.get("name") or (network.name if network else "")).strip()
    if not data["name"]:
        errors["name"] = [_("Indiquez le nom du réseau.")]
    data["slug"] = slugify(data.get("slug") or (network.slug if network else "") or data["name"])[:80]
    if data["slug"] and Network.objects.filter(slug=data["slug"]).exclude(pk=getattr(network, "pk", None)).exists():
        errors["slug"] = [_("Cet identifiant est déjà utilisé par un autre réseau.")]
    kind = data.get("kind") or (network.kind if network else "")
    if kind not in NetworkKind.values:
        errors["kind"] = [_("Type de réseau inconnu.")]
    if data.get("departement"):
        try:
            data["departement"] = reference.normalise_departement_code(data["departement"])
        except (ValueError, KeyError):
            errors["departement"] = [_("Département inconnu : %(code)s") % {"code": data["departement"]}]
    if data.get("country"):
        code = str(data["country"]).strip().upper()
        if reference.is_country_code(code):
            data["country"] = code
        else:
            errors["country"] = [_("Pays inconnu : %(code)s") % {"code": data["country"]}]
    if network is not None and kind == NetworkKind.ACSE and network.kind != NetworkKind.ACSE:
        coordinators = NetworkMembership.objects.filter(network=network, is_coordinator=True).select_related(
            "organisation"
        )
        if any(not policies.can_coordinate(kind, m.organisation) for m in coordinators):
            errors["kind"] = [
                _(
                    "Un réseau Ac.Sé ne peut être coordonné que par une coordination Ac.Sé : retirez d'abord les autres coordinations."
                )
            ]
    if errors:
        raise ValidationError(errors)
    return data


def _network_audit(
    action: AuditAction, *, network: Network, acting_user, viewer, organisation=None, details: dict | None = None
) -> None:
    acting = sorted(viewers.managing_organisation_ids(viewer, network))
    acting_organisation = None
    if acting:
        from maillage.organisations.models import Organisation

        acting_organisation = Organisation.objects.filter(pk=acting[0]).first()
    audit.record(
        action=action,
        actor=acting_user,
        target=network,
        organisation=organisation,
        acting_organisation=acting_organisation,
        details={"network": network.slug, **(details or {})},
    )


def create_network(*, data: dict, acting_user) -> Network:
    """A new network (coordinators of the coordination body only)."""
    viewer = viewers.viewer_for(acting_user)
    if not policies.can_create_network(viewer):
        raise PermissionDenied
    data = _clean_network(data, network=None)
    with transaction.atomic(durable=True):
        network = Network(**data)
        network.full_clean()
        network.save()
        _network_audit(
            AuditAction.NETWORK_CREATED,
            network=network,
            acting_user=acting_user,
            viewer=viewer,
            details={"kind": network.kind},
        )
    return network


def update_network(*, network: Network, data: dict, acting_user) -> Network:
    """Edit a network; the audit row lists the changed fields' names."""
    viewer = viewers.viewer_for(acting_user)
    with transaction.atomic(durable=True):
        network = Network.objects.select_for_update().get(pk=network.pk)
        if not policies.can_manage_network(viewer, network):
            raise PermissionDenied
        data = _clean_network(data, network=network)
        changed = sorted(key for key, value in data.items() if getattr(network, key) != value)
        for key, value in data.items():
            setattr(network, key, value)
        network.full_clean()
        network.save()
        _network_audit(
            AuditAction.NETWORK_UPDATED,
            network=network,
            acting_user=acting_user,
            viewer=viewer,
            details={"fields": changed},
        )
    return network


def _check_coordinator(network: Network, organisation) -> None:
    if not policies.can_coordinate(network.kind, organisation):
        raise ValidationError({"is_coordinator": [_("Seule une coordination Ac.Sé peut coordonner un réseau Ac.Sé.")]})


def _check_keeps_a_coordinator(network: Network, organisation, viewer) -> None:
    """A network coordinator may not leave the network without coordination
    (only the coordination body could then manage it)."""
    if viewer.is_coordinator:
        return
    others = NetworkMembership.objects.filter(network=network, is_coordinator=True).exclude(organisation=organisation)
    if not others.exists():
        raise ValidationError(_("Le réseau doit garder au moins une organisation coordinatrice."))


def add_network_member(
    *, network: Network, organisation, is_coordinator: bool = False, acting_user
) -> NetworkMembership:
    viewer = viewers.viewer_for(acting_user)
    with transaction.atomic(durable=True):
        network = Network.objects.select_for_update().get(pk=network.pk)
        if not policies.can_manage_network(viewer, network):
            raise PermissionDenied
        if not organisation.is_active:
            raise ValidationError({"organisation": [_("Cette organisation n'est plus active.")]})
        if NetworkMembership.objects.filter(network=network, organisation=organisation).exists():
            raise ValidationError({"organisation": [_("Cette organisation est déjà membre du réseau.")]})
        if is_coordinator:
            _check_coordinator(network, organisation)
        membership = NetworkMembership.objects.create(
            network=network, organisation=organisation, is_coordinator=is_coordinator
        )
        _network_audit(
            AuditAction.NETWORK_MEMBER_ADDED,
            network=network,
            acting_user=acting_user,
            viewer=viewer,
            organisation=organisation,
            details={"is_coordinator": is_coordinator},
        )
    return membership


def remove_network_member(*, network: Network, organisation, acting_user) -> None:
    viewer = viewers.viewer_for(acting_user)
    with transaction.atomic(durable=True):
        network = Network.objects.select_for_update().get(pk=network.pk)
        if not policies.can_manage_network(viewer, network):
            raise PermissionDenied
        membership = NetworkMembership.objects.filter(network=network, organisation=organisation).first()
        if membership is None:
            raise ValidationError(_("Cette organisation n'est pas membre du réseau."))
        if membership.is_coordinator:
            _check_keeps_a_coordinator(network, organisation, viewer)
        # Audit before the delete: the acting organisation may be the one leaving.
        _network_audit(
            AuditAction.NETWORK_MEMBER_REMOVED,
            network=network,
            acting_user=acting_user,
            viewer=viewer,
            organisation=organisation,
            details={"was_coordinator": membership.is_coordinator},
        )
        membership.delete()


def set_network_coordinator(*, network: Network, organisation, is_coordinator: bool, acting_user) -> NetworkMembership:
    viewer = viewers.viewer_for(acting_user)
    with transaction.atomic(durable=True):
        network = Network.objects.select_for_update().get(pk=network.pk)
        if not policies.can_manage_network(viewer, network):
            raise PermissionDenied
        membership = (
            NetworkMembership.objects.select_for_update().filter(network=network, organisation=organisation).first()
        )
        if membership is None:
            raise ValidationError(_("Cette organisation n'est pas membre du réseau."))
        if membership.is_coordinator == is_coordinator:
            return membership
        if is_coordinator:
            _check_coordinator(network, organisation)
        else:
            _check_keeps_a_coordinator(network, organisation, viewer)
        _network_audit(
            AuditAction.NETWORK_COORDINATOR_CHANGED,
            network=network,
            acting_user=acting_user,
            viewer=viewer,
            organisation=organisation,
            details={"is_coordinator": is_coordinator},
        )
        membership.is_coordinator = is_coordinator
        membership.save(update_fields=["is_coordinator"])
    return membership
