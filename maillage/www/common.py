"""The web layer's toolkit: what every thin view needs, written once.

A view of Maillage does four things (docs/architecture.md, « how to add a
feature »): find the organisation the person acts for, read through a selector,
write through a service, and answer. This module holds the parts that were
repeated in every feature:

- `acting_organisation(request)`: the organisation the person acts for, or None;
- `attach_errors(form, exc)`: a service's French `ValidationError` shown on the form;
- `run_service(form, call)`: call a service, copying its errors onto the form;
- `denied_as_404()` / `@deny_as_404`: a policy refusal answered as « not found »,
  so a page never confirms that another organisation's object exists (R-PRIVACY);
- `form_view(...)`: the whole GET/POST → service → message → redirect shape;
- `run_action(request, call, ...)`: a button (POST without a form page): run the
  service, then a success message or its French refusal as a message;
- `@membership_required`: pages that need an active membership answer 404;
- `actor_for_request` (re-exported from organisations/actor.py): the actor every
  policy call of a view receives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from maillage.organisations.actor import actor_for_request

__all__ = [
    "acting_organisation",
    "actor_for_request",
    "attach_errors",
    "denied_as_404",
    "deny_as_404",
    "form_view",
    "membership_required",
    "refusal_text",
    "run_action",
    "run_service",
]


def acting_organisation(request: HttpRequest):
    """The organisation the signed-in person acts for (None without one).

    `request.membership` is set by `ActiveMembershipMiddleware`; it is lazy and
    may wrap None, so it is tested for truth, never for `is not None`."""
    membership = getattr(request, "membership", None)
    return membership.organisation if membership else None


def membership_required(view: Callable) -> Callable:
    """The page needs an active membership (any organisation): otherwise 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not actor_for_request(request).memberships:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def refusal_text(exc: ValidationError) -> str:
    """A service's French refusal as one line (for a message)."""
    return " ".join(exc.messages)


def attach_errors(form, exc: ValidationError) -> None:
    """Show a service's `ValidationError` on `form`: per field when the field is
    on the form, otherwise at the top of the form (never lost)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run_service(form, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run `call()` (a service) and return `(True, result)`; on a
    `ValidationError` copy it onto `form` and return `(False, None)`.

    The pair distinguishes a service that succeeds and returns None from one
    that refused."""
    try:
        return True, call()
    except ValidationError as exc:
        attach_errors(form, exc)
        return False, None


@contextmanager
def denied_as_404() -> Iterator[None]:
    """Turn a policy's `PermissionDenied` into a 404 inside the block."""
    try:
        yield
    except PermissionDenied as exc:
        raise Http404 from exc


def deny_as_404(view: Callable) -> Callable:
    """Decorator form of `denied_as_404` for a whole view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with denied_as_404():
            return view(request, *args, **kwargs)

    return wrapper


def form_view(
    request: HttpRequest,
    form,
    *,
    call: Callable[[dict], Any],
    success: Callable[[Any], HttpResponse] | str,
    message: str | Callable[[Any], str] | None = None,
    template: str,
    context: dict | None = None,
) -> HttpResponse:
    """The shape of every form page: on a valid POST, call the service with the
    form's cleaned data; on success add `message` and redirect to `success`
    (a URL name or address, or a function of the service's result returning a
    response); otherwise render `template` with the form and its errors.

    A `PermissionDenied` raised by the service is answered as a 404."""
    if request.method == "POST" and form.is_valid():
        with denied_as_404():
            ok, result = run_service(form, lambda: call(form.cleaned_data))
        if ok:
            if message:
                messages.success(request, message(result) if callable(message) else message)
            return success(result) if callable(success) else redirect(success)
    return render(request, template, {"form": form, **(context or {})})


def run_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None = None,
    refusal_level: int = messages.ERROR,
    denied: str | None = None,
) -> tuple[bool, Any]:
    """A button that is not a form page (cancel, approve, validate…): run the
    service; on success add `success` (a message, or a function of the result);
    on a `ValidationError` show its French text as a message at `refusal_level`.
    Returns `(ok, result)`; the view then redirects. A `PermissionDenied` is
    shown as the `denied` message when one is given (a refusal the person
    can understand, on a page they may see); otherwise it is left to the
    caller (403, or `denied_as_404`)."""
    try:
        result = call()
    except ValidationError as exc:
        messages.add_message(request, refusal_level, refusal_text(exc))
        return False, None
    except PermissionDenied:
        if denied is None:
            raise
        messages.add_message(request, refusal_level, denied)
        return False, None
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return True, result


def to_choose(choices) -> list[tuple[str, str]]:
    """A required choice that starts empty: a form never asserts a fact nobody
    entered (issue 10 item 7: « Statut de l'âge » used to default to its first
    option, « Mineur·e (documenté) »). The empty option is refused by the
    required field, so the person must pick."""
    from django.utils.translation import gettext_lazy as _

    return [("", _("— Choisir —")), *choices]
