"""Settings for the test suite: development mode, everything else from the environment as usual."""

import os

os.environ.setdefault("ACCORD_ENV", "test")

from accord.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 - speed in tests only
