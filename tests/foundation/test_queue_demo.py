"""Issue 10: the demo leaves a waiting item in every generic queue, for the
demo account of the organisation (referrals to answer, a person to hear for
the police unit, the association's case tasks)."""

from io import StringIO

import pytest
from django.core.management import call_command

from maillage.core import queues
from maillage.organisations.models import Membership

pytestmark = pytest.mark.django_db

EXPECTED = {
    "accompagnement.escale-marseille@demo.maillage.fr": ("referrals_inbox", "Orientation à accepter ou refuser"),
    "crip93@demo.maillage.fr": ("referrals_inbox", "Orientation à accepter ou refuser"),
    "bpm.paris@demo.maillage.fr": ("referrals_inbox", "Personne orientée pour être entendue"),
    "admin.passerelle-paris@demo.maillage.fr": ("case_tasks", "Tâche : "),
}


def test_every_generic_queue_has_a_waiting_item_in_the_demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    for email, (key, label) in EXPECTED.items():
        membership = Membership.objects.active().select_related("user", "organisation").get(user__email=email)
        (queue,) = [q for q in queues.queues_for(membership.user, membership.organisation) if q.provider.key == key]
        assert queue.total >= 1, email
        assert any(item.label.startswith(label) for item in queue.items), (email, queue.items)
