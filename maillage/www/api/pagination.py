"""Pages of results: « page » and « taille », checked (a wrong value is a 400,
never silently replaced by the default)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Page(PageNumberPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "taille"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: _("Un entier entre 1 et %(max)s est attendu.")
                    % {"max": self.max_page_size}
                }
            )
        return int(raw)

    def get_page_size_schema_type(self):
        return {"type": "integer", "minimum": 1, "maximum": self.max_page_size}

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
        return params


class OpenDataPage(Page):
    page_size = 100
    max_page_size = 1000
