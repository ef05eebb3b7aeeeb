"""Settings of the web servers and the worker that tests/ops/test_two_servers.py starts: the deployment's choices
(DEBUG off, Redis cache and counters, the task queue in Redis, media in the object store, PostgreSQL search) from
the environment the test gives each process, with the test's fast password hashing and no second factor."""

import os

from portal.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # the same on every server: sessions and signed links are shared
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # what the test's users were created with
XACT_2FA_REQUIRED_FOR_MINISTRY = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
MATCHING_EMBEDDINGS = False  # the sentence model is a few seconds per process; not what this test is about
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
