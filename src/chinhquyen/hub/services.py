"""The hub's operations (the national axis's, §1.11): accept a message, list a mailbox, hand one
over, take an acknowledgement, report what was sent, keep the directory, forget old bodies.

Every change runs in one transaction with its evidence entry. `accept` is idempotent on
(connector, package id): the same package sent again answers with the first deliveries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from chinhquyen.core.errors import DomainError, NotFound, PermissionDenied
from chinhquyen.core.rows import insert_ignoring, insert_row, table
from chinhquyen.hub import evidence, routing
from chinhquyen.hub.models import Blob, Connector, Delivery, DeliveryState, HubAgency, Message, MessageBlob

STATUS_RANK = {"01": 1, "02": 2, "03": 2, "04": 3, "05": 4, "06": 5}


@dataclass(frozen=True)
class Accepted:
    message: Message
    deliveries: list[Delivery]
    duplicate: bool


def _existing(connector: Connector, package_id: str, sha256: str) -> Accepted | None:
    message = Message.objects.filter(sender=connector, package_id=package_id).first()
    if message is None:
        return None
    if message.sha256 != sha256:
        raise DomainError("hub.package_id_reused", "This package id was already used for different content.")
    return Accepted(message, list(message.deliveries.order_by("id")), True)


class _Directory:
    """The directory as one request sees it: each agency code looked up once (a batch of messages
    from one sender to one recipient asks the same two questions a hundred times). Read in the
    request's transaction, like the look-ups it replaces."""

    def __init__(self, *, stored: set[str] | None = None) -> None:
        self._connector_of: dict[str, int | None] = {}
        self._routable: dict[str, bool] = {}
        self._stored = stored

    def may_exist(self, package_id: str) -> bool:
        """Whether the sender may have sent `package_id` before (unknown: yes). A batch reads the
        ids it carries in one query first; one stored meanwhile by another request still makes
        its insert fail on the unique constraint, which `_accept` answers as a duplicate."""
        return self._stored is None or package_id in self._stored

    def connector_of(self, code: str) -> int | None:
        """The connector of the active agency `code` (None: no such active agency)."""
        if code not in self._connector_of:
            agency = HubAgency.objects.filter(code=code, active=True).values_list("connector_id", flat=True).first()
            self._connector_of[code] = agency
        return self._connector_of[code]

    def unroutable(self, codes: list[str]) -> list[str]:
        """The codes no active agency with a connector answers to, in order."""
        missing = [code for code in codes if code not in self._routable]
        if missing:
            known = set(HubAgency.objects.filter(code__in=missing, active=True, connector__isnull=False).values_list("code", flat=True))
            self._routable.update((code, code in known) for code in missing)
        return [code for code in codes if not self._routable[code]]


def accept(*, connector: Connector, package_id: str, message_type: str, data: bytes, to_codes: list[str] | None = None) -> Accepted:
    """Store a message and put it in each recipient's mailbox.

    Recipients are read from the message (`To` of a package; `ResponseFor/OrganId` of a status,
    i.e. the sender of the original document). `to_codes` (header `X-Hub-To`) narrows a package
    to some of its `To`, and addresses a status the other way round: a recall request (13) goes
    from the document's sender to its recipients.
    """
    with transaction.atomic():
        events: list[dict[str, str]] = []
        accepted = _accept(
            connector=connector,
            package_id=package_id,
            message_type=message_type,
            data=data,
            to_codes=to_codes,
            directory=_Directory(),
            events=events,
        )
        evidence.append_many(events)
    return accepted


