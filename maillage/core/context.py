"""The request a piece of code runs for, so audit rows can say where they came from.

Services receive the acting user explicitly; the request (id, path, address)
is ambient context set by RequestContextMiddleware. Outside a request (tasks,
management commands) the context names the command instead.
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str
    method: str = ""
    path: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    origin: str = "web"  # web | task | command


_current: ContextVar[RequestContext | None] = ContextVar("maillage_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def bind(ctx: RequestContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def command_context(name: str):
    """Context for management commands and background tasks."""
    with bind(RequestContext(request_id=new_request_id(), path=name, origin="command")) as ctx:
        yield ctx
