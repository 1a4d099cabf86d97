"""Search pages (issue 5): the advanced search page, the header box's results as you type (htmx),
and "try again" for a failed text extraction. Thin: parse, call `documents.search`, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import ShortText, read_query
from chinhquyen.core.models import JobStatus
from chinhquyen.core.ocr import retry_extraction
from chinhquyen.documents import access
from chinhquyen.documents import search as docsearch
from chinhquyen.documents.models import IncomingStatus, OutgoingStatus
from chinhquyen.documents.reference import DocumentType, Urgency
from chinhquyen.documents.views import guarded

MAX_QUERY_CHARS = 500
STATUSES = [*IncomingStatus.choices, *((value, label) for value, label in OutgoingStatus.choices if value not in IncomingStatus.values)]


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Words, number or notation"), required=False, max_length=10_000)
    kind = forms.ChoiceField(
        label=gettext_lazy("Documents"),
        required=False,
        choices=[
            ("", gettext_lazy("Incoming and outgoing")),
            ("incoming", gettext_lazy("Incoming")),
            ("outgoing", gettext_lazy("Outgoing")),
        ],
    )
    type = forms.ChoiceField(label=gettext_lazy("Document type"), required=False, choices=[("", "—"), *DocumentType.choices])
    issuer = forms.CharField(label=gettext_lazy("Issuing agency"), required=False, max_length=200)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), required=False, choices=[("", "—"), ("normal", gettext_lazy("Ordinary")), *Urgency.choices[1:]]
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[("", "—"), *STATUSES])
    register = forms.IntegerField(label=pgettext_lazy("document register", "Register"), required=False, min_value=1)
    mine = forms.BooleanField(label=gettext_lazy("Assigned to me"), required=False)
    order = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[("newest", gettext_lazy("Newest first")), ("relevance", gettext_lazy("Most relevant"))],
    )
    cursor = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def filters(self) -> docsearch.Filters:
        data: dict[str, Any] = self.cleaned_data
        kind = data.get("kind") or ""
        return docsearch.Filters(
            kinds=[f"documents.{kind}"] if kind else (),
            doc_type=data.get("type") or "",
            issuer=data.get("issuer") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            urgency=data.get("urgency") or "",
            status=data.get("status") or "",
            register=data.get("register"),
            assigned_to_me=bool(data.get("mine")),
        )


def url_of(result: docsearch.Result) -> str:
    name = "documents:incoming_detail" if result.kind == "incoming" else "documents:outgoing_detail"
    return reverse(name, args=[result.document.pk])


def _run(request: HttpRequest, form: SearchForm, *, limit: int, prefix: bool, count: bool) -> tuple[Any, str]:
    """(results or None, message): a message instead of results for empty or bad input."""
    if not form.is_valid():
        return None, " ".join(str(e) for errors in form.errors.values() for e in errors)
    query = form.cleaned_data.get("q") or ""
    if len(query) > MAX_QUERY_CHARS:
        return None, _("The search is too long: at most %(max)d characters.") % {"max": MAX_QUERY_CHARS}
    if not query.strip():
        return None, ""
    scope = access.scope_of(request.user)  # type: ignore[arg-type]
    try:
        found = docsearch.search_documents(
            scope,
            query,
            form.filters(),
            order=form.cleaned_data.get("order") or "newest",
            limit=limit,
            cursor=form.cleaned_data.get("cursor") or None,
            prefix=prefix,
            count=count,
        )
    except DomainError as error:
        return None, str(error.message)
    return found, ""


@require_GET
@guarded
def search_page(request: HttpRequest) -> HttpResponse:
    """The advanced search: words, filters, order; highlighted snippets; keyset pages."""
    form = SearchForm(request.GET or None)
    found, message = _run(request, form, limit=20, prefix=False, count=True) if request.GET else (None, "")
    next_url = ""
    if found is not None and found.next_cursor:
        params = request.GET.copy()
        params["cursor"] = found.next_cursor
        next_url = f"?{params.urlencode()}"
    return render(
        request,
        "documents/search.html",
        {
            "form": form,
            "found": found,
            "rows": [(r, url_of(r)) for r in found.results] if found else [],
            "message": message,
            "next_url": next_url,
        },
    )


class SearchBoxQuery(forms.Form):
    q = ShortText(max_length=MAX_QUERY_CHARS)


@require_GET
@guarded
def search_box(request: HttpRequest) -> HttpResponse:
    """The header box's results as you type (htmx): the eight newest matches, the last word a prefix."""
    q = read_query(SearchBoxQuery, request.GET).get("q") or ""
    form = SearchForm({"q": q})
    found, message = _run(request, form, limit=8, prefix=True, count=False)
    return render(
        request,
        "documents/search_box_results.html",
        {"rows": [(r, url_of(r)) for r in found.results] if found else [], "message": message, "q": q},
    )


@require_POST
@guarded
def retry_attachment_extraction(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed extraction of an attachment the official may see again."""
    scope = access.scope_of(request.user)  # type: ignore[arg-type]
    attachment = access.access_attachment(scope, pk)
    job = docsearch.extraction_jobs([attachment.pk]).get(attachment.pk)
    if job is None or job.status != JobStatus.FAILED:
        messages.info(request, _("This file is not waiting to be read again."))
    else:
        retry_extraction(job.pk)
        messages.success(request, _("The file will be read again."))
    if attachment.incoming_id:
        return redirect("documents:incoming_detail", pk=attachment.incoming_id)
    return redirect("documents:outgoing_detail", pk=attachment.outgoing_id)


def parse_date(value: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None
