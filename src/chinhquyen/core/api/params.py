"""Query parameters of an API operation read through a serializer (ADR 0041).

An API view never reads `request.query_params` itself: it declares a serializer of its
parameters (bounded fields; drf-spectacular documents it with `parameters=[TheSerializer]`) and
calls `read_params`; a malformed value answers 400 with the field's Vietnamese message.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from chinhquyen.core.validation import MAX_ID


def read_params(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class IdParam(serializers.IntegerField):
    """A primary key named in a query string: positive, fits a bigint."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)
