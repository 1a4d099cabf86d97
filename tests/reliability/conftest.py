import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "reliability: two deployments and a hub in their own processes, with kill -9 (tests/reliability)")


def pytest_collection_modifyitems(config, items):
    # Its databases are its own SQLite files: run it once, in the SQLite lane of `make test`.
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        skip = pytest.mark.skip(reason="the reliability run uses its own SQLite databases: it runs in the SQLite lane")
        for item in items:
            if "reliability" in item.keywords:
                item.add_marker(skip)
