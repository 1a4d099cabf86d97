"""`GET /api/v1/documents/search/?q=…` (issue 5 §6): the same search as the page, as JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api.params import read_params
from chinhquyen.core.errors import DomainError
from chinhquyen.documents import access
from chinhquyen.documents import search as docsearch
from chinhquyen.documents.search_views import MAX_QUERY_CHARS, SearchForm


class SearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["incoming", "outgoing"])
    subject = serializers.CharField()
    code_number = serializers.CharField(allow_blank=True)
    code_notation = serializers.CharField(allow_blank=True)
    issued_date = serializers.DateField(allow_null=True)
    snippet = serializers.CharField(help_text="HTML: the original text, escaped, with matched words in <mark>.")


class SearchPageSerializer(serializers.Serializer):
    results = SearchResultSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page (keyset cursor); null on the last page.")


PARAMETERS = [
    OpenApiParameter("q", str, description='Words (with or without accents), a "phrase", or a number/notation (15/QĐ-UBND).'),
    OpenApiParameter("kind", str, enum=["incoming", "outgoing"]),
    OpenApiParameter("type", str, description="Document type code (decision, official_letter, …)."),
    OpenApiParameter("issuer", str, description="Issuing agency, exact name (accents and case ignored)."),
    OpenApiParameter("date_from", str, description="dd/mm/yyyy or yyyy-mm-dd"),
    OpenApiParameter("date_to", str, description="dd/mm/yyyy or yyyy-mm-dd"),
    OpenApiParameter("urgency", str, enum=["normal", "urgent", "very_urgent", "immediate"]),
    OpenApiParameter("status", str),
    OpenApiParameter("register", int),
    OpenApiParameter("mine", bool, description="Only documents assigned to me."),
    OpenApiParameter("order", str, enum=["newest", "relevance"]),
    OpenApiParameter("cursor", str),
    OpenApiParameter("limit", int, description="1–100 (default 20)."),
]


class SearchLimitParams(serializers.Serializer):  # type: ignore[type-arg]
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100)


class DocumentSearchView(APIView):
    """Search the incoming and outgoing documents the caller may see (access is checked inside the query)."""

    @extend_schema(operation_id="documents_search", parameters=PARAMETERS, responses={200: SearchPageSerializer}, tags=["documents"])
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise DomainError("search.bad_request", " ".join(str(e) for errors in form.errors.values() for e in errors))
        query = form.cleaned_data.get("q") or ""
        if len(query) > MAX_QUERY_CHARS:
            raise DomainError("search.too_long", _("The search is too long: at most %(max)d characters.") % {"max": MAX_QUERY_CHARS})
        limit = read_params(SearchLimitParams, request).get("limit") or 20
        scope = access.scope_of(request.user)  # type: ignore[arg-type]
        found = docsearch.search_documents(
            scope,
            query,
            form.filters(),
            order=form.cleaned_data.get("order") or "newest",
            limit=limit,
            cursor=form.cleaned_data.get("cursor") or None,
        )
        results: list[dict[str, Any]] = [
            {
                "id": r.document.pk,
                "kind": r.kind,
                "subject": r.document.subject,
                "code_number": r.document.code_number,
                "code_notation": r.document.code_notation,
                "issued_date": r.document.issued_date,
                "snippet": r.hit.snippet,
            }
            for r in found.results
        ]
        next_url = None
        if found.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = found.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(SearchPageSerializer({"results": results, "next": next_url}).data)
