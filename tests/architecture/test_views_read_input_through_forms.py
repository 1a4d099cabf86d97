"""Forms and serializers at every input (issue 16, ADR 0041).

No view reads a value of `request.GET`, `request.POST` or `request.query_params` itself: it hands
the QueryDict to a Django form (`core.forms.read_query`, `require_valid`) or a DRF serializer
(`core.api.params.read_params`), whose fields are bounded. This walks the syntax tree of every
`views*.py` and `api/views.py` (and the few API modules named otherwise) and fails on
`request.GET[...]`, `request.GET.get(...)`, `.getlist(...)`, `query_params.get(...)` and the
like, except the places below, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "chinhquyen"
QUERY_DICTS = {"GET", "POST", "query_params", "data"}
READS = {"get", "getlist", "pop", "setdefault", "__getitem__", "items", "values", "keys", "lists", "dict"}

#: (path under src/chinhquyen, function) → why reading the raw value there is safe.
ALLOWED: dict[tuple[str, str], str] = {
    ("organizations/views.py", "_next_url"): "a `next` URL, checked by url_has_allowed_host_and_scheme (owned by the login work)",
    ("portal/views.py", "_safe_next"): "a `next` URL, checked by url_has_allowed_host_and_scheme",
    ("portal/views.py", "oidc_callback"): "the OpenID Connect `state` (compared in constant time) and `code` (sent to the provider); "
    "owned by the identity-linking work of issue 16 (finding 5)",
    ("dossiers/views.py", "counter_view"): "`request.POST.dict()` only echoes what was typed back into the form",
    ("dossiers/api/views.py", "PublicDossierView.get"): "public tracking: owned by the rate-limits work of issue 16 (finding 6)",
    ("dossiers/api/views.py", "DossierListCreateView.post"): "multipart intake: the values go into IntakeSerializer at once",
    ("portal/views.py", "tracking"): "public tracking on the portal: owned by the rate-limits work of issue 16 (finding 6)",
}


def _modules() -> list[Path]:
    found = {*SRC.glob("*/views*.py"), *SRC.glob("*/api/views*.py"), *SRC.glob("*/*_views.py")}
    found |= {SRC / "hub" / "api.py", SRC / "documents" / "search_api.py"}
    return sorted(p for p in found if p.exists() and "/tests/" not in str(p))


def _is_query_dict(node: ast.AST) -> bool:
    """`request.GET`, `self.request.query_params`, `request.data` (a DRF request's body)."""
    if not isinstance(node, ast.Attribute) or node.attr not in QUERY_DICTS:
        return False
    base = node.value
    if isinstance(base, ast.Attribute) and base.attr == "request":
        return True
    return isinstance(base, ast.Name) and base.id in {"request", "req"}


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.stack: list[str] = []
        self.hits: list[tuple[int, str, str]] = []

    def _scoped(self, node: ast.AST, name: str) -> None:
        self.stack.append(name)
        self.generic_visit(node)
        self.stack.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scoped(node, node.name)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scoped(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _hit(self, node: ast.AST, what: str) -> None:
        scope = (
            ".".join(self.stack[-2:]) if len(self.stack) > 1 and self.stack[-2][:1].isupper() else (self.stack[-1] if self.stack else "")
        )
        self.hits.append((node.lineno, scope, what))  # type: ignore[attr-defined]

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_query_dict(node.value) and isinstance(node.ctx, ast.Load):
            self._hit(node, f"{ast.unparse(node)}")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in READS and _is_query_dict(func.value):
            # `request.data` is read by serializers; only a GET/POST/query_params read is a finding
            if not (isinstance(func.value, ast.Attribute) and func.value.attr == "data"):
                self._hit(node, ast.unparse(node)[:80])
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        # An alias (`post = request.POST`, `params = request.query_params`) would hide the reads.
        if _is_query_dict(node.value) and not (isinstance(node.value, ast.Attribute) and node.value.attr == "data"):
            self._hit(node, f"alias {ast.unparse(node)[:80]}")
        self.generic_visit(node)


def _findings() -> list[str]:
    out = []
    for path in _modules():
        finder = _Finder()
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        relative = path.relative_to(SRC).as_posix()
        for line, scope, what in finder.hits:
            if (relative, scope) in ALLOWED:
                continue
            out.append(f"{relative}:{line} in {scope}: {what}")
    return out


def test_the_walk_finds_the_view_modules():
    names = {p.relative_to(SRC).as_posix() for p in _modules()}
    assert {"dossiers/views.py", "dossiers/api/views.py", "documents/views.py", "reports/views.py", "hub/api.py"} <= names


def test_the_check_catches_a_raw_read():
    finder = _Finder()
    finder.visit(
        ast.parse(
            "def v(request):\n"
            "    a = request.GET['agency']\n"
            "    b = request.POST.get('x')\n"
            "    post = request.POST\n"
            "class V:\n"
            "    def get(self, request):\n"
            "        return self.request.query_params.get('parent')\n"
        )
    )
    assert [line for line, _scope, _what in finder.hits] == [2, 3, 4, 7]


def test_no_view_reads_query_or_form_values_without_a_form_or_a_serializer():
    findings = _findings()
    assert not findings, "Read these through a form (core.forms) or a serializer (core.api.params):\n" + "\n".join(findings)


@pytest.mark.parametrize(("place", "reason"), sorted(ALLOWED.items()))
def test_every_allowed_place_still_exists_and_says_why(place, reason):
    relative, scope = place
    assert (SRC / relative).exists() and len(reason) > 20
    source = (SRC / relative).read_text(encoding="utf-8")
    assert scope.split(".")[-1] in source, f"{place} is allowed but no longer exists: remove it from ALLOWED"
