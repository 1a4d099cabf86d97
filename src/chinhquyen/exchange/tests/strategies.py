"""Hypothesis strategies for edXML values (what the codec must round-trip)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import strategies as st

from chinhquyen.exchange import edxml

_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="\u2028\u2029\x85")


def _canonical(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


text = st.text(_CHARS, max_size=30).map(_canonical)
nonempty_text = text.filter(bool)
vietnamese = st.sampled_from(
    [
        "Sở Nội vụ",
        "Ủy ban nhân dân tỉnh Phú Thọ",
        "Văn phòng",
        "Công văn",
        "Về việc kết nối, liên thông",
        "ĐỒNG Ý",
        "  có khoảng trắng  ".strip(),
    ]
)
some_text = st.one_of(text, vietnamese)
organ_id = st.one_of(
    st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-K][0-9]{2}", fullmatch=True),
    st.from_regex(r"[A-K][0-9]{2}(\.[0-9A-Z]{1,3}){0,3}", fullmatch=True),
)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
timestamps = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0))
code_number = st.from_regex(r"[0-9]{1,5}", fullmatch=True)
code_notation = st.from_regex(r"[A-ZĐ]{1,6}(-[A-ZĐ]{1,6})?", fullmatch=True)

organs = st.builds(
    edxml.Organ,
    organ_id=organ_id,
    organ_name=some_text,
    organization_in_charge=some_text,
    organ_add=some_text,
    email=text,
    telephone=text,
    fax=text,
    website=text,
)
staff = st.builds(edxml.StaffInfo, department=some_text, staff=some_text, mobile=text, email=text)


@st.composite
def response_for(draw: st.DrawFn) -> edxml.ResponseFor:
    organ = draw(organ_id)
    day = draw(dates)
    number, notation = draw(code_number), draw(code_notation)
    return edxml.ResponseFor(
        organ_id=organ, code=f"{number}/{notation}", promulgation_date=day, document_id=edxml.make_document_id(organ, day, number, notation)
    )


@st.composite
def business(draw: st.DrawFn) -> edxml.Business:
    doc_type = draw(st.sampled_from(list(edxml.BusinessType)))
    kwargs: dict = {"doc_type": doc_type, "reason": draw(some_text), "paper": draw(st.booleans()), "staff": draw(staff)}
    if doc_type == edxml.BusinessType.UPDATE:
        kwargs["document_info_changed"] = draw(st.booleans())
        kwargs["receivers_changed"] = draw(st.booleans())
        kwargs["receivers"] = tuple(
            draw(st.lists(st.builds(edxml.Receiver, organ_id=organ_id, receiver_type=st.integers(0, 1)), max_size=3))
        )
    if doc_type == edxml.BusinessType.REPLACE:
        kwargs["replacements"] = tuple(
            draw(
                st.lists(
                    st.builds(
                        edxml.Replacement,
                        document_id=response_for().map(lambda r: r.document_id),
                        organ_ids=st.lists(organ_id, max_size=3).map(tuple),
                    ),
                    max_size=2,
                )
            )
        )
    if doc_type != edxml.BusinessType.NEW:
        kwargs["document_id"] = draw(response_for()).document_id
    return edxml.Business(**kwargs)


@st.composite
def attachments(draw: st.DrawFn) -> tuple[edxml.Attachment, ...]:
    count = draw(st.integers(0, 3))
    return tuple(
        edxml.Attachment(
            content_id=f"cid:{i + 1}",
            name=draw(st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_ ]{0,10}[A-Za-z0-9_])?\.(pdf|docx|txt|xlsx|zip)", fullmatch=True)),
            data=draw(st.binary(max_size=3000)),
            description=draw(some_text),
        )
        for i in range(count)
    )


packages = st.builds(
    edxml.Package,
    sender=organs,
    recipients=st.lists(organs, min_size=1, max_size=3).map(tuple),
    code_number=code_number,
    code_notation=code_notation,
    promulgation_date=dates,
    subject=st.one_of(nonempty_text, vietnamese),
    place=some_text,
    document_type=st.builds(edxml.DocumentType, type=st.integers(0, 99), type_detail=st.integers(0, 9), type_name=some_text),
    content=some_text,
    signer=st.builds(edxml.Signer, competence=some_text, position=some_text, full_name=some_text),
    due_date=st.none() | dates,
    to_places=st.lists(nonempty_text, max_size=3).map(tuple),
    priority=st.integers(0, 3),
    sphere_of_promulgation=some_text,
    typer_notation=text,
    promulgation_amount=st.none() | st.integers(0, 500),
    page_amount=st.none() | st.integers(0, 500),
    appendixes=st.lists(nonempty_text, max_size=2).map(tuple),
    steering_type=st.integers(0, 2),
    response_for=st.lists(response_for(), max_size=2).map(tuple),
    trace_headers=st.lists(st.builds(edxml.TraceHeader, organ_id=organ_id, timestamp=timestamps), max_size=3).map(tuple),
    business=business(),
    attachments=attachments(),
)

statuses = st.builds(
    edxml.StatusMessage,
    sender=organs,
    response_for=response_for(),
    status_code=st.sampled_from(list(edxml.ExchangeStatus)),
    timestamp=timestamps,
    description=some_text,
    staff=staff,
)
