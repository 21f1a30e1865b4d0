"""Settings for the test suite: development mode, everything else from the environment as usual."""

import os

os.environ.setdefault("ACCORD_ENV", "test")

from accord.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests; files are found per request
