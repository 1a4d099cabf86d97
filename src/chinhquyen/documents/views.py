"""Pages of the electronic office. Thin: parse, call one service, render. Every fetch goes
through `documents.access`; a forbidden document answers 404 like a missing one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import CharField, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.core import uploads
from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import read_query, require_valid
from chinhquyen.core.models import JobProgress, JobStatus
from chinhquyen.core.ocr import EXTRACT_KIND
from chinhquyen.documents import access, exports, selectors, services
from chinhquyen.documents import search as docsearch
from chinhquyen.documents.access import Scope
from chinhquyen.documents.forms import (
    AgencyQuery,
    AttachmentQuery,
    CompleteForm,
    DecisionForm,
    DraftForm,
    ExtensionForm,
    IncomingForm,
    IncomingListQuery,
    InstructForm,
    NextStepForm,
    OutgoingListQuery,
    PassForm,
    PresentForm,
    ReasonForm,
    ReassignForm,
    RegisterPrintQuery,
    ReviewForm,
    TextForm,
    VersionForm,
)
from chinhquyen.documents.integrations import exchange as exchange_wiring
from chinhquyen.documents.integrations.pages import integration_context, signing_secret
from chinhquyen.documents.integrations.signing import with_latest_report
from chinhquyen.documents.models import (
    IncomingDocument,
    IncomingStatus,
    Notification,
    OutgoingDocument,
    OutgoingStatus,
)
from chinhquyen.documents.reference import ABBREVIATIONS, DocumentType, Secrecy, Urgency
from chinhquyen.organizations.models import Account, Agency, Role, RoleAssignment, Unit

LIST_TITLES = {
    "to_register": _("To register"),
    "to_present": _("To present"),
    "to_instruct": _("To instruct"),
    "mine": _("My documents"),
    "unit": _("My unit's documents"),
    "overdue": _("Overdue"),
    "all": _("All"),
    "to_review": _("To review"),
    "to_approve": _("To approve"),
    "to_issue": _("To issue"),
    "issued": _("Issued"),
}


def _refuse(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "core/error.html", {"error": exc}, status=exc.status)


def _scope(request: HttpRequest) -> Scope:
    return access.scope_of(request.user)  # type: ignore[arg-type]


def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            with access.scopes_cached():  # the view and its services read the official's scope once
                return view(request, *args, **kwargs)
        except DomainError as exc:
            return _refuse(request, exc)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Incoming ------------------------------------------------------------------------------------
def _incoming_filters(query: dict[str, Any]) -> selectors.IncomingFilters:
    return selectors.IncomingFilters(
        status=query.get("status") or "",
        urgency=query.get("urgency") or "",
        document_type=query.get("type") or "",
        date_from=query.get("from"),
        date_to=query.get("to"),
        q=query.get("q") or "",
    )


@require_GET
@guarded
def incoming_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    names = selectors.incoming_lists_for(scope)
    values = read_query(IncomingListQuery, request.GET)
    name = values.get("list") or selectors.default_incoming_list(scope)
    if name not in names:
        name = names[0]
    filters = _incoming_filters(values)
    parts, ordering = selectors.incoming_list_parts(scope, name, filters)
    page = selectors.paginate_parts(
        [qs.select_related("lead_unit", "lead_handler") for qs in parts], ordering, values.get("cursor") or None
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    labels = _labels()
    for row in page.rows:  # W1: dictionary look-ups and strftime instead of translations and date filters
        row.status_label = labels["status"][row.status]
        row.urgency_label = labels["urgency"].get(row.urgency, "")
        row.secrecy_label = labels["secrecy"].get(row.secrecy, "")
        row.arrival_label = _local(row.arrival_at, "%d/%m/%Y") if row.arrival_number else _local(row.received_at, "%d/%m/%Y %H:%M")
        row.issued_label = row.issued_date.strftime("%d/%m/%Y") if row.issued_date else ""
        row.due_label = _local(row.due_at, "%d/%m/%Y %H:%M")
    return render(
        request,
        "documents/incoming_list.html",
        {
            "lists": [(n, LIST_TITLES[n]) for n in names],
            "current": name,
            "title": LIST_TITLES[name],
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "statuses": labels["statuses"],
            "urgencies": labels["urgencies"],
            "types": labels["types"],
            "now": timezone.now(),
        },
    )


_LABELS: dict[str, dict[str, Any]] = {}


def _local(moment: Any, pattern: str) -> str:
    return timezone.localtime(moment).strftime(pattern) if moment else ""


def _labels() -> dict[str, Any]:
    """The list page's choice labels, translated once per language (W1: the page rendered some
    hundred lazy translations per request)."""
    language = get_language() or ""
    found = _LABELS.get(language)
    if found is None:
        found = _LABELS[language] = {
            "statuses": [(v, str(label)) for v, label in IncomingStatus.choices],
            "urgencies": [(v, str(label)) for v, label in Urgency.choices[1:]],
            "types": [(v, str(label)) for v, label in DocumentType.choices],
            "status": {v: str(label) for v, label in IncomingStatus.choices},
            "urgency": {v: str(label) for v, label in Urgency.choices},
            "secrecy": {v: str(label) for v, label in Secrecy.choices},
        }
    return found


@require_http_methods(["GET", "POST"])
@guarded
def register_incoming(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    agencies = scope.agencies_with(Role.CLERK)
    access.require(bool(agencies))
    agency_id = read_query(AgencyQuery, request.POST).get("agency") or read_query(AgencyQuery, request.GET).get("agency") or agencies[0]
    access.require(agency_id in agencies)
    agency = Agency.objects.get(pk=agency_id)
    form = IncomingForm(request.POST or None, request.FILES or None)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.register_incoming_document(
                actor=request.user,  # type: ignore[arg-type]
                agency=agency,
                data=form.incoming_input(),
                source=data["source"],
                scan=data.get("scan"),
            )
        except DomainError as exc:
            error = exc
            for field, problems in exc.fields.items():
                if field in form.fields:
                    for problem in problems:
                        form.add_error(field, str(problem))
        else:
            document = result.document
            messages.success(request, _("Registered with arrival number %(number)s.") % {"number": f"{document.arrival_number:02d}"})
            if result.duplicates:
                messages.warning(
                    request, _("Warning: a document with the same identifier or number, notation and issuer was already registered.")
                )
            if read_query(NextStepForm, request.POST).get("next") == "another":
                return redirect(reverse("documents:register_incoming") + f"?agency={agency.pk}")
            return redirect("documents:incoming_detail", pk=document.pk)
    issuers = list(Agency.objects.filter(valid_to__isnull=True).order_by("name").values_list("name", "code")[:500])
    return render(
        request,
        "documents/incoming_form.html",
        {
            "form": form,
            "error": error,
            "agency": agency,
            "issuers": issuers,
            "type_options": [(label, ABBREVIATIONS[code]) for code, label in DocumentType.choices],
        },
    )


def _incoming_actions(scope: Scope, document: IncomingDocument, assignments: list[Any]) -> set[str]:
    """What the official may do here; `assignments` are the document's, already read for the page."""
    actions: set[str] = {"comment"}
    clerk = access.is_clerk(scope, document.agency_id)
    leader = access.is_leader(scope, document.agency_id)
    s = document.status
    if clerk and s == IncomingStatus.RECEIVED:
        actions.add("register")
        if document.source == "electronic":
            actions.add("reject")  # edXML 02, with a reason
    if clerk and s in (IncomingStatus.REGISTERED, IncomingStatus.PRESENTED):
        actions.add("present")
        if s == IncomingStatus.REGISTERED and _rules(scope, document.agency_id).direct_to_unit:
            actions.add("pass")
    if leader and s in (IncomingStatus.REGISTERED, IncomingStatus.PRESENTED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS):
        actions.add("instruct")
    if s in (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS):
        unit_leader = access.is_unit_leader_of(scope, document.lead_unit_id)
        if unit_leader:
            actions |= {"reassign"}
        if unit_leader or access.handles(scope, document, assignments):
            actions |= {"progress", "file", "extension", "complete"}
        if (leader or unit_leader) and any(a.active and a.extension_requested_until is not None for a in assignments):
            actions.add("decide_extension")
    return actions


