#!/usr/bin/env python
"""Django's command-line utility for the hub: the development settings unless
DJANGO_SETTINGS_MODULE names another variant (hub.settings.test, hub.settings.production)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
