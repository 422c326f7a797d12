"""Reading settings from environment variables, with errors that name the variable."""

import os
from datetime import date

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    """Return the variable as a string; raise if it is required and unset or empty."""
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name, default=False):
    """Return the variable as a boolean; only the usual spellings are accepted."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name, default=()):
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_date(name, default=None):
    """Return the variable as a date written YYYY-MM-DD; anything else is refused by name."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a date written YYYY-MM-DD (e.g. 2015-10-20), not {value!r}."
        ) from None
