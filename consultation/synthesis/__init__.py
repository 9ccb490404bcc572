"""The working group's synthesis: turning feedback items into evidence.

`models` holds the codebook (themes), the codes applied to items, each item's review
(stance, assignee) and analysts' notes; `coding` is the one writer of codes (one item, a
selection, or every result of a search, atomic, audited and undoable as a whole).
`campaigns` groups identical and near-identical responses and `suggest` suggests themes;
both are engines over plain data that the workspace calls.
"""
