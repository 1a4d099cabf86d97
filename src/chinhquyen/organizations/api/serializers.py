from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.organizations.models import Account, Agency, RoleAssignment


class TokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text="The 6-digit TOTP code, for accounts that use the second factor."
    )


class TokenResponseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown once, stored hashed.")
    expiry = serializers.DateTimeField(help_text="The token ends then, or earlier at logout, password change or deactivation.")


class AgencySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent_code = serializers.CharField(source="parent.code", allow_null=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name", "level", "kind", "parent", "parent_code", "valid_from", "valid_to", "code_verified"]


class AgencyRefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Agency
        fields = ["id", "code", "name"]


class AgencyDetailSerializer(AgencySerializer):
    current_successors = serializers.SerializerMethodField()

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "current_successors"]

    @extend_schema_field(AgencyRefSerializer(many=True))
    def get_current_successors(self, obj: Agency) -> list[dict[str, object]]:
        return AgencyRefSerializer(self.context["successors"], many=True).data  # type: ignore[return-value]


class RoleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    agency_code = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")

    class Meta:
        model = RoleAssignment
        fields = ["role", "agency_code", "agency_name", "valid_from", "valid_to"]


class MeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "username", "full_name", "kind", "roles"]

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, obj: Account) -> list[dict[str, object]]:
        return RoleSerializer(self.context["roles"], many=True).data  # type: ignore[return-value]
