"""Local development: DEBUG on, console e-mail, an insecure key that only this file knows."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# The demo ministry login (`make run`) works with its password alone; set XACT_2FA_REQUIRED_FOR_MINISTRY=1 to try
# the required set-up. Production requires it (portal/settings/base.py).
XACT_2FA_REQUIRED_FOR_MINISTRY = env_bool("XACT_2FA_REQUIRED_FOR_MINISTRY", False)
