"""The hub's settings, one module per variant: DJANGO_SETTINGS_MODULE names the one to use
(hub.settings.dev, hub.settings.test or hub.settings.production). Importing this package
loads none of them."""
