"""A fresh interpreter with the environment a deployment gives it, for the tests of what
happens when the site starts: settings are read once, when Python first imports them, so
only a new process shows what a deployment with other variables gets."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REAL_KEY = "k3Jx-9vQ2_pL8mN4sR7tW1yZ5bC0dF6gH2jK8lM3nP9qS4uV7xA1"
# Production refuses a cache its processes do not share (the rate limits live there).
SHARED_CACHE = "redis://cache.example.org:6379/1"


def run_python(*args, env_overrides, unset=()):
    """Run Python in the repository with the environment a deployment would give it:
    this process's, without what pytest sets, with `env_overrides` and without `unset`."""
    # The browser tests allow sync ORM calls beside Playwright's loop; a deployment never does.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, env_overrides, unset=()):
    return run_python("manage.py", *args, env_overrides=env_overrides, unset=unset)
