"""Notifications: email to participants about replies, moderation decisions and new versions,
their preferences and one-click unsubscribe, and the public email subscription to progress
updates. Every email is sent by a background task after the write that caused it commits."""
