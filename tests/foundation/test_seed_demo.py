"""`seed_demo`: a fictional network, idempotent, with documented accounts."""

import io
import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management import CommandError, call_command

from maillage.accounts.models import User
from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Authenticator.objects.count(),
    )


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_seed_twice_creates_no_duplicates(var_dir):
    _seed()
    first = _counts()
    assert first[0] > 0 and first[1] >= 40
    _seed()
    assert _counts() == first


def test_network_covers_the_mechanism(var_dir):
    _seed()
    types = set(Organisation.objects.values_list("type", flat=True))
    for expected in (
        OrganisationType.COORDINATION,
        OrganisationType.MINISTRY,
        OrganisationType.POLICE,
        OrganisationType.PROSECUTOR,
        OrganisationType.CHILD_PROTECTION,
    ):
        assert expected in types
    assert Organisation.objects.filter(type=OrganisationType.ASSOCIATION).count() >= 40
    assert (
        len(set(Organisation.objects.filter(type=OrganisationType.ASSOCIATION).values_list("region", flat=True))) >= 3
    )
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {Role.CASE_WORKER, Role.MEMBER, Role.COORDINATOR} <= roles
    assert Membership.objects.filter(is_admin=True).exists()


def test_accounts_file_and_totp_secrets(var_dir):
    output = _seed()
    path = var_dir / "demo-accounts.json"
    assert str(path) in output
    accounts = json.loads(path.read_text(encoding="utf-8"))
    assert accounts
    for account in accounts:
        assert {"email", "password", "totp_secret", "organisation", "roles"} <= set(account)
        assert isinstance(account["roles"], list) and account["roles"]
    sample = accounts[0]
    user = User.objects.get(email=sample["email"])
    assert user.check_password(sample["password"])
    assert sample["email"] in output and sample["totp_secret"] in output
    # The documented secret really is the account's second factor.
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    code = format_hotp_value(hotp_value(sample["totp_secret"], list(yield_hotp_counters_from_time())[1]))
    assert totp.validate_code(code)
    # Same file on the second run (no duplicated entries).
    _seed()
    again = json.loads(path.read_text(encoding="utf-8"))
    assert len(again) == len(accounts)
    assert len({a["email"] + a.get("organisation", "") for a in again}) == len(again)


def test_refused_when_demo_data_is_not_allowed(settings, var_dir):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refusées"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()
    assert not (var_dir / "demo-accounts.json").exists()


def test_production_settings_refuse_demo_data():
    import ast
    from pathlib import Path

    from django.conf import settings

    source = (Path(settings.BASE_DIR) / "config" / "settings" / "prod.py").read_text(encoding="utf-8")
    base = (Path(settings.BASE_DIR) / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for tree in (ast.parse(base), ast.parse(source))
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "DEMO_DATA_ALLOWED"
    }
    assert assigned["DEMO_DATA_ALLOWED"] is False
