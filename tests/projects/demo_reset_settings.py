"""Settings for running `demo_reset` in a test: the embedded layout (db.sqlite3, media/) in a folder
of the test's own instead of the project's."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403

BASE_DIR = Path(os.environ["KP_DEMO_RESET_DIR"])
DATABASES["default"]["NAME"] = BASE_DIR / "db.sqlite3"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "media"
