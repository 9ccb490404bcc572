"""Consultation models, one module per concern; this package gathers them for Django."""

from .comments import PUBLIC_STATUSES, Comment, CommentEdit, Kind, Reaction, Status
from .consultations import Consultation, ModerationMode, Topic
from .moderation import AuditAction, AuditEntry, BlockedUser, Flag, FlagReason

__all__ = [
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