def _rules(scope: Scope, agency_id: int) -> Any:
    """The agency's document rules, read with the scope (no query) when the official works there."""
    return scope.rules.get(agency_id) or services.rules_of(agency_id)


def _attachments_for_page(document: IncomingDocument | OutgoingDocument, order: tuple[str, ...] = ()) -> list[Any]:
    """The document's files, each with its latest text-extraction job (`extraction_job`, shown only
    while queued or running, or when it failed). The latest job's status comes with the files in
    one query, with each file's latest signature validation report; the jobs themselves are read
    (one more query) only when one of them needs showing."""
    latest = (
        JobProgress.objects.filter(kind=EXTRACT_KIND, report__target=docsearch.SINK)
        .annotate(target_id=Cast(KeyTextTransform("object_id", "report"), IntegerField()))
        .filter(target_id=OuterRef("pk"))
        .order_by("-pk")
    )
    files = with_latest_report(document.attachments.annotate(extraction_status=Subquery(latest.values("status")[:1])))
    attachments = list(files.order_by(*order) if order else files)
    shown = [a.pk for a in attachments if a.extraction_status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)]
    jobs = docsearch.extraction_jobs(shown) if shown else {}
    for item in attachments:
        item.extraction_job = jobs.get(item.pk)
    return attachments


