"""Dates kept as ISO text (an encrypted birth date, for instance) shown in
words users read: « 12/04/1999 », never « 1999-04-12 » (issue 10 item 7)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def iso_date(value, fmt: str = "d/m/Y") -> str:
    """« 1999-04-12 » → « 12/04/1999 »; a value that is not an ISO date is
    returned unchanged (a partial date typed as text stays as typed)."""
    if isinstance(value, datetime.date):
        return date_format(value, fmt)
    try:
        return date_format(datetime.date.fromisoformat(str(value).strip()), fmt)
    except ValueError:
        return value
