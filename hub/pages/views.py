"""Small views of the public site that are not Wagtail pages."""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from hub.core.public_address import absolute_url


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    context = {"sitemap_url": absolute_url(reverse("sitemap"))}
    return render(request, "robots.txt", context, content_type="text/plain")


@require_GET
def nhsuk_asset(request, path):
    """The design system's stylesheet refers to its icons at /assets/; point there."""
    name = f"nhsuk/assets/{path}"
    if not finders.find(name):
        raise Http404("No such asset")
    return redirect(staticfiles_storage.url(name))