def _accept(
    *,
    connector: Connector,
    package_id: str,
    message_type: str,
    data: bytes,
    to_codes: list[str] | None,
    directory: _Directory,
    events: list[dict[str, str]],
) -> Accepted:
    """`accept`, its evidence entries added to `events` (the caller appends them in the same
    transaction, after the message's own savepoint: an entry only for what was stored)."""
    if not package_id or len(package_id) > 64:
        raise DomainError("hub.package_id_required", "X-Hub-Package-Id is required (at most 64 characters).")
    sha256 = hashlib.sha256(data).hexdigest()
    found = _existing(connector, package_id, sha256) if directory.may_exist(package_id) else None
    if found is not None:
        return found
    if len(data) > settings.HUB_MAX_PACKAGE_BYTES:
        skeleton, payloads = data, list[routing.Payload]()  # refused by read_route, unsplit
    else:
        skeleton, payloads = routing.split_payloads(data)
    # The routing is read from the skeleton (kilobytes) rather than the whole message when the
    # attachments' text taken out of it is plain base64 (the same well-formedness either way).
    route = routing.read_route(
        data,
        max_bytes=settings.HUB_MAX_PACKAGE_BYTES,
        skeleton=skeleton if payloads and routing.plain_base64([p.data for p in payloads]) else None,
    )
    if to_codes:
        if route.message_type == "edoc" and not set(to_codes) <= set(route.to_codes):
            raise routing.InvalidMessage("hub.recipient_not_in_package", "X-Hub-To names an agency the package is not addressed to.")
        route = routing.Route(route.message_type, route.from_code, list(dict.fromkeys(to_codes)), route.document_id, route.status_code)
    if message_type and message_type != route.message_type:
        raise routing.InvalidMessage("hub.wrong_message_type", f"The message is a {route.message_type}, not a {message_type}.")
    if directory.connector_of(route.from_code) != connector.pk:
        raise PermissionDenied("hub.not_your_agency", f"{route.from_code} is not an agency of connector {connector.name}.")
    unknown = directory.unroutable(route.to_codes)
    if unknown:
        raise DomainError("hub.unknown_recipient", f"No connector receives mail for {', '.join(unknown)}.", fields={"to": unknown})
    try:
        # Plain INSERTs (`core.rows`): every message passes here (W5); no receiver listens to
        # these models' signals.
        with transaction.atomic():
            message = Message(
                package_id=package_id,
                sender=connector,
                message_type=route.message_type,
                from_code=route.from_code,
                document_id=route.document_id[:255],
                status_code=route.status_code,
                skeleton=skeleton,
                sha256=sha256,
                size=len(data),
            )
            insert_row(message)
            for position, payload in enumerate(payloads):
                # Stored once by hash (`split_payloads` hashed it): kept as it is when already here.
                insert_ignoring(Blob(sha256=payload.sha256, size=len(payload.data), data=payload.data), ["sha256"])
                insert_row(MessageBlob(message=message, blob_id=payload.sha256, position=position))
            deliveries = [insert_row(Delivery(message=message, to_code=code)) for code in route.to_codes]
            if route.status_code and route.status_code in STATUS_RANK | {"15": 0, "16": 0}:
                _relay_status(route)
    except IntegrityError:
        found = _existing(connector, package_id, sha256)
        if found is None:
            raise
        return found
    events.extend(
        {
            "event": "accepted",
            "connector": connector.name,
            "package_id": package_id,
            "doc_id": str(delivery.doc_id),
            "message_type": route.message_type,
            "from_code": route.from_code,
            "to_code": delivery.to_code,
            "document_id": route.document_id,
            "status_code": route.status_code,
            "sha256": sha256,
        }
        for delivery in deliveries
    )
    return Accepted(message, deliveries, False)


