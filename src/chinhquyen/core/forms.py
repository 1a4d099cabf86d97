"""Bounded form fields and the two ways a view reads its query string or posted values (ADR 0041).

A view never reads `request.GET`/`request.POST` values itself: it hands the QueryDict to a form
made of these fields, then uses `cleaned_data`. `read_query` is for filters, where a malformed
value is dropped (the list shows everything, as if the filter were not given); `require_valid`
is for what must be right, and turns the form's errors into a `DomainError` the page shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.core.errors import DomainError
from chinhquyen.core.validation import MAX_AMOUNT, MAX_COUNT, MAX_ID

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

F = TypeVar("F", bound=forms.Form)


class IdField(forms.IntegerField):
    """A primary key in a query string or a form: a positive whole number that fits a bigint."""

    default_error_messages = {"invalid": gettext_lazy("Choose one of the listed items.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class CountField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=0, max_value=MAX_COUNT, **kwargs)


class AmountField(forms.IntegerField):
    """A sum of money in đồng: positive, at most `MAX_AMOUNT`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_AMOUNT, **kwargs)


class DayField(forms.DateField):
    """A calendar day, `YYYY-MM-DD` or `dd/mm/yyyy`; 30 February is refused with a Vietnamese message."""

    default_error_messages = {"invalid": gettext_lazy("Enter a real date, as dd/mm/yyyy.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(input_formats=DATE_INPUT_FORMATS, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and len(value) > 20:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ShortText(forms.CharField):
    """One line of text: stripped, NUL refused (Django's default), bounded."""

    def __init__(self, max_length: int = 200, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, **kwargs)


def read_query(form_class: type[F], data: Any, **kwargs: Any) -> dict[str, Any]:
    """The cleaned values of a filter form; a field whose value is malformed is left out."""
    form = form_class(data, **kwargs)
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


def require_valid(form: F, *, code: str = "invalid", message: str | None = None) -> F:
    """The form itself when valid; otherwise a DomainError with the form's errors by field."""
    if not form.is_valid():
        raise as_domain_error(form, code=code, message=message)
    return form


def as_domain_error(form: forms.Form, *, code: str = "invalid", message: str | None = None) -> DomainError:
    fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
    if message is None:
        first = next(iter(fields.items()), None)
        label = ""
        if first is not None and first[0] in form.fields:
            label = str(form.fields[first[0]].label or first[0])
        message = (
            _("%(field)s: %(error)s") % {"field": label, "error": first[1][0]} if first and label else _("The data sent is not valid.")
        )
    return DomainError(code, message, fields=fields)


class IdListField(forms.Field):
    """Several primary keys (a multiple select): each a bounded `IdField`, at most `max_items`."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": gettext_lazy("Choose one of the listed items.")}

    def __init__(self, *, max_items: int = 200, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_items = max_items

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple) or len(value) > self.max_items:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        item = IdField(required=True)
        return [item.clean(v) for v in value]
