"""One door (ADR 0033): only `organizations.authentication` opens a session, checks a password or
issues a token; every other module goes through it."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "chinhquyen"
THE_DOOR = SRC / "organizations" / "authentication.py"
#: Names that open a session, check a password or make a token, and where they may be used.
GUARDED = {"login", "authenticate", "check_password", "force_login"}


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"django.contrib.auth", "django_otp"}:
            found += [f"imports {node.module}.{a.name}" for a in node.names if a.name in GUARDED]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check_password":
            found.append("calls check_password")
        elif isinstance(node, ast.Attribute) and node.attr == "objects" and getattr(node.value, "id", "") in {"AuthToken", "Token"}:
            found.append(f"uses {node.value.id}.objects")  # type: ignore[attr-defined]
    return found


def test_no_module_but_the_authentication_service_logs_anyone_in():
    offences = {}
    for path in SRC.rglob("*.py"):
        if path == THE_DOOR or "tests" in path.parts or "migrations" in path.parts or path.name in {"testing.py", "demo.py"}:
            continue
        if found := _offences(path):
            offences[str(path.relative_to(SRC))] = found
    assert not offences, f"only organizations/authentication.py may open sessions, check passwords or make tokens: {offences}"
