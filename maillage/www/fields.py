"""Form fields shared by the features of the web layer."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

_BIGINT = 2**63


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a primary key outside the 64-bit range as an
    invalid value before it reaches the `pk__in` query. Django guards the
    `exact` lookup against such numbers but not `in`: the query failed
    (OverflowError on SQLite, out of range on PostgreSQL) and the page
    answered 500. Found by tests/foundation/test_form_fuzzing.py."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        field = meta.pk if key == "pk" else meta.get_field(key)
        if isinstance(field, models.IntegerField):
            for pk in value:
                try:
                    number = int(str(pk))
                except (TypeError, ValueError):
                    continue  # Django's own check refuses it
                if not -_BIGINT <= number < _BIGINT:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
