from django.db.models import QuerySet

from maillage.organisations import policies

from .models import AuditEvent, AuditKind


def access_log_for(user, organisation, *, kind: str = "") -> QuerySet[AuditEvent]:
    """Journal rows about an organisation's data, for its administrators."""
    if not policies.can_view_access_log(user, organisation):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.filter(organisation=organisation).select_related("actor", "acting_organisation")
    if kind in AuditKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")
