"""Read-only queries of the consultation app, one module per concern: consultations,
sections (comments on a section page), threads (one conversation), discussions (the board),
contributions (a participant's own) and moderation. Views import the module they need.
Every function asks a fixed number of queries whatever the number of comments (tests bound
them)."""
