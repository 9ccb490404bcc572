"""Template filters for dates: `human_date`, `human_time`, `human_datetime` for people and
`machine_date` for <time datetime="…">. Built in to every template (see TEMPLATES)."""

from django import template

from hub.core import dates

register = template.Library()

register.filter("human_date", dates.human_date)
register.filter("human_time", dates.human_time)
register.filter("human_datetime", dates.human_datetime)
register.filter("machine_date", dates.machine_date)
