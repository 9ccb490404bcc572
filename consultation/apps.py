from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = "Consultation"

    def ready(self):
        # An editor changing a consultation (its dates, its sections, whether comments are
        # public) changes what public pages show: their cached copies end. So does any
        # comment or reaction saved or deleted, whoever saves it (the services say so
        # themselves; the admin, the shell and data fixes through the ORM too): pages keep
        # the public rows of a discussion for a whole generation (consultation.selectors).
        # A bulk `update()` sends no signal: call hub.core.page_cache.site_changed() after.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from consultation.models import Comment, Consultation, Reaction
        from hub.core.page_cache import site_changed

        def consultation_changed(**kwargs):
            site_changed()

        for signal in (post_save, post_delete):
            for model in (Consultation, Comment, Reaction):
                signal.connect(consultation_changed, sender=model, weak=False)
        m2m_changed.connect(consultation_changed, sender=Consultation.sections.through, weak=False)

        # Whether someone is blocked, and their reactions, are kept with the facts about them
        # (hub.accounts.user_facts): a block made or lifted, a reaction given or taken back,
        # counts from their next request.
        from consultation.models import BlockedUser
        from hub.accounts.user_facts import forget

        def persons_fact_changed(instance, **kwargs):
            forget(instance.user_id)

        for signal in (post_save, post_delete):
            for model in (BlockedUser, Reaction):
                signal.connect(persons_fact_changed, sender=model, weak=False)
