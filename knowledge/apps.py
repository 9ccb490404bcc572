from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge library"

    def ready(self):
        # Searches are kept for a generation of the page cache (knowledge.search): an
        # editor promoting a result ends them. (Not the whole app of promotions: every
        # search logs its query there.)
        from django.db.models.signals import post_delete, post_save
        from wagtail.contrib.search_promotions.models import SearchPromotion

        from hub.core.page_cache import site_changed

        def promotions_changed(**kwargs):
            site_changed()

        for signal in (post_save, post_delete):
            signal.connect(promotions_changed, sender=SearchPromotion, weak=False)
