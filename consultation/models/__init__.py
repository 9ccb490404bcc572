"""Consultation models, one module per concern; this package gathers them for Django."""

from .comments import (
    COUNTED_STATUSES,
    PUBLIC_STATUSES,
    Comment,
    CommentEdit,
    Kind,
    Reaction,
    Status,
)
from .consultations import Consultation, ModerationMode, Topic
from .moderation import FLAG_OUTCOMES, AuditAction, AuditEntry, BlockedUser, Flag, FlagReason

__all__ = [
    "COUNTED_STATUSES",
    "FLAG_OUTCOMES",
    "PUBLIC_STATUSES",
    "AuditAction",
    "AuditEntry",
    "BlockedUser",
    "Comment",
    "CommentEdit",
    "Consultation",
    "Flag",
    "FlagReason",
    "Kind",
    "ModerationMode",
    "Reaction",
    "Status",
    "Topic",
]
