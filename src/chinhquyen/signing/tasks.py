"""Background work of signing: re-validate stored reports when trust anchors or revocation data change."""

from __future__ import annotations

from django_tasks import task


@task()
def revalidate_reports() -> int:
    """Re-validate the reports made under other anchors/CRLs (services.revalidate_outdated); queued by
    `add_trust_anchor` and `import_crl` in their transaction."""
    from chinhquyen.signing.services import revalidate_outdated

    return revalidate_outdated()