@dataclass(frozen=True)
class _Choice:
    """An option of the page's forms: a unit or a person (`{{ p }}` shows the name)."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class _FormChoices:
    units: list[_Choice]
    leaders: list[_Choice]
    people: list[_Choice]
    unit_people: list[_Choice]


def _form_choices(document: IncomingDocument, actions: set[str]) -> _FormChoices:
    """The choices of the page's forms — units (instruct, pass), leaders (present), people
    (instruct), the lead unit's people (reassign) — in one query (a UNION of the agency's units
    in force and the role assignments wanted); nothing is read when no such form shows."""
    day = timezone.localdate()
    want_units = bool(actions & {"instruct", "pass"})
    roles: set[str] = set()
    if "present" in actions:
        roles.add(Role.LEADER)
    if "instruct" in actions:
        roles |= {Role.SPECIALIST, Role.UNIT_LEADER, Role.LEADER}
    in_unit = "reassign" in actions and document.lead_unit_id is not None
    if not (want_units or roles or in_unit):
        return _FormChoices([], [], [], [])
    wanted = Q(pk__in=[])
    if roles:
        wanted |= Q(agency_id=document.agency_id, role__in=roles)
    if in_unit:
        wanted |= Q(unit_id=document.lead_unit_id)

    def shape(qs: Any, kind: str, pk: Any, name: Any, username: Any, role: Any, unit: Any, agency: Any) -> Any:
        return (
            qs.order_by()
            .annotate(
                c_kind=Value(kind, output_field=CharField()),
                c_pk=pk,
                c_name=name,
                c_user=username,
                c_role=role,
                c_unit=unit,
                c_agency=agency,
            )
            .values_list("c_kind", "c_pk", "c_name", "c_user", "c_role", "c_unit", "c_agency")
        )

    no_text = Value("", output_field=CharField())
    parts = []
    if want_units:
        units = Unit.objects.valid_on(day).filter(agency_id=document.agency_id)
        parts.append(shape(units, "unit", F("pk"), F("name"), no_text, no_text, F("pk"), F("agency_id")))
    if roles or in_unit:
        people = RoleAssignment.objects.valid_on(day).filter(wanted)
        parts.append(
            shape(
                people,
                "person",
                F("official_id"),
                F("official__full_name"),
                F("official__username"),
                F("role"),
                F("unit_id"),
                F("agency_id"),
            )
        )
    rows = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])

    def chosen(keep: Callable[[tuple[Any, ...]], bool]) -> list[_Choice]:
        found = {row[1]: _Choice(row[1], row[2] or row[3]) for row in rows if row[0] == "person" and keep(row)}
        return sorted(found.values(), key=lambda c: (c.name, c.pk))

    def in_agency(*names: str) -> Callable[[tuple[Any, ...]], bool]:
        return lambda row: row[6] == document.agency_id and row[4] in names

    return _FormChoices(
        units=sorted((_Choice(row[1], row[2]) for row in rows if row[0] == "unit"), key=lambda c: (c.name, c.pk)),
        leaders=chosen(in_agency(Role.LEADER)) if "present" in actions else [],
        people=chosen(in_agency(Role.SPECIALIST, Role.UNIT_LEADER, Role.LEADER)) if "instruct" in actions else [],
        unit_people=chosen(lambda row: row[5] == document.lead_unit_id) if in_unit else [],
    )


@require_GET
@guarded
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    # W2: the page's reads are counted (≤ 10 queries with the session, the user and the
    # navigation; tests/test_page_queries.py): the access check, the "viewed before" flag and
    # the related rows come in one query, the scope in one, each list in one.
    document = access.access_incoming(scope, pk, for_page=True)
    services.mark_viewed(actor=request.user, document=document, seen=document.viewed_by_me)  # type: ignore[arg-type, attr-defined]
    assignments = list(document.assignments.select_related("unit", "official").order_by("-active", "role", "pk"))
    actions = _incoming_actions(scope, document, assignments)
    choices = _form_choices(document, actions)
    attachments = _attachments_for_page(document)
    return render(
        request,
        "documents/incoming_detail.html",
        {
            "document": document,
            "actions": actions,
            "attachments": attachments,
            "events": selectors.timeline(document),
            "assignments": assignments,
            "leaders": choices.leaders,
            "units": choices.units,
            "people": choices.people,
            "unit_people": choices.unit_people,
            "default_days": _rules(scope, document.agency_id).default_handling_days if "instruct" in actions else None,
            "now": timezone.now(),
            "instruct_form": InstructForm(),
            **integration_context(document, request.user, attachments=attachments),
        },
    )


@require_POST
@guarded
def incoming_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = _scope(request)
    document = access.access_incoming(scope, pk)
    actor: Account = request.user  # type: ignore[assignment]
    try:
        if action == "register":
            services.register_received_document(actor=actor, document=document)
        elif action == "reject":
            reason = require_valid(ReasonForm(request.POST)).cleaned_data["reason"]
            exchange_wiring.reject_received(actor=actor, document=document, reason=reason)
        elif action == "present":
            form = PresentForm(request.POST)
            if not form.is_valid():
                raise DomainError("invalid", _("Choose a leader."), fields={"leader": [_("Required.")]})
            leader = Account.objects.filter(pk=form.cleaned_data["leader"]).first()
            if leader is None:
                raise DomainError("invalid", _("Choose a leader."))
            services.present_document(actor=actor, document=document, leader=leader, note=form.cleaned_data["note"])
        elif action == "instruct":
            units = {u.pk: u for u in Unit.objects.filter(agency_id=document.agency_id)}
            instruct = InstructForm(request.POST, units=[(k, v.name) for k, v in units.items()])
            if not instruct.is_valid():
                raise DomainError("invalid", _("The instruction is not complete."), fields=dict(instruct.errors))
            data = instruct.cleaned_data
            lead_handler = Account.objects.filter(pk=data["lead_handler"]).first() if data["lead_handler"] else None
            services.instruct_document(
                actor=actor,
                document=document,
                instruction=data["instruction"],
                lead_unit=units.get(data["lead_unit"]) if data["lead_unit"] else None,
                lead_handler=lead_handler,
                coordinator_units=[units[u] for u in data["coordinator_units"] if u in units],
                coordinators=list(Account.objects.filter(pk__in=data["coordinators"])),
                due_days=data["due_days"],
                due_date=data["due_date"],
            )
        elif action == "pass":
            chosen = read_query(PassForm, request.POST).get("unit")
            unit = Unit.objects.filter(pk=chosen, agency_id=document.agency_id).first() if chosen else None
            if unit is None:
                raise DomainError("invalid", _("Choose a unit."))
            services.pass_to_unit(actor=actor, document=document, unit=unit)
        elif action == "reassign":
            reassign = require_valid(ReassignForm(request.POST), message=_("Choose a person.")).cleaned_data
            official = Account.objects.filter(pk=reassign["official"]).first()
            if official is None:
                raise DomainError("invalid", _("Choose a person."))
            services.reassign_in_unit(
                actor=actor, document=document, official=official, due_date=reassign["due_date"], note=reassign["note"]
            )
        elif action in ("progress", "comment"):
            text_form = TextForm(request.POST)
            if not text_form.is_valid():
                raise DomainError("invalid", _("Write something first."), fields=dict(text_form.errors))
            if action == "progress":
                services.record_progress(actor=actor, document=document, text=text_form.cleaned_data["text"])
            else:
                services.add_comment(actor=actor, document=document, text=text_form.cleaned_data["text"])
        elif action == "file":
            upload = request.FILES.get("file")
            if upload is None:
                raise DomainError("invalid", _("Choose a file."))
            services.add_work_file(actor=actor, document=document, upload=upload)
        elif action == "extension":
            ext = ExtensionForm(request.POST)
            if not ext.is_valid():
                raise DomainError("invalid", _("Give the new deadline and the reason."), fields=dict(ext.errors))
            services.request_extension(actor=actor, document=document, until=ext.cleaned_data["until"], reason=ext.cleaned_data["reason"])
        elif action == "decide_extension":
            decision = require_valid(DecisionForm(request.POST)).cleaned_data
            services.decide_extension(actor=actor, document=document, grant=decision["grant"], note=decision["note"])
        elif action == "complete":
            complete = CompleteForm(request.POST, request.FILES)
            if not complete.is_valid():
                raise DomainError("invalid", _("The form is not valid."), fields=dict(complete.errors))
            services.complete_document(
                actor=actor,
                document=document,
                summary=complete.cleaned_data["summary"],
                reply_draft=complete.cleaned_data.get("reply_draft"),
                reply_subject=complete.cleaned_data["reply_subject"],
            )
        else:
            raise DomainError("not_found", _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:incoming_detail", pk=document.pk)
    messages.success(request, _("Done."))
    return redirect("documents:incoming_detail", pk=document.pk)


# --- Outgoing ------------------------------------------------------------------------------------
@require_GET
@guarded
def outgoing_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    names = selectors.outgoing_lists_for(scope)
    values = read_query(OutgoingListQuery, request.GET)
    name = values.get("list") or names[0]
    if name not in names:
        name = names[0]
    qs, ordering = selectors.outgoing_list(scope, name, values.get("status") or "")
    page = selectors.paginate(qs.select_related("drafter", "drafting_unit", "agency"), ordering, values.get("cursor") or None)
    query = request.GET.copy()
    query.pop("cursor", None)
    rows = [(d, services.issue_deadline(d) if d.status == OutgoingStatus.APPROVED else None) for d in page.rows]
    return render(
        request,
        "documents/outgoing_list.html",
        {
            "lists": [(n, LIST_TITLES[n]) for n in names],
            "current": name,
            "title": LIST_TITLES[name],
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@guarded
def new_draft(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    agency_ids = scope.agency_ids
    access.require(bool(agency_ids))
    agency_id = read_query(AgencyQuery, request.POST).get("agency") or read_query(AgencyQuery, request.GET).get("agency") or agency_ids[0]
    access.require(agency_id in agency_ids)
    agency = Agency.objects.get(pk=agency_id)
    choices = list(Agency.objects.filter(valid_to__isnull=True).exclude(pk=agency.pk).order_by("name").values_list("pk", "name")[:500])
    form = DraftForm(request.POST or None, request.FILES or None, agencies=choices)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.create_draft(
                actor=request.user,  # type: ignore[arg-type]
                agency=agency,
                document_type=data["document_type"],
                subject=data["subject"],
                draft=data["draft"],
                internal_recipients=list(Agency.objects.filter(pk__in=data["internal_recipients"])),
                external_recipients=form.external(),
                urgency=data["urgency"] or "",
                secrecy=data["secrecy"] or "",
            )
            if read_query(NextStepForm, request.POST).get("submit"):
                services.submit_draft(actor=request.user, document=document)  # type: ignore[arg-type]
        except DomainError as exc:
            error = exc
            for field, problems in exc.fields.items():
                if field in form.fields:
                    for problem in problems:
                        form.add_error(field, str(problem))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("documents:outgoing_detail", pk=document.pk)
    return render(request, "documents/outgoing_form.html", {"form": form, "error": error, "agency": agency})


def _outgoing_actions(scope: Scope, document: OutgoingDocument) -> set[str]:
    actions: set[str] = {"comment"}
    s = document.status
    me = scope.official.pk
    if document.frozen:
        return actions
    if s == OutgoingStatus.DRAFT and document.drafter_id == me:
        actions |= {"submit", "version"}
    if s == OutgoingStatus.IN_REVIEW and access.is_unit_leader_of(scope, document.drafting_unit_id):
        actions |= {"review", "version"}
    if s in (OutgoingStatus.TO_APPROVE, OutgoingStatus.IN_REVIEW) and access.is_leader(scope, document.agency_id):
        actions |= {"approve", "version"}
    if s == OutgoingStatus.APPROVED and access.is_clerk(scope, document.agency_id):
        actions.add("issue")
    if s == OutgoingStatus.ISSUED and (access.is_clerk(scope, document.agency_id) or access.is_leader(scope, document.agency_id)):
        actions |= {"recall", "replace"}
    return actions


@require_GET
@guarded
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    document = access.access_outgoing(scope, pk)
    services.mark_viewed(actor=request.user, document=document)  # type: ignore[arg-type]
    attachments = _attachments_for_page(document, ("-version", "-pk"))
    in_model_order = sorted(attachments, key=lambda a: (a.kind, a.version, a.pk))  # Attachment.Meta.ordering
    return render(
        request,
        "documents/outgoing_detail.html",
        {
            "document": document,
            "actions": _outgoing_actions(scope, document),
            "attachments": attachments,
            "recipients": list(document.recipients.all()),
            "events": selectors.timeline(document),
            "issue_deadline": services.issue_deadline(document),
            "deliveries": list(document.deliveries.select_related("agency")),
            **integration_context(document, request.user, attachments=in_model_order),
        },
    )


@require_POST
@guarded
def outgoing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = _scope(request)
    document = access.access_outgoing(scope, pk)
    actor: Account = request.user  # type: ignore[assignment]
    comment = ReviewForm(request.POST)
    comment.is_valid()
    text = comment.cleaned_data.get("comment", "") or ""
    decision = read_query(DecisionForm, request.POST)
    try:
        if action == "submit":
            services.submit_draft(actor=actor, document=document)
        elif action == "version":
            form = VersionForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError("invalid", _("Choose a file."), fields=dict(form.errors))
            services.add_version(actor=actor, document=document, draft=form.cleaned_data["draft"], comment=form.cleaned_data["comment"])
        elif action == "review":
            services.review_draft(actor=actor, document=document, accept=bool(decision.get("accept")), comment=text)
        elif action == "approve":
            with signing_secret(decision.get("signing_secret") or ""):  # the key's password or PIN: used once, never stored
                services.approve_document(actor=actor, document=document, accept=bool(decision.get("accept")), comment=text)
        elif action == "issue":
            with signing_secret(decision.get("signing_secret") or ""):
                services.issue_document(actor=actor, document=document)
        elif action == "recall":
            services.recall_document(actor=actor, document=document, reason=require_valid(ReasonForm(request.POST)).cleaned_data["reason"])
        elif action == "comment":
            form_text = TextForm(request.POST)
            if not form_text.is_valid():
                raise DomainError("invalid", _("Write something first."))
            services.add_comment(actor=actor, document=document, text=form_text.cleaned_data["text"])
        else:
            raise DomainError("not_found", _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:outgoing_detail", pk=document.pk)
    messages.success(request, _("Done."))
    return redirect("documents:outgoing_detail", pk=document.pk)


# --- Files, registers, notifications --------------------------------------------------------------
@require_GET
@guarded
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A stored file: a download, or inline only for a PDF (sandboxed, never run: core.uploads.file_response)."""
    item = access.access_attachment(_scope(request), pk)
    return uploads.file_response(
        item.file.open("rb"),
        filename=item.name,
        content_type=item.content_type,
        inline=not read_query(AttachmentQuery, request.GET).get("download"),
    )


