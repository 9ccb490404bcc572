"""Headers on static files served by whitenoise (WHITENOISE_ADD_HEADERS_FUNCTION): the same
framing and type-sniffing protection as pages get from Django's middleware, which static
files never pass through."""

from django.conf import settings


def static_file_headers(headers, path, url):
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    headers["X-Content-Type-Options"] = "nosniff"
