"""Bounded input (ADR 0041): the API's field messages in Vietnamese, nested errors flattened, and
the helpers the services use to refuse what no form should have let through."""

from __future__ import annotations

import inspect

import pytest
import rest_framework.fields
import rest_framework.relations
import rest_framework.serializers
from django.utils import translation
from rest_framework import serializers

from chinhquyen.core.api.errors import _flatten
from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import DayField, IdField, read_query
from chinhquyen.core.validation import MAX_AMOUNT, bounded_int, clean_text, one_of


def _drf_messages() -> set[str]:
    found = set()
    for module in (rest_framework.fields, rest_framework.serializers, rest_framework.relations):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, rest_framework.fields.Field):
                for klass in cls.__mro__:
                    for message in vars(klass).get("default_error_messages", {}).values():
                        found.add(message._args[0])
    return found


def test_every_field_message_of_the_rest_framework_is_vietnamese():
    messages = _drf_messages()
    assert len(messages) > 40
    with translation.override("vi"):
        untranslated = sorted(m for m in messages if translation.gettext(m) == m)
    assert not untranslated, untranslated


def test_nested_errors_are_flattened_to_readable_paths():
    class Item(serializers.Serializer):
        component = serializers.IntegerField()

    class Body(serializers.Serializer):
        applicant = serializers.DictField(child=serializers.CharField(max_length=3))
        components = Item(many=True)
        tags = serializers.ListField(child=serializers.IntegerField())

    body = Body(data={"applicant": {"name": "x" * 10}, "components": [{"component": 1}, {"component": "abc"}], "tags": [1, "x"]})
    assert not body.is_valid()
    with translation.override("vi"):
        fields = _flatten(body.errors)
    assert set(fields) == {"applicant.name", "components[1].component", "tags[1]"}
    for messages in fields.values():
        assert all(type(m) is str and "ErrorDetail" not in m and not m.startswith(("[", "{")) for m in messages)


@pytest.mark.parametrize("value", ["a\x00b", "x" * 256, "\x1b[31m"])
def test_clean_text_refuses_control_characters_and_overlong_text(value):
    with pytest.raises(DomainError) as refused:
        clean_text(value, field="name", max_length=255)
    assert "name" in refused.value.fields


def test_clean_text_keeps_ordinary_vietnamese_text_and_line_breaks():
    assert clean_text("  Nguyễn Văn A\nphường 1 ", field="name", max_length=255) == "Nguyễn Văn A\nphường 1"


@pytest.mark.parametrize("value", [0, -1, MAX_AMOUNT + 1, 10**40, True, "5", 1.5])
def test_bounded_int_refuses_what_is_not_a_whole_number_in_range(value):
    with pytest.raises(DomainError):
        bounded_int(value, field="amount", min_value=1, max_value=MAX_AMOUNT)


def test_one_of_refuses_an_unknown_choice():
    assert one_of("counter", field="return_method", choices=["counter", "post"]) == "counter"
    with pytest.raises(DomainError):
        one_of("teleport", field="return_method", choices=["counter", "post"])


def test_a_filter_form_drops_malformed_values_and_keeps_the_good_ones():
    from django import forms

    class Query(forms.Form):
        agency = IdField()
        day = DayField()

    assert read_query(Query, {"agency": "1" * 30, "day": "2026-02-28"}) == {"day": __import__("datetime").date(2026, 2, 28)}
    assert read_query(Query, {"agency": "12", "day": "2026-02-30"}) == {"agency": 12}
    with translation.override("vi"):
        form = Query({"day": "2026-02-30"})
        assert not form.is_valid() and form.errors["day"] == ["Nhập một ngày có thật, dạng dd/mm/yyyy."]
