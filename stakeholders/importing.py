"""Reading registry spreadsheets (CSV and XLSX) into rows, and checking rows before they are written.

Two stages, both pure of side effects (the services write):

1. :func:`parse_upload` turns the bytes of an upload into ``[{"line": n, "values": {column: text}}]``
   plus file-level and cell-level errors ``{"line", "column", "message"}``. It detects the encoding
   (UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark or recognisably without,
   Windows-1252 / Latin-1 as the fallback), and refuses NUL bytes, unbalanced quotes, missing or
   duplicated columns and cells that a spreadsheet would run as a formula.
2. :func:`prepare_rows` checks the rows against the database and the importer's permissions and
   returns unsaved model instances, or row errors. It runs at the preview and again, inside the
   commit's transaction, at the confirmation.

Errors name the line (the line of the file where the row starts; the row number in a workbook), the
column and what to do about it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import AnyUser
from stakeholders import permissions
from stakeholders.models import Jurisdiction, Organisation, Person, Position, Sector

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL_CHARS = 10_000
# Lines read, blank ones included: a sheet of millions of empty rows is refused after this many.
MAX_LINES_READ = MAX_ROWS + 10_000
# An XLSX is a zip of XML: bound what it unpacks to before reading it (a 427 KB workbook can hold
# 150 MB of XML), and the shared-strings table, which the reader holds in memory whole.
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_XLSX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
MAX_XLSX_MEMBERS = 1_000
ERRORS_KEPT = 1_000  # a file with more errors than this is reported by its first ones

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A leading + or - is fine in a number or a telephone number ("+880 921 555 01", "-3.5").
NUMBER_OR_PHONE = re.compile(r"^[+-]?[\d\s().\-/]+$")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()


ORGANISATION_COLUMNS = (
    Column("name", True, ("organisation", "organization", "organisation_name", "organization_name")),
    Column("kind", True, ("type",)),
    Column("sector", True),
    Column("jurisdiction", True, ("jurisdiction_code",)),
    Column("acronym"),
    Column("description"),
    Column("email"),
    Column("phone"),
    Column("website"),
    Column("address"),
    Column("is_active", aliases=("active",)),
)
PERSON_COLUMNS = (
    Column("full_name", True, ("name",)),
    Column("organisation", True, ("organization",)),
    Column("jurisdiction", True, ("jurisdiction_code", "organisation_jurisdiction")),
    Column("title", True, ("position", "job_title")),
    Column("start_date", aliases=("from",)),
    Column("pronouns"),
    Column("email"),
    Column("phone"),
    Column("contact_consent_date", aliases=("contact_consent", "consent_date")),
    Column("languages"),
    Column("expertise"),
)
COLUMNS = {"organisations": ORGANISATION_COLUMNS, "people": PERSON_COLUMNS}


def columns_for(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]


@dataclass
class ParseResult:
    encoding: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def error(self, line: int | None, column: str, message: str) -> None:
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"line": line, "column": column, "message": message})


class FileProblem(Exception):
    """A problem with the whole file: nothing in it can be read as rows."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- Reading bytes into a table ----------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of the encoding it was read with."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (with byte-order mark)"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "UTF-16"
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _(
                "The file starts like a Unicode file but byte %(at)d cannot be read (%(reason)s). Save it again as "
                "“CSV UTF-8”."
            )
            % {"at": exc.start + 1, "reason": exc.reason}
        ) from None
    head = data[:4000]
    if len(head) >= 4 and head.count(b"\x00") * 3 >= len(head):
        # UTF-16 saved without a byte-order mark: every other byte of Latin text is zero.
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding), "UTF-16 (no byte-order mark)"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (ISO 8859-1)"


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(line where the record starts, cells)`` for each record of ``text``."""
    nul = text.find("\x00")
    if nul >= 0:
        raise FileProblem(
            _(
                "The file contains a NUL byte (an invisible zero character), so it is not a plain text CSV file. "
                "Open it in a spreadsheet and save it again as CSV."
            ),
            line=text.count("\n", 0, nul) + 1,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True)
    previous_line = 0
    while True:
        start = previous_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                message = _("A cell is too long (more than %(n)d characters).") % {"n": csv.field_size_limit()}
            else:
                message = _(
                    'Unbalanced quotes: a cell that opens with a quote mark (") is not closed, or has text after '
                    'its closing quote. Inside a quoted cell, write a quote mark twice ("").'
                )
            raise FileProblem(message, line=start) from None
        previous_line = reader.line_num
        yield start, cells


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_xlsx_unpacked_size(data: bytes) -> None:
    """Refuse a workbook that would unpack to more than the limits, from the zip's directory alone
    (nothing is decompressed; the zip reader stops at the declared size of each member)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileProblem(_("This is not a readable XLSX workbook. Save it again as .xlsx or as CSV.")) from None
    unpacked = sum(member.file_size for member in members)
    shared_strings = sum(
        member.file_size for member in members if member.filename.lower().endswith("sharedstrings.xml")
    )
    if (
        len(members) > MAX_XLSX_MEMBERS
        or unpacked > MAX_XLSX_UNPACKED_BYTES
        or shared_strings > MAX_XLSX_SHARED_STRINGS_BYTES
    ):
        raise FileProblem(
            _(
                "This workbook unpacks to %(size)d MB, more than the %(mb)d MB that can be read (or holds too "
                "much text). Remove empty rows and unused sheets, or save it as CSV."
            )
            % {"size": max(1, unpacked // (1024 * 1024)), "mb": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_xlsx_unpacked_size(data)
    try:
        # data_only=False: a formula cell reads as its formula ("=..."), which is then refused.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise FileProblem(_("This is not a readable XLSX workbook. Save it again as .xlsx or as CSV.")) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_cell(v) for v in row]
    finally:
        workbook.close()


def _records(filename: str, data: bytes, result: ParseResult) -> Iterator[tuple[int, list[str]]]:
    name = filename.lower()
    if name.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        result.encoding = "XLSX"
        return _xlsx_records(data)
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as CSV."))
    text, result.encoding = decode(data)
    return _csv_records(text)


# --- Cells -------------------------------------------------------------------------------------


def formula_problem(value: str) -> str | None:
    """Why a cell would be dangerous in a spreadsheet (formula injection), or ``None``."""
    if value.startswith(FORMULA_PREFIXES) and not NUMBER_OR_PHONE.match(value):
        return _(
            "The cell starts with “%(sign)s”, which a spreadsheet would run as a formula. Remove the sign, or "
            "write the text without it at the start."
        ) % {"sign": value[0].replace("\t", "tab").replace("\r", "carriage return")}
    return None


def _normalise_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


def parse_upload(kind: str, filename: str, data: bytes) -> ParseResult:
    """Read an upload into rows of the columns ``kind`` knows. See the module docstring."""
    result = ParseResult()
    columns = columns_for(kind)
    if not data.strip():
        result.error(None, "", _("The file is empty."))
        return result
    if len(data) > MAX_UPLOAD_BYTES:
        result.error(
            None,
            "",
            _("The file is larger than %(mb)d MB: split it into several files.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
        return result
    try:
        records = _records(filename, data, result)
        header_line, header = next(((n, cells) for n, cells in records if any(c.strip() for c in cells)), (0, []))
        if not header:
            result.error(None, "", _("The file has no header row."))
            return result
        positions = _read_header(header, header_line, columns, result)
        if result.errors:
            return result
        read = 0
        for line, cells in records:
            read += 1
            if read > MAX_LINES_READ:
                result.rows = []
                result.error(
                    line,
                    "",
                    _("The file has more than %(n)d lines (blank ones included): remove the empty rows or split it.")
                    % {"n": MAX_LINES_READ},
                )
                break
            if not any(c.strip() for c in cells):
                continue
            if len(result.rows) >= MAX_ROWS:
                result.error(
                    line, "", _("The file has more than %(n)d rows: split it into several files.") % {"n": MAX_ROWS}
                )
                break
            _read_row(line, cells, header, positions, result)
    except FileProblem as problem:
        result.rows = []
        result.error(problem.line, "", problem.message)
    if not result.rows and not result.errors:
        result.error(None, "", _("The file has a header but no rows."))
    return result


def _read_header(header: list[str], line: int, columns: tuple[Column, ...], result: ParseResult) -> dict[str, int]:
    by_name = {c.name: c for c in columns}
    aliases = {alias: c.name for c in columns for alias in c.aliases}
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        label = _normalise_header(raw)
        name = label if label in by_name else aliases.get(label)
        if name is None:
            if label:
                result.notices.append(_("Column “%(col)s” is not used and was ignored.") % {"col": raw.strip()})
            continue
        if name in positions:
            result.error(
                line,
                name,
                _("Column “%(col)s” appears more than once (columns %(a)d and %(b)d). Keep one of them.")
                % {"col": name, "a": positions[name] + 1, "b": index + 1},
            )
            continue
        positions[name] = index
    missing = [c.name for c in columns if c.required and c.name not in positions]
    for name in missing:
        result.error(
            line,
            name,
            _(
                "Column “%(col)s” is missing. The first row must name the columns: "
                "%(required)s (required) and optionally %(optional)s."
            )
            % {
                "col": name,
                "required": ", ".join(c.name for c in columns if c.required),
                "optional": ", ".join(c.name for c in columns if not c.required),
            },
        )
    return positions


def _read_row(line: int, cells: list[str], header: list[str], positions: dict[str, int], result: ParseResult) -> None:
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        result.error(
            line,
            "",
            _(
                "This row has %(cells)d cells but the header has %(columns)d columns: check for an "
                "unquoted comma or a shifted cell."
            )
            % {"cells": len(cells), "columns": len(header)},
        )
        return
    values: dict[str, str] = {}
    ok = True
    for name, index in positions.items():
        value = cells[index].strip() if index < len(cells) else ""
        if not value:
            continue
        problem = formula_problem(cells[index].lstrip(" ")) or formula_problem(value)
        if problem:
            result.error(line, name, problem)
            ok = False
            continue
        if len(value) > MAX_CELL_CHARS:
            result.error(line, name, _("The cell is longer than %(n)d characters.") % {"n": MAX_CELL_CHARS})
            ok = False
            continue
        values[name] = value
    if ok:
        result.rows.append({"line": line, "values": values})


# --- Checking rows against the database --------------------------------------------------------


@dataclass
class Prepared:
    """Unsaved instances ready for one bulk write, or the row errors that stop it."""

    organisations: list[Organisation] = field(default_factory=list)
    people: list[tuple[Person, Position]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, line: int, column: str, message: str) -> None:
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"line": line, "column": column, "message": message})


TRUE = {"yes", "y", "true", "1", "active", "oui", "x"}
FALSE = {"no", "n", "false", "0", "inactive", "non", ""}


def _choice(value: str, choices: list[tuple[str, Any]]) -> str | None:
    wanted = value.strip().lower()
    for code, label in choices:
        if wanted in (code.lower(), str(label).lower()):
            return code
    return None


def _parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _model_errors(prepared: Prepared, line: int, exc: ValidationError, renames: dict[str, str]) -> None:
    for name, errors in exc.message_dict.items():
        for message in errors:
            prepared.error(line, renames.get(name, "" if name == "__all__" else name), message)


def prepare_rows(kind: str, rows: list[dict[str, Any]], actor: AnyUser) -> Prepared:
    if kind == "organisations":
        return _prepare_organisations(rows, actor)
    return _prepare_people(rows, actor)


def _jurisdictions_by_code(rows: list[dict[str, Any]]) -> dict[str, Jurisdiction]:
    codes = {str(r["values"].get("jurisdiction", "")).strip().upper() for r in rows} - {""}
    found: dict[str, Jurisdiction] = {}
    code_list = sorted(codes)
    for i in range(0, len(code_list), 500):
        found.update({j.code: j for j in Jurisdiction.objects.filter(code__in=code_list[i : i + 500])})
    return found


def _prepare_organisations(rows: list[dict[str, Any]], actor: AnyUser) -> Prepared:
    prepared = Prepared()
    jurisdictions = _jurisdictions_by_code(rows)
    allowed = set(
        permissions.jurisdictions_manageable(actor)
        .filter(pk__in=[j.pk for j in jurisdictions.values()])
        .values_list("pk", flat=True)
    )
    sectors: dict[str, Sector] = {}
    for known in Sector.objects.all():
        sectors[known.code.lower()] = known
        sectors[known.name.lower()] = known
    seen: dict[tuple[str, int], int] = {}
    for name, jurisdiction_id in Organisation.objects.filter(jurisdiction_id__in=allowed).values_list(
        "name", "jurisdiction_id"
    ):
        seen[(name.lower(), jurisdiction_id)] = 0
    kinds = Organisation.Kind.choices
    for row in rows:
        line, values = row["line"], row["values"]
        errors_before = len(prepared.errors)
        code = values.get("jurisdiction", "").strip().upper()
        jurisdiction = jurisdictions.get(code)
        if not code:
            prepared.error(line, "jurisdiction", _("The jurisdiction code is required."))
        elif jurisdiction is None:
            prepared.error(line, "jurisdiction", _("No jurisdiction has the code “%(code)s”.") % {"code": code})
        elif jurisdiction.pk not in allowed:
            prepared.error(
                line,
                "jurisdiction",
                _("You may only import into your own jurisdictions; “%(code)s” is not one of them.") % {"code": code},
            )
            jurisdiction = None
        kind = _choice(values.get("kind", ""), kinds)
        if kind is None:
            prepared.error(
                line,
                "kind",
                _("“%(value)s” is not a kind of organisation. Use one of: %(codes)s.")
                % {"value": values.get("kind", ""), "codes": ", ".join(c for c, _ in kinds)},
            )
        sector: Sector | None = sectors.get(values.get("sector", "").strip().lower())
        if sector is None:
            prepared.error(
                line,
                "sector",
                _("“%(value)s” is not a sector (use its code or its name).") % {"value": values.get("sector", "")},
            )
        active = values.get("is_active", "yes").strip().lower()
        if active not in TRUE | FALSE:
            prepared.error(line, "is_active", _("Write yes or no."))
        organisation = Organisation(
            name=values.get("name", ""),
            acronym=values.get("acronym", ""),
            kind=kind or "",
            description=values.get("description", ""),
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            website=values.get("website", ""),
            address=values.get("address", ""),
            is_active=active in TRUE,
            sector=sector,
            jurisdiction=jurisdiction,
        )
        try:
            organisation.full_clean(
                exclude=["sector", "jurisdiction", "parent", "kind"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            _model_errors(prepared, line, exc, {})
        if jurisdiction is not None and organisation.name:
            key = (organisation.name.lower(), jurisdiction.pk)
            if key in seen:
                where = seen[key]
                prepared.error(
                    line,
                    "name",
                    _("“%(name)s” is already registered in %(place)s.")
                    % {"name": organisation.name, "place": jurisdiction.name}
                    if where == 0
                    else _("Same organisation as on line %(line)d.") % {"line": where},
                )
            else:
                seen[key] = line
        if len(prepared.errors) == errors_before:
            prepared.organisations.append(organisation)
    return prepared


def _prepare_people(rows: list[dict[str, Any]], actor: AnyUser) -> Prepared:
    prepared = Prepared()
    jurisdictions = _jurisdictions_by_code(rows)
    manageable = permissions.organisations_changeable(actor).filter(
        jurisdiction_id__in=[j.pk for j in jurisdictions.values()],
        jurisdiction__in=permissions.jurisdictions_manageable(actor),
    )
    organisations: dict[tuple[str, int], Organisation] = {}
    for known_org in manageable.select_related("jurisdiction"):
        organisations[(known_org.name.lower(), known_org.jurisdiction_id)] = known_org
    seen: dict[tuple[str, int], int] = {}
    for person_name, organisation_id in Position.objects.filter(
        organisation_id__in=[o.pk for o in organisations.values()]
    ).values_list("person__full_name", "organisation_id"):
        seen[(person_name.lower(), organisation_id)] = 0
    now = timezone.now()
    for row in rows:
        line, values = row["line"], row["values"]
        errors_before = len(prepared.errors)
        code = values.get("jurisdiction", "").strip().upper()
        jurisdiction = jurisdictions.get(code)
        organisation: Organisation | None = None
        if jurisdiction is None:
            prepared.error(line, "jurisdiction", _("No jurisdiction has the code “%(code)s”.") % {"code": code})
        else:
            organisation = organisations.get((values.get("organisation", "").lower(), jurisdiction.pk))
            if organisation is None:
                prepared.error(
                    line,
                    "organisation",
                    _(
                        "No organisation “%(name)s” in %(place)s that you may manage. Import or register the "
                        "organisation first."
                    )
                    % {"name": values.get("organisation", ""), "place": jurisdiction.name},
                )
        dates: dict[str, date | None] = {}
        for column in ("start_date", "contact_consent_date"):
            try:
                dates[column] = _parse_date(values[column]) if values.get(column) else None
            except ValueError:
                prepared.error(
                    line, column, _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": values[column]}
                )
                dates[column] = None
        consent = dates["contact_consent_date"]
        if consent is not None and consent > now.date():
            prepared.error(line, "contact_consent_date", _("The date of consent cannot be in the future."))
        person = Person(
            full_name=values.get("full_name", ""),
            pronouns=values.get("pronouns", ""),
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            languages=values.get("languages", ""),
            expertise=values.get("expertise", ""),
            jurisdiction=organisation.jurisdiction if organisation else None,
            contact_consent_at=(
                timezone.make_aware(datetime.combine(consent, time(12))) if consent is not None else None
            ),
        )
        position = Position(organisation=organisation, title=values.get("title", ""), start_date=dates["start_date"])
        try:
            person.full_clean(exclude=["user", "jurisdiction"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            _model_errors(prepared, line, exc, {"contact_consent_at": "contact_consent_date"})
        try:
            position.full_clean(exclude=["person", "organisation"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            _model_errors(prepared, line, exc, {})
        if organisation is not None and person.full_name:
            key = (person.full_name.lower(), organisation.pk)
            if key in seen:
                where = seen[key]
                prepared.error(
                    line,
                    "full_name",
                    _("%(name)s already holds a position in %(org)s.")
                    % {"name": person.full_name, "org": organisation.name}
                    if where == 0
                    else _("Same person and organisation as on line %(line)d.") % {"line": where},
                )
            else:
                seen[key] = line
        if len(prepared.errors) == errors_before:
            prepared.people.append((person, position))
    return prepared
