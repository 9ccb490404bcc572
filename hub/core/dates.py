"""How the site writes dates and times: one way for people, in the NHS.UK style ("9 November
2026", "2:05pm", no leading zeros), and one for machines: the `datetime` attribute of
<time>, which takes ISO 8601 with at most three digits of a second's fraction (Django's
"c" format gives six), so whole seconds here.

Templates use the filters of the same names (hub/core/templatetags/hub_dates.py, loaded
everywhere as a built-in); Python code calls these functions."""

import datetime

from django.utils import timezone

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _local(value):
    """A datetime in the site's time zone (what people here read); dates as they are."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def human_date(value):
    """ "9 November 2026" for a date or a datetime (in the site's time zone)."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def human_time(value):
    """ "9am", "2:05pm", "midday", "midnight" (the NHS.UK style for times)."""
    if not value:
        return ""
    value = _local(value)
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def human_datetime(value):
    """ "9 November 2026, 2:05pm"."""
    if not value:
        return ""
    return f"{human_date(value)}, {human_time(value)}"


def machine_date(value):
    """The `datetime` attribute of <time>: "2026-11-09" for a date, and for a datetime the
    site's local time with its offset, to the second: "2026-11-09T14:05:33+00:00"."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).replace(microsecond=0)
        return value.isoformat(timespec="seconds")
    return value.isoformat()
