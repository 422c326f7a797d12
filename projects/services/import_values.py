"""An import plan's values as plain data: the digest that ties a confirm to its preview, and the
texts and JSON values the preview stores and shows (services.import_plans)."""

from decimal import Decimal

from projects.importers.municipal import ParsedList, ParsedRow

PARSED_KEY = "parsed_table"  # the summary's key for the parsed rows (ImportPlan.parsed_rows)

# A planned row's values (RowPlan.values, built by _plan_row), each as plain data in the digest.
PLAIN_VALUES = ("name", "code", "owner", "content", "start_year", "end_year")  # str, int or None
OBJECT_VALUES = ("district", "street", "unit")  # by id
AMOUNT_VALUES = ("total_investment", "annual_plan")  # by value, whatever their places
CHOICE_VALUES = ("batch", "category", "level")  # by value: a choice from the file, plain from the preview
DIGESTED_VALUES = frozenset(PLAIN_VALUES + OBJECT_VALUES + AMOUNT_VALUES + CHOICE_VALUES)


def row_digest(row):
    """A planned row as plain data, the same whether planned from the file or from the kept
    preview (where a category or batch is a plain str or int, an amount has no trailing zeros)."""
    values = row.values
    if values.keys() != DIGESTED_VALUES:  # a value added to the plan must be added to the digest
        raise ValueError(f"digest: unexpected planned values {sorted(values.keys() ^ DIGESTED_VALUES)}")
    return (
        row.sheet,
        row.row,
        row.status,
        row.project.pk if row.project is not None else None,
        row.listing.pk if row.listing is not None else None,
        tuple(row.changes),
        tuple([values[key] for key in PLAIN_VALUES]),
        tuple([None if (value := values[key]) is None else value.pk for key in OBJECT_VALUES]),
        tuple([None if (value := values[key]) is None else value.normalize() for key in AMOUNT_VALUES]),
        tuple([None if (value := values[key]) is None else str(value) for key in CHOICE_VALUES]),
    )


def jsonable(value):
    return plain_decimal(value) if isinstance(value, Decimal) else value


PARSED_AMOUNTS = ("total", "plan")  # the parsed values kept as text (plain_decimal)


def plain_decimal(value):
    """Decimal as plain text without an exponent or trailing zeros: 2758000, 12.5."""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_text(value):
    """A value as the preview shows it: amounts without trailing zeros, objects by their name."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return str(value)


def parsed_list_from(summary):
    """The rows a preview parsed, as kept in its record's summary (ImportPlan.parsed_rows):
    confirming plans them again without reading the file a second time. A preview kept before
    this form has none, and is refused as changed since (to be uploaded again)."""
    kept = (summary or {}).get(PARSED_KEY) or {}
    columns = kept.get("columns", [])
    rows = []
    for sheet, number, values in kept.get("rows", []):
        values = dict(zip(columns, values, strict=True)) if isinstance(values, list) else values
        for key in PARSED_AMOUNTS:
            if values.get(key) is not None:
                values[key] = Decimal(values[key])
        rows.append(ParsedRow(sheet=sheet, row=number, values=values))
    parts = {(sheet, number): items for sheet, number, items in kept.get("sub_items", [])}
    for row in rows:
        for item in parts.get((row.sheet, row.row), []):
            amounts = {key: Decimal(item[key]) for key in PARSED_AMOUNTS if item.get(key) is not None}
            row.sub_items.append({**item, **amounts})
    return ParsedList(rows=rows)


def suggestion_dict(row):
    """A proposed match as the preview and the command show it."""
    suggestion = row.suggestion
    decision = None if suggestion.decision is None else ("accepted" if suggestion.accepted else "rejected")
    return {
        "sheet": row.sheet,
        "row": row.row,
        "name": row.name,
        "project_id": suggestion.project.pk,
        "project_name": suggestion.project.name,
        "score": suggestion.score,
        "decision": decision,
    }
