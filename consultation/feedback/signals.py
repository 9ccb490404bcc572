"""What the feedback layer tells the layers above it, so it never imports them.

`items_arrived` is sent inside the transaction that writes new feedback items (a comment,
a questionnaire's answers, an imported batch), with the consultation's id. A receiver that
has work to do with the new items (the synthesis app places them into campaign groups)
queues it for after the commit itself.

`items_edited` is sent inside the transaction that changed items' text or whether they
count in the analysis (a comment edited, withdrawn or moderated; many at once by the
retention purge or a rebuild that found items out of step), with the consultation's id and
the items' ids: the synthesis app places them in campaign groups again.
"""

from django.dispatch import Signal

items_arrived = Signal()  # keyword argument: consultation_id


items_edited = Signal()  # keyword arguments: consultation_id, item_ids


def announce_items(*, consultation_id):
    if consultation_id is not None:
        items_arrived.send(sender=None, consultation_id=consultation_id)


def announce_edits(*, consultation_id, item_ids):
    if consultation_id is not None and item_ids:
        items_edited.send(sender=None, consultation_id=consultation_id, item_ids=list(item_ids))
