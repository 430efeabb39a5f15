"""The demo leaves something waiting in every Ac.Sé queue (issue 10, PHASE2
« Demo data ») and an association's request at « Place trouvée » with a host
(issue 16)."""

from io import StringIO

import pytest
from django.core.management import call_command

from maillage.core import queues
from maillage.organisations.models import Membership, Organisation
from maillage.referrals.enums import AcseStatus
from maillage.referrals.models import AcsePlacement

pytestmark = pytest.mark.django_db


def _queue(slug, key):
    organisation = Organisation.objects.get(slug=slug)
    user = Membership.objects.filter(organisation=organisation, role="case_worker").first().user
    return next(q for q in queues.queues_for(user, organisation) if q.provider.key == key)


def test_seed_demo_fills_the_acse_queues(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert _queue("acse-coordination", "acse_to_place").total >= 1
    assert _queue("acse-coordination", "acse_to_place").items[0].urgent
    assert _queue("chrs-les-tilleuls-33", "acse_arrivals").total >= 1
    found = AcsePlacement.objects.get(status=AcseStatus.PLACE_FOUND)
    assert found.referring_organisation.slug == "asso-passerelle-75" and found.host.slug == "chrs-les-tilleuls-33"
    assert found.situation and found.danger_reason and found.danger_departements
    assert AcsePlacement.objects.filter(status=AcseStatus.HOSTED).exists()
