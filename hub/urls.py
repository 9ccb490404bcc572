"""URL map: accounts, staff areas, feeds and the Wagtail page tree last (it catches the rest)."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from hub.accounts import urls as accounts_urls
from hub.api import api_router
from hub.pages import urls as pages_urls
from knowledge import views as knowledge_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include(accounts_urls)),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("consultation.notifications.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("search/", knowledge_views.search, name="search"),
    path("api/v2/", api_router.urls),
    path("consultation/", include("consultation.urls")),
    path("", include(pages_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
