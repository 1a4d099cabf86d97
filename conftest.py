"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from chinhquyen.core.testing.personas import Cast, make_cast


@pytest.fixture
def cast(db: None) -> Cast:
    """The shared personas (STYLE.md): clerk/leader/specialist of A, clerk of B, counter officer, citizen."""
    return make_cast()
