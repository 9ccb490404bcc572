"""Settings entry point: picks the variant named by DJANGO_ENV (dev, test or production)."""

import os

_variant = os.environ.get("DJANGO_ENV", "dev")

if _variant == "production":
    from .production import *  # noqa: F403
elif _variant == "test":
    from .test import *  # noqa: F403
elif _variant == "dev":
    from .dev import *  # noqa: F403
else:
    raise RuntimeError(f"DJANGO_ENV must be dev, test or production, not {_variant!r}")
