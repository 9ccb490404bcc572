"""Notifications: email to participants about replies, moderators' decisions (on what they
wrote, and on what they reported) and new versions, their preferences and one-click
unsubscribe, and the public email subscription to progress updates. Every email is sent by
a background task after the write that caused it commits."""
