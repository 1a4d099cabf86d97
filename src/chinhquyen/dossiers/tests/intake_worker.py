"""A separate process receiving dossiers, for the concurrency test (not collected by pytest).

    DATABASE_URL=… python -m chinhquyen.dossiers.tests.intake_worker '{"count": 8, "officer": 1, ...}'

Waits until `start_at` (epoch seconds) so every process starts together, then receives `count`
dossiers one after the other and prints their codes as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    job = json.loads(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
    import django

    django.setup()
    from chinhquyen.dossiers.services import ApplicantData, ComponentData, receive_dossier
    from chinhquyen.organizations.models import Account, Agency

    officer = Account.objects.get(pk=job["officer"])
    agency = Agency.objects.get(pk=job["agency"])
    components = [ComponentData(c, 1, 0) for c in job["components"]]
    applicant = ApplicantData(name="Nguyễn Văn An", id_number="017090001234")
    while time.time() < job["start_at"]:
        time.sleep(0.01)
    codes = []
    for _ in range(job["count"]):
        result = receive_dossier(
            officer=officer, procedure_code=job["procedure"], applicant=applicant, components=components, receiving_agency=agency
        )
        codes.append(result.dossier.code)
    print(json.dumps(codes))


if __name__ == "__main__":
    main()
