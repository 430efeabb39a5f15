"""Gap-free yearly numbering (case references, the correspondence register).

A counter model has one row per year (`year` primary key) and an integer
field holding the last number given. The row is locked (SELECT … FOR UPDATE
on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), so two
allocations at the same moment never get the same number; callers keep a
unique constraint on what they number as the last line of defence.
"""

from django.db import transaction


def next_in_year(counter_model, year: int, *, field: str) -> int:
    with transaction.atomic():
        counter_model.objects.get_or_create(year=year)
        counter = counter_model.objects.select_for_update().get(year=year)
        value = getattr(counter, field) + 1
        setattr(counter, field, value)
        counter.save(update_fields=[field])
    return value
