"""Every write the model signals do not see renews the data version itself.

The figures cache (projects.freshness) learns of writes from post_save, post_delete and
m2m_changed. QuerySet.update, bulk_create, bulk_update, simple-history's bulk helpers and raw SQL
send none of them: the function that makes such a write must call ``freshness.data_changed()``,
or the overview could be served stale. This test reads the application's code and names any such
write in a function that does not."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    path
    for folder in ("projects", "accounts", "config")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
]
QUERYSET_WRITES = {"update", "bulk_create", "bulk_update"}
HELPER_WRITES = {"bulk_update_with_history", "bulk_create_with_history"}
# Writes whose function need not renew the version, and why.
EXEMPT = {
    # The optimistic-lock claim: the same transaction then saves the report, which renews it.
    ("projects/services/reports.py", "_claim"),
    # The data version's own row.
    ("projects/freshness.py", "new_token"),
    # A read: the SELECT the ORM compiled for the latest reported month (reporting._latest_month_query).
    ("projects/selectors/reporting.py", "_latest_reported_month"),
}


def _on_a_queryset(call):
    """``X.objects….update(…)`` or ``X._default_manager.bulk_create(…)``: a write on a queryset or
    manager, not ``dict.update``."""
    node = call.func.value
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _writes(call):
    """Whether raw SQL's statement (a string or an f-string's first text) writes: INSERT, UPDATE,
    DELETE. A statement built some other way counts as a write, to be safe."""
    statement = call.args[0] if call.args else None
    if isinstance(statement, ast.JoinedStr):
        statement = next((part for part in statement.values if isinstance(part, ast.Constant)), None)
    if not isinstance(statement, ast.Constant) or not isinstance(statement.value, str):
        return True
    return statement.value.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}


def _unseen_writes(function):
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in QUERYSET_WRITES and _on_a_queryset(node):
            yield node.lineno, func.attr
        elif isinstance(func, ast.Attribute) and func.attr == "execute" and _writes(node):
            yield node.lineno, "raw SQL"
        elif isinstance(func, ast.Name) and func.id in HELPER_WRITES:
            yield node.lineno, func.id


def _calls_data_changed(function):
    return any(
        isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == "data_changed" or getattr(node.func, "attr", None) == "data_changed")
        for node in ast.walk(function)
    )


def test_every_write_unseen_by_the_signals_renews_the_data_version():
    missing = []
    for path in SOURCES:
        relative = path.relative_to(ROOT).as_posix()
        for function in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(function, ast.FunctionDef) or (relative, function.name) in EXEMPT:
                continue
            writes = list(_unseen_writes(function))
            if writes and not _calls_data_changed(function):
                missing += [f"{relative}:{line} {function.name}: {what}" for line, what in writes]
    assert not missing, "writes that do not call freshness.data_changed():\n" + "\n".join(missing)


def test_the_check_finds_an_unseen_write():
    source = (
        "def f():\n"
        "    Listing.objects.filter(year=2015).update(batch=2)\n"
        "    defaults.update(a=1)\n"
        "    cursor.execute('SELECT 1')\n"
        "    cursor.execute(f'DELETE FROM {table}')\n"
    )
    function = ast.parse(source).body[0]
    assert [what for _, what in _unseen_writes(function)] == ["update", "raw SQL"]
    assert not _calls_data_changed(function)
