"""WSGI entry point for gunicorn. A server runs production settings unless DJANGO_ENV says
otherwise, so a deployment that forgets it refuses to start without a real SECRET_KEY
instead of serving with debug on and the known development key (manage.py keeps dev)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_ENV", "production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

application = get_wsgi_application()
