"""Private calendar feeds: an address a calendar application subscribes to,
holding a secret token shown once (only its hash is stored)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from maillage.core import audit
from maillage.core.tokens import hash_token, new_token

from .. import policies
from ..enums import AuditAction
from ..models import CalendarFeedToken
from .common import require


@dataclass(frozen=True)
class IssuedFeed:
    feed: CalendarFeedToken
    token: str  # shown once; only its hash is stored


@transaction.atomic(durable=True)
def issue_feed_token(*, acting_user, group=None) -> IssuedFeed:
    if group is not None:
        require(policies.groups_visible_to(acting_user).filter(pk=group.pk).exists())
    token = new_token()
    feed = CalendarFeedToken.objects.create(user=acting_user, group=group, token_hash=hash_token(token))
    audit.record(action=AuditAction.FEED_ISSUED, actor=acting_user, target=feed)
    return IssuedFeed(feed=feed, token=token)


@transaction.atomic(durable=True)
def revoke_feed_token(*, feed, acting_user) -> CalendarFeedToken:
    require(policies.can_revoke_feed(acting_user, feed))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit.record(action=AuditAction.FEED_REVOKED, actor=acting_user, target=feed)
    return feed
