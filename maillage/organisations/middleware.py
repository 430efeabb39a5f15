"""The signed-in person and their active memberships, read once per request.

Every signed-in page needs the user (Django's `AuthenticationMiddleware`, one
query) and the active memberships (the second-factor check, the acting
organisation, the menu and every policy through `Actor`, a second query).
Profiling at national scale (issue 17) showed that building and compiling the
two querysets and making their model objects cost ~2 ms per request, against
~0.1 ms of SQL. `AuthenticationMiddleware` below replaces Django's: it reads
the user, the active memberships and their organisations in **one statement
compiled once per process**, and attaches the memberships to that request only.

Nothing is cached across requests: the statement runs at every request, so a
membership removed, an organisation deactivated or an account disabled is
refused at the next request (tests/foundation/test_request_memberships.py).
The session checks are Django's own (`django.contrib.auth.get_user`: backend
listed in AUTHENTICATION_BACKENDS, session hash with fallbacks).
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.middleware import auser
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .models import Membership, Organisation

SESSION_ACTIVE_MEMBERSHIP = "maillage.active_membership"


# --- the statement ------------------------------------------------------------


class _UserWithMemberships:
    """SELECT user LEFT JOIN active memberships JOIN active organisations,
    written once per database alias from the models' metadata, with the
    converters the ORM would apply (SQLite booleans and datetimes)."""

    def __init__(self, alias: str):
        connection = connections[alias]
        self.alias = alias
        qn = connection.ops.quote_name
        self.models = (get_user_model(), Membership, Organisation)
        aliases = ("u", "m", "o")
        columns, self.converters, self.widths = [], [], []
        for model, table_alias in zip(self.models, aliases, strict=True):
            fields = model._meta.concrete_fields
            self.widths.append(len(fields))
            for field in fields:
                columns.append(f"{table_alias}.{qn(field.column)}")
                col = field.get_col(table_alias)
                convs = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
                self.converters.append([partial(_convert, c, col, connection) for c in convs])
        user, membership, organisation = (m._meta for m in self.models)
        mfield = Membership._meta
        # Identifiers come from the models' metadata, quoted by the backend;
        # every value is a parameter.
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {qn(user.db_table)} u "  # noqa: S608
            f"LEFT JOIN {qn(membership.db_table)} m ON m.{qn(mfield.get_field('user').column)} = u.{qn(user.pk.column)} "
            f"AND m.{qn(mfield.get_field('is_active').column)} = %s "
            f"LEFT JOIN {qn(organisation.db_table)} o "
            f"ON o.{qn(organisation.pk.column)} = m.{qn(mfield.get_field('organisation').column)} "
            f"AND o.{qn(organisation.get_field('is_active').column)} = %s "
            f"WHERE u.{qn(user.pk.column)} = %s "
            f"ORDER BY o.{qn(organisation.get_field('name').column)}, m.{qn(membership.pk.column)}"
        )

    def _values(self, row, start=0):
        out = []
        for value, convs in zip(row, self.converters[start : start + len(row)], strict=True):
            for conv in convs:
                value = conv(value)
            out.append(value)
        return out

    def load(self, user_id):
        """(user, [active memberships, organisation attached]) or (None, [])."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, [True, True, user_id])
            rows = cursor.fetchall()
        if not rows:
            return None, []
        user_model, membership_model, organisation_model = self.models
        nu, nm, _no = self.widths
        user = user_model.from_db(self.alias, None, self._values(rows[0][:nu]))
        memberships = []
        for row in rows:
            if row[nu] is None or row[nu + nm] is None:
                continue  # no active membership, or its organisation is inactive
            membership = membership_model.from_db(self.alias, None, self._values(row[nu : nu + nm], nu))
            organisation = organisation_model.from_db(self.alias, None, self._values(row[nu + nm :], nu + nm))
            Membership.organisation.field.set_cached_value(membership, organisation)
            Membership.user.field.set_cached_value(membership, user)
            memberships.append(membership)
        return user, memberships


def _convert(converter, expression, connection, value):
    return converter(value, expression, connection)


_statements: dict[str, _UserWithMemberships] = {}


def _statement() -> _UserWithMemberships:
    alias = router.db_for_read(get_user_model())
    statement = _statements.get(alias)
    if statement is None:
        statement = _statements[alias] = _UserWithMemberships(alias)
    return statement


def _uses_model_backend_get_user(backend) -> bool:
    # ModelBackend and allauth's AuthenticationBackend read the user by
    # primary key; another backend keeps its own get_user.
    return isinstance(backend, ModelBackend) and type(backend).get_user is ModelBackend.get_user


def get_user(request):
    """`django.contrib.auth.get_user`, with the user read together with the
    active memberships (attached to `request`) when the backend is Django's
    model backend. Same session checks, same result."""
    from django.contrib.auth.models import AnonymousUser

    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    if not _uses_model_backend_get_user(backend):
        return auth.get_user(request)
    user, memberships = _statement().load(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return AnonymousUser()
    # Verify the session exactly as django.contrib.auth.get_user does.
    session_hash = request.session.get(HASH_SESSION_KEY)
    verified = bool(session_hash) and constant_time_compare(session_hash, user.get_session_auth_hash())
    if not verified:
        if session_hash and any(
            constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
        ):
            request.session.cycle_key()
            request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        else:
            request.session.flush()
            return AnonymousUser()
    _attach(request, user, memberships)
    return user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's `AuthenticationMiddleware` with `get_user` above (a subclass:
    the admin's system check looks for it)."""

    def process_request(self, request):
        if not hasattr(request, "session"):
            raise ImproperlyConfigured("AuthenticationMiddleware requires SessionMiddleware before it.")
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(auser, request)


# --- the memberships of this request -----------------------------------------


def _attach(request, user, memberships) -> None:
    request._maillage_memberships = (user.pk, memberships)


def request_memberships(request) -> list:
    """The user's active memberships, read once per request: by the statement
    above when `AuthenticationMiddleware` loaded the user, otherwise by one
    query (a request made by RequestFactory, a user who signed in during this
    request). Keyed by the user, so a sign-in or sign-out mid-request is
    never answered with another person's memberships."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(request, "_maillage_memberships", None)
    if cached is None or cached[0] != user.pk:
        memberships = list(Membership.objects.active_of(user).order_by("organisation__name", "pk"))
        _attach(request, user, memberships)
        return memberships
    return cached[1]


def get_active_membership(request):
    """The organisation the user acts for now (a person may belong to several)."""
    if not request.user.is_authenticated:
        return None
    memberships = request_memberships(request)
    if not memberships:
        return None
    wanted = request.session.get(SESSION_ACTIVE_MEMBERSHIP)
    for membership in memberships:
        if membership.pk == wanted:
            return membership
    return memberships[0]


class ActiveMembershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: get_active_membership(request))
        return self.get_response(request)