def _relay_status(route: routing.Route) -> None:
    """Note on the original deliveries what their recipient says (for `list_sent`).

    Plain statements, each on its own index (every status message passes here, W5): the
    documents by DocumentId, their deliveries by message, then one UPDATE by key. Asked as one
    query with the agency codes in it, SQLite (no statistics) walked every delivery to the
    recipient instead — a cost growing with the hub's history. Only forward: the condition is in
    the UPDATE itself, so that a concurrent relay for the same delivery is waited for and the
    condition checked again on what it wrote (PostgreSQL)."""
    if not route.to_codes:
        return
    delivery, message = table(Delivery), table(Message)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, from_code FROM {message} WHERE document_id = %s AND message_type = 'edoc'", [route.document_id])  # noqa: S608 - names from the models
        messages = [pk for pk, from_code in cursor.fetchall() if from_code in route.to_codes]
        if not messages:
            return
        cursor.execute(f"SELECT id, to_code FROM {delivery} WHERE message_id IN ({', '.join(['%s'] * len(messages))})", messages)  # noqa: S608
        originals = [pk for pk, to_code in cursor.fetchall() if to_code == route.from_code]
        if not originals:
            return
        sql = f"UPDATE {delivery} SET business_status = %s WHERE id IN ({', '.join(['%s'] * len(originals))})"  # noqa: S608
        params: list[str | int] = [route.status_code, *originals]
        if route.status_code not in {"15", "16"}:
            rank = STATUS_RANK[route.status_code]
            higher = [code for code, other in STATUS_RANK.items() if other >= rank]
            sql += f" AND business_status NOT IN ({', '.join(['%s'] * len(higher))})"
            params += higher
        cursor.execute(sql, params)


def agency_codes(connector: Connector) -> QuerySet[HubAgency]:
    return HubAgency.objects.filter(connector=connector)


def mailbox(*, connector: Connector, message_type: str | None = None, limit: int = 100) -> list[Delivery]:
    deliveries = Delivery.objects.filter(to_code__in=agency_codes(connector).values("code"), state=DeliveryState.PENDING)
    if message_type:
        deliveries = deliveries.filter(message__message_type=message_type)
    return list(deliveries.select_related("message").order_by("id")[: max(1, min(limit, 500))])


