"""Consultation models, one module per concern; this package gathers them for Django."""

from .comments import Comment, CommentEdit, Kind, Reaction, Status, Visibility
from .consultations import Consultation, ModerationMode, Topic
from .moderation import FLAG_OUTCOMES, AuditAction, AuditEntry, BlockedUser, Flag, FlagReason

__all__ = [
    "FLAG_OUTCOMES",
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
    "Visibility",
]
