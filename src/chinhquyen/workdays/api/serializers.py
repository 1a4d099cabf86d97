from __future__ import annotations

from rest_framework import serializers


class DueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    due_at = serializers.DateTimeField(help_text="The due time, ISO 8601 with the +07:00 offset.")
