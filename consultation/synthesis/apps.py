from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "consultation.synthesis"
    label = "synthesis"
    verbose_name = "Synthesis"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # New feedback items join their campaign groups after the commit that wrote them;
        # the feedback layer announces them and never imports this app.
        from consultation.feedback.signals import items_arrived, items_edited

        items_arrived.connect(_place_new_items, dispatch_uid="synthesis.place_new_items")
        items_edited.connect(_place_edited_items, dispatch_uid="synthesis.place_edited_items")


def _place_edited_items(sender, *, consultation_id, item_ids, **kwargs):
    from consultation.synthesis.tasks import place_again_after_commit

    place_again_after_commit(consultation_id=consultation_id, item_ids=item_ids)


def _place_new_items(sender, *, consultation_id, **kwargs):
    from consultation.synthesis.tasks import place_after_commit

    place_after_commit(consultation_id=consultation_id)
