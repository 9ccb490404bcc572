from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = "Consultation"

    def ready(self):
        # An editor changing a consultation (its dates, its sections, whether comments are
        # public) changes what public pages show: their cached copies end.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from consultation.models import Consultation
        from hub.core.page_cache import site_changed

        def consultation_changed(**kwargs):
            site_changed()

        for signal in (post_save, post_delete):
            signal.connect(consultation_changed, sender=Consultation, weak=False)
        m2m_changed.connect(consultation_changed, sender=Consultation.sections.through, weak=False)
