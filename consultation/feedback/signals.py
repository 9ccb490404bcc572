"""What the feedback layer tells the layers above it, so it never imports them.

`items_arrived` is sent inside the transaction that writes new feedback items (a comment,
a questionnaire's answers, an imported batch), with the consultation's id. A receiver that
has work to do with the new items (the synthesis app places them into campaign groups)
queues it for after the commit itself.
"""

from django.dispatch import Signal

items_arrived = Signal()  # keyword argument: consultation_id


def announce_items(*, consultation_id):
    if consultation_id is not None:
        items_arrived.send(sender=None, consultation_id=consultation_id)
