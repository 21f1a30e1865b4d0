#!/usr/bin/env python
"""Django's management entry point, kept for `makemigrations --check` and developers' habits."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