@require_GET
@guarded
def registers(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    for agency_id in scope.agencies_with(Role.CLERK, Role.LEADER):
        services.ensure_registers(Agency.objects.get(pk=agency_id))
    today = timezone.localdate()
    return render(
        request,
        "documents/registers.html",
        {"registers": list(access.visible_registers(scope)), "year_start": today.replace(month=1, day=1), "today": today},
    )


@require_GET
@guarded
def register_print(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    register = access.access_register(_scope(request), pk)
    if kind not in exports.KINDS or fmt not in ("pdf", "xlsx"):
        raise DomainError("not_found", _("Unknown print."))
    period = require_valid(RegisterPrintQuery(request.GET), code="documents.period_invalid", message=_("Give the period as dd/mm/yyyy."))
    sheet = exports.build_sheet(
        register=register,
        kind=kind,
        date_from=period.cleaned_data["from"],
        date_to=period.cleaned_data["to"],
        volume=period.cleaned_data["volume"] or 1,
    )
    filename = f"so-{kind}-{register.pk}-{sheet.date_from:%Y%m%d}-{sheet.date_to:%Y%m%d}.{fmt}"
    if fmt == "pdf":
        body, content_type = exports.render_pdf(sheet), "application/pdf"
    else:
        body, content_type = exports.render_xlsx(sheet), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@guarded
def notifications(request: HttpRequest) -> HttpResponse:
    _scope(request)
    mine = Notification.objects.filter(recipient_id=request.user.pk)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("documents:notifications")
    return render(request, "documents/notifications.html", {"notifications": list(mine.order_by("-created_at", "-pk")[:100])})
