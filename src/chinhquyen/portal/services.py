"""Every write of the portal's own data: the files of an application draft, and its submission.

Files pass the one upload policy (`core.uploads.PORTAL`, ADR 0036) here, never in the views:
content parsed, size limit, virus scanner, and a per-applicant quota over the files kept in
unsubmitted drafts. A replaced file is deleted from disk once the new one is committed; the
draft's files are deleted once the dossier holds its own copies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction

from chinhquyen.core import uploads
from chinhquyen.core.audit import record_event
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.organizations.models import Account, Agency
from chinhquyen.portal.models import Draft, DraftFile


def attach_draft_file(*, applicant: Account, draft: Draft, component_id: int, upload: Any, field: str = "file") -> DraftFile:
    """Keep `upload` as the draft's file for one component, replacing (and deleting) the one before.

    Raises `upload.*` (type, content, size, scanner) and `upload.quota` when the applicant's
    unsubmitted drafts would hold more than PORTAL_UPLOAD_QUOTA_BYTES.
    """
    checked = uploads.check_upload(upload, intake=uploads.PORTAL, field=field)
    with uploads.removed_on_failure(), transaction.atomic():
        # The applicant's kept files, locked (two uploads at once cannot both pass the quota); summed
        # here, as PostgreSQL refuses FOR UPDATE with an aggregate.
        kept = DraftFile.objects.select_for_update(of=("self",)).filter(draft__account=applicant, draft__submitted_code="")
        used = sum(kept.exclude(draft=draft, component_id=component_id).values_list("size", flat=True))
        uploads.check_quota(used=used, adding=checked.size, limit=settings.PORTAL_UPLOAD_QUOTA_BYTES, field=field)
        for old in DraftFile.objects.filter(draft=draft, component_id=component_id):
            uploads.delete_on_commit(old.file)
            old.delete()
        row = DraftFile(draft=draft, component_id=component_id, name=checked.name, size=checked.size)
        uploads.save_file(row.file, checked)
        row.save()
        record_event(
            action="portal.draft_file_added",
            actor=applicant,
            object_type="portal.Draft",
            object_id=draft.pk,
            summary={"component": component_id, "name": checked.name, "sha256": checked.sha256, "size": checked.size},
        )
    return row


def submit_draft(
    *, applicant: Account, draft: Draft, agency: Agency, data: dict[str, Any], component_ids: list[int]
) -> dossier_services.IntakeResult:
    """Submit the draft as an online dossier; the draft's files are deleted once the dossier's copies are committed."""
    files = list(DraftFile.objects.filter(draft=draft, component_id__in=component_ids))
    opened = [(row, row.file.open("rb")) for row in files]
    try:
        with uploads.removed_on_failure(), transaction.atomic():
            result = dossier_services.submit_online_dossier(
                procedure_code=draft.procedure.code,
                applicant=dossier_services.ApplicantData(
                    name=data["name"], id_number=data["id_number"], phone=data["phone"], email=data["email"], address=data["address"]
                ),
                components=[
                    dossier_services.ComponentData(row.component_id, 0, 0, File(handle, name=row.name), row.name) for row, handle in opened
                ],
                receiving_agency=agency,
                applicant_account=applicant,
            )
            draft.submitted_code = result.dossier.code
            draft.save(update_fields=["submitted_code"])
            for row in DraftFile.objects.filter(draft=draft):
                uploads.delete_on_commit(row.file)
                row.delete()
    finally:
        for _row, handle in opened:
            handle.close()
    return result
