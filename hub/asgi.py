"""ASGI entry point. Production settings unless DJANGO_ENV says otherwise (see wsgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_ENV", "production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

application = get_asgi_application()
