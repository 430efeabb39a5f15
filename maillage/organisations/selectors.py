from .models import Organisation
from .policies import active_memberships


def organisation_for_member(user, slug: str) -> Organisation | None:
    membership = active_memberships(user).filter(organisation__slug=slug).first()
    return membership.organisation if membership else None
