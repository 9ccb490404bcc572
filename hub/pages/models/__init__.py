"""Wagtail page models of the public site, one module per kind of page."""

from .home import HomePage
from .people import WorkingGroupMember, WorkingGroupPage
from .section_versions import PublishedVersion
from .standard import GetInvolvedPage, StandardPage
from .strategy import SectionPage, StrategyPage
from .timeline import Phase, TimelinePage
from .updates import UpdateIndexPage, UpdatePage

__all__ = [
    "GetInvolvedPage",
    "HomePage",
    "Phase",
    "PublishedVersion",
    "SectionPage",
    "StandardPage",
    "StrategyPage",
    "TimelinePage",
    "UpdateIndexPage",
    "UpdatePage",
    "WorkingGroupMember",
    "WorkingGroupPage",
]