def _doc_key(doc_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(doc_id)
    except ValueError:
        return None


def _own_deliveries(connector: Connector) -> QuerySet[Delivery]:
    """The deliveries in the connector's mailboxes (every fetch and acknowledgement goes through here)."""
    return Delivery.objects.select_related("message").filter(to_code__in=agency_codes(connector).values("code"))


def _own_delivery(connector: Connector, doc_id: str, *, lock: bool = False) -> Delivery:
    key = _doc_key(doc_id)
    if key is None:
        raise NotFound("hub.not_found", "No such message in your mailbox.")
    found = _own_deliveries(connector).filter(doc_id=key)
    if lock:
        found = found.select_for_update(of=("self",))
    delivery = found.first()
    if delivery is None:
        raise NotFound("hub.not_found", "No such message in your mailbox.")
    return delivery


def content(*, connector: Connector, doc_id: str) -> bytes:
    delivery = _own_delivery(connector, doc_id)
    message = delivery.message
    if message.skeleton is None:
        raise DomainError("hub.purged", "This message was delivered and its content removed after the retention period.")
    blobs = {ref.blob.sha256: bytes(ref.blob.data) for ref in message.blob_refs.select_related("blob")}
    return routing.join_payloads(bytes(message.skeleton), blobs)


#: At most this many bytes of messages in one `received/batch/` answer (at least one message);
#: the others wait for the next call.
LIST_CONTENT_BUDGET = 8 * 1024 * 1024


def mailbox_contents(deliveries: list[Delivery], *, budget: int | None = None) -> dict[int, bytes]:
    """The bytes of the first listed messages, by delivery id, up to `budget` bytes in all (one
    query whatever their number). Purged messages are left out (fetching them says why)."""
    budget = LIST_CONTENT_BUDGET if budget is None else budget
    chosen: list[Delivery] = []
    total = 0
    for delivery in deliveries:
        message = delivery.message
        if message.skeleton is None or (chosen and total + message.size > budget):
            break
        chosen.append(delivery)
        total += message.size
    if not chosen:
        return {}
    refs: dict[int, list[MessageBlob]] = {}
    message_ids = {d.message_id for d in chosen}
    for ref in MessageBlob.objects.filter(message_id__in=message_ids).select_related("blob").order_by("message_id", "position"):
        refs.setdefault(ref.message_id, []).append(ref)
    return {
        d.pk: routing.join_payloads(
            bytes(d.message.skeleton or b""), {r.blob.sha256: bytes(r.blob.data) for r in refs.get(d.message_id, [])}
        )
        for d in chosen
    }


@dataclass(frozen=True)
class BatchItem:
    """One message of `accept_batch`: what `POST send/` takes in its headers and body."""

    package_id: str
    message_type: str
    data: bytes
    to_codes: list[str] | None = None


def accept_batch(*, connector: Connector, items: list[BatchItem]) -> list[Accepted | DomainError]:
    """`accept` for several messages in one transaction (one commit): each is accepted or refused
    on its own (a savepoint each), as if sent one by one, in order. The evidence entries of the
    accepted ones are appended together at the end, in the same transaction and order."""
    results: list[Accepted | DomainError] = []
    events: list[dict[str, str]] = []
    with transaction.atomic():
        ids = [item.package_id for item in items]
        directory = _Directory(
            stored=set(Message.objects.filter(sender=connector, package_id__in=ids).values_list("package_id", flat=True))
        )
        for item in items:
            mine: list[dict[str, str]] = []
            try:
                with transaction.atomic():
                    results.append(
                        _accept(
                            connector=connector,
                            package_id=item.package_id,
                            message_type=item.message_type,
                            data=item.data,
                            to_codes=item.to_codes,
                            directory=directory,
                            events=mine,
                        )
                    )
            except DomainError as exc:
                results.append(exc)
            else:
                events.extend(mine)
        evidence.append_many(events)
    return results


def acknowledge_batch(*, connector: Connector, acks: list[tuple[str, bool, str]]) -> list[Delivery | DomainError]:
    """`acknowledge` for several (doc_id, ok, reason) in one transaction, each on its own: the
    deliveries are read (and locked) in one query, the changed ones written and their evidence
    appended together, in the order given."""
    with transaction.atomic():
        keys: dict[str, uuid.UUID | None] = {doc_id: _doc_key(doc_id) for doc_id, _ok, _reason in acks}
        wanted = {key for key in keys.values() if key is not None}
        found = _own_deliveries(connector).filter(doc_id__in=wanted).select_for_update(of=("self",)) if wanted else []
        by_key = {delivery.doc_id: delivery for delivery in found}
        results: list[Delivery | DomainError] = []
        changed: list[Delivery] = []
        events: list[dict[str, str]] = []
        now = timezone.now()
        for doc_id, ok, reason in acks:
            key = keys[doc_id]
            delivery = by_key.get(key) if key is not None else None
            if delivery is None:
                results.append(NotFound("hub.not_found", "No such message in your mailbox."))
                continue
            results.append(delivery)
            if delivery.state != DeliveryState.PENDING:
                continue  # acknowledged before (or earlier in this batch): the first answer stands
            _acknowledged(delivery, ok=ok, reason=reason, now=now)
            changed.append(delivery)
            events.append(_ack_event(connector, delivery, ok=ok, reason=reason))
        # One UPDATE per distinct answer (usually one: done, no reason); bulk_update's CASE per row
        # and field cost more than the per-row saves it would replace.
        answers: dict[tuple[str, str], list[int]] = {}
        for delivery in changed:
            answers.setdefault((delivery.state, delivery.reason), []).append(delivery.pk)
        for (state, reason), ids in answers.items():
            Delivery.objects.filter(pk__in=ids).update(state=state, reason=reason, acked_at=now)
        evidence.append_many(events)
    return results


def _acknowledged(delivery: Delivery, *, ok: bool, reason: str, now: dt.datetime) -> None:
    delivery.state = DeliveryState.DONE if ok else DeliveryState.FAIL
    delivery.reason = reason[:500]
    delivery.acked_at = now


def _ack_event(connector: Connector, delivery: Delivery, *, ok: bool, reason: str) -> dict[str, str]:
    message = delivery.message
    return {
        "event": "delivered" if ok else "failed",
        "connector": connector.name,
        "package_id": message.package_id,
        "doc_id": str(delivery.doc_id),
        "message_type": message.message_type,
        "from_code": message.from_code,
        "to_code": delivery.to_code,
        "document_id": message.document_id,
        "status_code": message.status_code,
        "sha256": message.sha256,
        "detail": reason[:500],
    }


def acknowledge(*, connector: Connector, doc_id: str, ok: bool, reason: str = "") -> Delivery:
    with transaction.atomic():
        delivery = _own_delivery(connector, doc_id, lock=True)
        if delivery.state != DeliveryState.PENDING:
            return delivery
        _acknowledged(delivery, ok=ok, reason=reason, now=timezone.now())
        delivery.save(update_fields=["state", "reason", "acked_at"])
        evidence.append_many([_ack_event(connector, delivery, ok=ok, reason=reason)])
    return delivery


def sent(*, connector: Connector, message_type: str | None = None, limit: int = 100, before: int | None = None) -> list[Delivery]:
    deliveries = Delivery.objects.filter(message__sender=connector)
    if message_type:
        deliveries = deliveries.filter(message__message_type=message_type)
    if before:
        deliveries = deliveries.filter(id__lt=before)
    return list(deliveries.select_related("message").order_by("-id")[: max(1, min(limit, 500))])


@dataclass(frozen=True)
class AgencyInput:
    code: str
    name: str
    parent_code: str = ""
    connector: str = ""


def upsert_agencies(*, agencies: Iterable[AgencyInput], by: Connector | None = None) -> dict[str, int]:
    if by is not None and not by.can_manage_directory:
        raise PermissionDenied("hub.directory_forbidden", f"Connector {by.name} may not change the directory.")
    created = updated = 0
    connectors = {c.name: c for c in Connector.objects.all()}
    with transaction.atomic():
        for item in agencies:
            if not item.code or len(item.code) > 35:
                raise DomainError("hub.bad_agency", f"Bad agency code {item.code!r}.")
            if item.connector and item.connector not in connectors:
                raise DomainError("hub.unknown_connector", f"No connector named {item.connector}.")
            _agency, was_created = HubAgency.objects.update_or_create(
                code=item.code,
                defaults={
                    "name": item.name[:255],
                    "parent_code": item.parent_code[:35],
                    "connector": connectors.get(item.connector),
                    "active": True,
                },
            )
            created += was_created
            updated += not was_created
        evidence.append(event="directory", connector=by.name if by else "(local)", detail=f"{created} created, {updated} updated")
    return {"created": created, "updated": updated}


def purge(*, older_than_days: int | None = None, now: dt.datetime | None = None) -> int:
    """Forget the content of messages every recipient acknowledged more than N days ago (the
    metadata and the evidence stay); blobs no other message uses go with them."""
    days = settings.HUB_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    candidates = Message.objects.filter(purged_at__isnull=True, created_at__lt=cutoff).exclude(deliveries__state=DeliveryState.PENDING)
    purged = 0
    for message in candidates.iterator(chunk_size=200):
        with transaction.atomic():
            message.skeleton = None
            message.purged_at = timezone.now()
            message.save(update_fields=["skeleton", "purged_at"])
            message.blob_refs.all().delete()
            evidence.append(
                event="purged",
                connector=message.sender.name,
                package_id=message.package_id,
                document_id=message.document_id,
                sha256=message.sha256,
            )
            purged += 1
    Blob.objects.filter(refs__isnull=True).delete()
    return purged


def create_connector(*, name: str, secret: str, can_manage_directory: bool = False) -> Connector:
    connector, _created = Connector.objects.update_or_create(
        name=name, defaults={"secret": secret, "can_manage_directory": can_manage_directory, "active": True}
    )
    return connector
