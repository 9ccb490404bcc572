"""URL map: accounts, staff areas, feeds and the Wagtail page tree last (it catches the rest).

Every way into or out of an account goes through allauth: Wagtail's own sign-in and
sign-out views (the admin's and the front end's) are replaced at their addresses and names,
so Wagtail's links reach allauth's pages and a password posted to them is never read. So are
Wagtail's forms for the password of a private page or collection, to limit guesses."""

from allauth.account import views as allauth_views
from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from hub.accounts import urls as accounts_urls
from hub.accounts import views as accounts_views
from hub.pages import privacy
from hub.pages import urls as pages_urls
from knowledge import views as knowledge_views
from knowledge.api import api_router

handler400 = "hub.core.uploads.bad_request"

urlpatterns = [
    path("admin/login/", accounts_views.sign_in_with_allauth, name="wagtailadmin_login"),
    path("admin/logout/", allauth_views.logout, name="wagtailadmin_logout"),
    path("_util/login/", accounts_views.sign_in_with_allauth, name="wagtailcore_login"),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        privacy.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        privacy.authenticate_document_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include(accounts_urls)),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("consultation.notifications.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("search/", knowledge_views.search, name="search"),
    path("api/v2/", api_router.urls),
    path("consultation/", include("consultation.urls")),
    path("synthesis/", include("consultation.synthesis.urls")),
    path("", include(pages_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
