"""WSGI entry point for gunicorn. A server runs the production settings unless
DJANGO_SETTINGS_MODULE names another variant, so a deployment that forgets it refuses to
start without a real SECRET_KEY instead of serving with debug on and the known development
key (manage.py keeps the development settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

application = get_wsgi_application()
