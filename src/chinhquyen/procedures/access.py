"""Who may read and import the catalogue: every official reads it; province administrators import it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chinhquyen.core.errors import NotFound, PermissionDenied
from chinhquyen.core.models import JobProgress
from chinhquyen.organizations.access import require_province_admin
from chinhquyen.organizations.models import Account, AccountKind
from chinhquyen.procedures.models import Procedure
from chinhquyen.procedures.selectors import procedure_by_code
from chinhquyen.procedures.tasks import IMPORT_KIND


def require_official(actor: Account) -> None:
    if not actor.is_authenticated or actor.kind != AccountKind.OFFICIAL:
        raise PermissionDenied("permission_denied", _("This page is for officials."))


def access_procedure_for_official(*, official: Account, code: str) -> Procedure:
    require_official(official)
    procedure = procedure_by_code(code)
    if procedure is None:
        raise NotFound("procedure.unknown", _("There is no procedure with the code %(code)s.") % {"code": code})
    return procedure


def access_import_job_for_official(*, official: Account, job_id: int) -> JobProgress:
    require_province_admin(official)
    job = JobProgress.objects.filter(pk=job_id, kind=IMPORT_KIND).first()
    if job is None:
        raise NotFound("not_found", _("This import does not exist."))
    if job.created_by_id != official.pk and not official.is_superuser:
        raise PermissionDenied("permission_denied", _("This import was started by someone else."))
    return job
