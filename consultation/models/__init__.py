"""Consultation models, one module per concern; this package gathers them for Django."""

from .comments import Comment, CommentEdit, Kind, Reaction, Status, Visibility, noun_of
from .consultations import Consultation, ModerationMode, Topic
from .moderation import (
    DECISIONS,
    FLAG_OUTCOMES,
    AuditAction,
    BlockedUser,
    Flag,
    FlagReason,
    action_label,
    is_decision,
)

__all__ = [
    "DECISIONS",
    "FLAG_OUTCOMES",
    "AuditAction",
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
    "action_label",
    "is_decision",
    "noun_of",
]
