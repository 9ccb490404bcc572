"""ASGI entry point. The production settings unless DJANGO_SETTINGS_MODULE names another
variant (see wsgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

application = get_asgi_application()
