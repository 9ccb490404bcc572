"""Feedback items: one row for each thing a person sent (a comment, a reply, a discussion
post; questionnaire answers and imported responses with the questionnaire and import work),
the single shape that search, coding and synthesis read. `models` holds the item and its
rules; `sync` is the one place that writes items, called by the services that write their
sources, in the same transaction."""
