"""One read path (issue 16, ADR 0038): documents, dossiers, drafts and validation reports are read
outside their app only through that app's selectors and access functions.

A check in the style of Zulip's linter rules, over the syntax tree of every module of `src/`
(tests excluded: they build their worlds directly). Outside the owning app, a module may not:

- import one of the protected models (`from chinhquyen.documents.models import IncomingDocument`,
  at module level or inside a function — enums and choices stay importable);
- reach a manager of one (`IncomingDocument.objects`, `._default_manager`, `._base_manager`) or
  fetch one by name (`apps.get_model("documents", "IncomingDocument")`);
- name one of their tables in a string (raw SQL);
- follow a reverse relation into one (`agency.dossiers_received.filter(...)`).

Import rules between apps (`pyproject.toml`, import-linter) say which app may call which; this
says that the call goes through the owner's read functions, where the access rules live.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

SRC = Path(__file__).resolve().parents[2] / "src" / "chinhquyen"

#: app label → the models only that app reads. Everything else of the app (enums, choices,
#: registers, reference tables) is not protected.
PROTECTED: dict[str, set[str]] = {
    "documents": {"IncomingDocument", "OutgoingDocument", "Attachment", "Assignment", "DocumentEvent", "OutgoingRecipient"},
    "dossiers": {"Dossier", "DossierComponent", "DossierStep", "DossierEvent", "Pause", "FeePayment", "Rating"},
    "signing": {"ValidationReport"},
    "portal": {"Draft", "DraftFile"},  # the applicants' drafts
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}

#: (module, what) pairs that are allowed, each a decision. Keep empty.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def _tables() -> dict[str, str]:
    """Table name → "app.Model" for every protected model (read from the models, not spelled here)."""
    out = {}
    for label, names in PROTECTED.items():
        for name in names:
            out[apps.get_model(label, name)._meta.db_table.lower()] = f"{label}.{name}"
    return out


def _reverse_accessors() -> dict[str, str]:
    """Accessor name → "app.Model" for the reverse relations that lead from another app's model into
    a protected one (`Agency.dossiers_received`). Hidden ones (`related_name="+"`) have none."""
    out = {}
    for model in apps.get_models():
        for relation in model._meta.related_objects:
            target = relation.related_model
            label = target._meta.app_label
            if target.__name__ in PROTECTED.get(label, set()) and model._meta.app_label != label:
                accessor = relation.get_accessor_name()
                if accessor and not accessor.endswith("+"):
                    out[accessor] = f"{label}.{target.__name__}"
    return out


def _owner(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "tests" not in p.relative_to(SRC).parts and "migrations" not in p.relative_to(SRC).parts)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def check_source(source: str, *, module: str, owner: str, tables: dict[str, str], accessors: dict[str, str]) -> list[Violation]:
    """The violations of one module of app `owner` (the rules are in the module's docstring)."""
    tree = ast.parse(source)
    found: list[Violation] = []
    bound: dict[str, str] = {}  # local name → "app.Model" imported into this module
    foreign = {label: names for label, names in PROTECTED.items() if label != owner}
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for stmt in node.body
        for child in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for label, names in foreign.items():
                if node.module == f"chinhquyen.{label}.models":
                    for alias in node.names:
                        if alias.name in names or alias.name == "*":
                            bound[alias.asname or alias.name] = f"{label}.{alias.name}"
                            if id(node) not in typing_only:  # an import for annotations reads nothing
                                found.append(Violation(module, node.lineno, f"imports {label}.{alias.name}"))
                elif node.module == f"chinhquyen.{label}":
                    for alias in node.names:
                        if alias.name == "models":
                            bound[alias.asname or alias.name] = f"{label}.models"
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                base = node.value
                name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
                protected = {n for names in foreign.values() for n in names}
                if name in bound or name in protected:
                    found.append(Violation(module, node.lineno, f"reads {bound.get(name or '', name)}.{node.attr}"))
            if node.attr in accessors:
                found.append(Violation(module, node.lineno, f"follows .{node.attr} into {accessors[node.attr]}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model":
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            text = ".".join(args)
            for label, names in foreign.items():
                if any(text in (f"{label}.{n}", f"{label}.{n.lower()}") for n in names):
                    found.append(Violation(module, node.lineno, f"fetches {text} by name"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            lowered = node.value.lower()
            for table, model in tables.items():
                if model.split(".")[0] != owner and table in lowered:
                    found.append(Violation(module, node.lineno, f"names the table {table} ({model})"))
    return found


def violations() -> list[Violation]:
    tables, accessors = _tables(), _reverse_accessors()
    out = []
    for path in _modules():
        module = str(path.relative_to(SRC.parent))
        for violation in check_source(path.read_text(), module=module, owner=_owner(path), tables=tables, accessors=accessors):
            if (violation.module, violation.what) not in ALLOWED:
                out.append(violation)
    return out


def test_no_module_reads_another_apps_documents_dossiers_drafts_or_validation_reports_directly():
    found = violations()
    assert not found, "Read them through the owning app's selectors/access functions (ADR 0038):\n" + "\n".join(map(str, found))


# --- the check itself catches each form (so an empty result means something) ----------------------
@pytest.mark.parametrize(
    "source",
    [
        "from chinhquyen.documents.models import IncomingDocument\nIncomingDocument.objects.filter(agency_id=1)",
        "def f():\n    from chinhquyen.dossiers.models import Dossier as D\n    return D._default_manager.all()",
        "from chinhquyen.documents import models\nmodels.OutgoingDocument.objects.all()",
        "from django.apps import apps\napps.get_model('signing', 'ValidationReport')",
        "cursor.execute('SELECT subject FROM documents_incomingdocument WHERE id = %s', [1])",
        "agency.dossiers_received.filter(status='received')",
        "if TYPE_CHECKING:\n    from chinhquyen.dossiers.models import Dossier\nDossier.objects.get(code='x')",
    ],
)
def test_the_check_catches_each_way_of_reading_directly(source):
    found = check_source(source, module="chinhquyen/reports/x.py", owner="reports", tables=_tables(), accessors=_reverse_accessors())
    assert found, source


def test_the_owning_app_and_enums_are_not_flagged():
    owner_code = "from chinhquyen.documents.models import IncomingDocument\nIncomingDocument.objects.filter(agency_id=1)"
    assert not check_source(owner_code, module="chinhquyen/documents/x.py", owner="documents", tables=_tables(), accessors={})
    enums = "'''documents_incomingdocument in a docstring'''\nfrom chinhquyen.documents.models import OutgoingStatus, Secrecy"
    assert not check_source(enums, module="chinhquyen/reports/x.py", owner="reports", tables=_tables(), accessors={})


def test_the_records_behind_a_figure_are_listed_by_their_owner():
    """`core.records` lists a model without a registered lister as it is: every protected model a
    figure can count must have its owner's lister (with the owner's access rules)."""
    from chinhquyen.core.records import has_lister

    for label in ("documents.IncomingDocument", "documents.OutgoingDocument", "dossiers.Dossier"):
        assert has_lister(label), label
