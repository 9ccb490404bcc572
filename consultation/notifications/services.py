"""Writing side of notifications. The consultation services call these after their write
has committed; each one only schedules work and never raises into its caller."""

import logging

logger = logging.getLogger(__name__)


def notify_reply(reply):
    """Tell the author of `reply.parent` that someone replied (unless it is themselves)."""


def notify_moderation_decision(decision):
    """Tell the author of `decision.target` what a moderator decided, and why."""


def notify_new_section_version(section, version_number):
    """Tell everyone who commented on `section` that version `version_number` is published."""
