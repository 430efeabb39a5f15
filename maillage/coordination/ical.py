"""iCalendar (RFC 5545) output of meetings: invitations, updates,
cancellations and the private feeds.

Times are written in Europe/Paris with a VTIMEZONE block, so a calendar shows
the meeting at the right hour across daylight-saving changes. The UID stays
the meeting's for life and SEQUENCE grows at each significant change
(RFC 5546 §2.1.4): that is how an update or a cancellation replaces the
event already in the invitee's calendar instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from .enums import PARTSTAT, MeetingStatus

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Maillage//Coordination//FR"


def paris_vtimezone() -> Timezone:
    """Europe/Paris as a compact VTIMEZONE with yearly rules.

    Since 1996 the EU rule is: summer time from the last Sunday of March at
    02:00 to the last Sunday of October at 03:00 (directive 2000/84/EC). Two
    RRULEs describe it for every future year, where the generated form
    (`add_missing_timezones`) lists each transition as an RDATE and is
    several times slower to write out."""
    tz = Timezone()
    tz.add("tzid", "Europe/Paris")
    tz.add("x-lic-location", "Europe/Paris")
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add_component(paris_vtimezone())
    return cal


def meeting_uid(meeting) -> str:
    return f"{meeting.uid}@maillage"


def _event(meeting, *, cancelled: bool, invitations: Iterable | None = None, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(PARIS))
    event.add("dtend", meeting.ends_at.astimezone(PARIS))
    event.add("summary", meeting.title)
    location = meeting.place or meeting.video_url
    if location:
        event.add("location", location)
    description = []
    if meeting.video_url:
        description.append(f"Visioconférence : {meeting.video_url}")
    # Members reply on the meeting page; a guest's copy carries their
    # personal link instead, or no link at all (url="").
    link = f"{settings.SITE_BASE_URL}/coordination/reunions/{meeting.pk}/" if url is None else url
    if link:
        description.append(link)
    if description:
        event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{meeting.organiser.email}")
    organiser.params["cn"] = vText(meeting.organiser.get_full_name() or meeting.organiser.email)
    event.add("organizer", organiser)
    # Invitations of users and of guests (MeetingInvitation, MeetingGuest).
    for invitation in invitations or ():
        attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
        attendee.params["cn"] = vText(invitation.attendee_name)
        attendee.params["partstat"] = PARTSTAT[invitation.response]
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["rsvp"] = "TRUE"
        event.add("attendee", attendee, encode=0)
    return event


def meeting_ics(meeting, *, method: str, invitations: Iterable | None = None, url: str | None = None) -> str:
    """One meeting, as attached to an invitation (REQUEST) or a cancellation
    (CANCEL). `url` replaces the meeting page's address in the description
    (a guest's personal link, or "" for none)."""
    cal = _calendar(method)
    cal.add_component(_event(meeting, cancelled=method == "CANCEL", invitations=invitations, url=url))
    return cal.to_ical().decode("utf-8")


def feed_ics(meetings: Iterable, *, name: str) -> str:
    """A subscribed feed: cancelled meetings stay, marked CANCELLED, so
    calendars remove them."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    for meeting in meetings:
        cal.add_component(_event(meeting, cancelled=meeting.status == MeetingStatus.CANCELLED))
    return cal.to_ical().decode("utf-8")


def paris(dt: datetime) -> datetime:
    return dt.astimezone(PARIS)
