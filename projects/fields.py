"""Field types shared by the domain models."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

# The largest id a row can have (BigAutoField). A larger number names no row, and SQLite cannot even
# take it as a query parameter (OverflowError): forms refuse it before asking the database.
ID_MAX = 2**63 - 1


class AmountField(models.DecimalField):
    """An amount of money in 万元: a non-negative Decimal with two places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 14), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("validators", None)
        return name, path, args, kwargs
