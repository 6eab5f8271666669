"""Catalogue completeness and unmarked strings: what ``manage.py i18n_check`` reports.

Three checks, so later work keeps every shipped language complete:

* each catalogue (``locale/<code>/LC_MESSAGES/django.po``): every msgid translated, none fuzzy,
  the plural forms of the language (Django's own catalogue for that language is the reference:
  Arabic six forms, French and Spanish three, the others two) and a msgstr for each form;
* the catalogues are not stale: ``makemessages`` run into a temporary directory finds exactly the
  msgids the catalogues hold;
* no user-facing string in a template or a Python file is left unmarked: text nodes and the
  user-facing attributes (``title``, ``placeholder``, ``aria-label``, ``alt``...) of templates,
  and in Python the messages given to ``ValidationError``, ``PermissionDenied``, ``require``,
  ``messages.*``, form and model labels, help texts and choice labels.

``ALLOWED_TEXT`` is the short list of text that is never translated (names, codes, symbols).
"""

from __future__ import annotations

import ast
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

# Directories that hold no user-facing text (or are not the project's).
IGNORED = (".venv/*", "var/*", "tests/*", "bench/*", "static/*", "node_modules/*", "docs/*")
SOURCE_APPS = ("config", "core", "stakeholders", "coordination", "actionplans", "infosharing")
TEMPLATE_DIRS = ("templates", *(f"{app}/templates" for app in SOURCE_APPS))

# Text that stays as it is in every language: TLP labels (FIRST's standard says they are never
# translated), the product's name, standards and file formats, symbols.
ALLOWED_TEXT = re.compile(
    r"^(?:TLP:(?:RED|AMBER\+STRICT|AMBER|GREEN|CLEAR)|RED|AMBER\+STRICT|AMBER|GREEN|CLEAR|"
    r"Roundtable|API|CSV|XLSX|PDF|ICS|iCal|IATI|JSON|TOTP|URL|SMTP|htmx|OK|"
    r"[A-Z][a-z]+/[A-Za-z_]+|/\S*|https?://\S*|[\W\d_]*)$"
)
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Python literals that look like text but are not shown to anyone (codes, technical examples).
ALLOWED_PYTHON = {
    "actionplans/permissions.py": {"view", "manage", "report", "review"},  # permission action codes
    "infosharing/models.py": {
        '[{"name": "...", "label": "...", "type": "text", "required": true, "help": "...", "choices": []}]'
    },
    "stakeholders/models.py": {
        "The parsed rows: [{'line': n, 'values': {column: text}}].",
        "[{'line': n, 'column': name, 'message': text}].",
    },
}
USER_FACING_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description", "data-confirm", "label"}


def expected_nplurals(code: str) -> int:
    """The number of plural forms of ``code``, from Django's own catalogue for that language."""
    import django

    path = Path(django.__file__).parent / "conf" / "locale" / code / "LC_MESSAGES" / "django.po"
    match = re.search(r"nplurals=(\d+)", path.read_text(encoding="utf-8")) if path.exists() else None
    return int(match.group(1)) if match else 2


# --- catalogues ---------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text else ""


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header (as a dict) and the entries of a .po file (obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    current: dict[str, object] = {}
    flags: set[str] = set()
    last: str | None = None

    def flush() -> None:
        nonlocal current, flags, last
        if "msgid" in current:
            entries.append(
                Entry(
                    msgid=str(current["msgid"]),
                    msgctxt=current.get("msgctxt"),  # type: ignore[arg-type]
                    msgid_plural=current.get("msgid_plural"),  # type: ignore[arg-type]
                    msgstr=dict(current.get("msgstr", {})),  # type: ignore[call-overload]
                    fuzzy="fuzzy" in flags,
                )
            )
        current, flags, last = {}, set(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword == "msgid" and "msgid" in current and "msgstr" in current:
                flush()
            if keyword.startswith("msgstr"):
                strs = current.setdefault("msgstr", {})
                strs[int(index or 0)] = value  # type: ignore[index]
                last = f"msgstr:{int(index or 0)}"
            else:
                current[keyword] = value
                last = keyword
        elif line.startswith('"') and last:
            value = _unquote(line)
            if last.startswith("msgstr:"):
                current["msgstr"][int(last.split(":")[1])] += value  # type: ignore[index]
            else:
                current[last] = str(current[last]) + value
    flush()
    header: dict[str, str] = {}
    if entries and entries[0].msgid == "":
        for line in entries.pop(0).msgstr.get(0, "").splitlines():
            name, _sep, value = line.partition(":")
            header[name.strip()] = value.strip()
    return header, entries


@dataclass
class Report:
    code: str
    total: int = 0
    translated: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 0.0

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.problems)


def catalogue_path(code: str, base: Path | None = None) -> Path:
    base = base or Path(settings.LOCALE_PATHS[0])
    return base / code / "LC_MESSAGES" / "django.po"


def shipped_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_report(code: str) -> Report:
    report = Report(code)
    path = catalogue_path(code)
    if not path.exists():
        report.problems.append(f"{path} is missing")
        return report
    header, entries = parse_po(path)
    nplurals = expected_nplurals(code)
    declared = re.search(r"nplurals=(\d+)", header.get("Plural-Forms", ""))
    if not declared or int(declared.group(1)) != nplurals:
        report.problems.append(f"Plural-Forms should declare nplurals={nplurals} ({header.get('Plural-Forms', '')!r})")
    if not path.with_suffix(".mo").exists():
        report.problems.append(f"{path.with_suffix('.mo')} is missing: run compilemessages")
    for entry in entries:
        report.total += 1
        if entry.fuzzy:
            report.fuzzy.append(entry.msgid)
        elif not entry.translated:
            report.untranslated.append(entry.msgid)
        elif entry.msgid_plural is not None and len(entry.msgstr) != nplurals:
            report.problems.append(f"{entry.msgid!r} has {len(entry.msgstr)} plural forms, not {nplurals}")
        else:
            report.translated += 1
    return report


def source_msgids() -> set[tuple[str | None, str]]:
    """The msgids ``makemessages`` finds in the source today (run into a temporary directory)."""
    from django.core.management.commands.makemessages import Command as MakeMessages

    tmp = Path(tempfile.mkdtemp(prefix="i18n-check-"))

    class IntoTemporary(MakeMessages):
        def find_files(self, root):  # type: ignore[no-untyped-def]
            files = super().find_files(root)
            for translatable in files:
                translatable.locale_dir = str(tmp)
            return files

    try:
        command = IntoTemporary()
        command.stdout.write = lambda *a, **k: None  # type: ignore[method-assign]
        command.run_from_argv(
            ["manage.py", "makemessages", "-l", "en", "--no-location", "--keep-pot", "-v", "0"]
            + [arg for pattern in IGNORED for arg in ("-i", pattern)]
        )
        pot = tmp / "django.pot"
        return {entry.key for entry in parse_po(pot)[1]} if pot.exists() else set()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def stale_report(code: str, source: set[tuple[str | None, str]]) -> tuple[list[str], list[str]]:
    """(msgids in the source but not in the catalogue, msgids in the catalogue no longer in the source)."""
    path = catalogue_path(code)
    held = {entry.key for entry in parse_po(path)[1]} if path.exists() else set()
    return sorted(m for _c, m in source - held), sorted(m for _c, m in held - source)


# --- unmarked strings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str
    col: int = field(default=0, compare=False)
    end: tuple[int, int] = field(default=(0, 0), compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def user_facing(text: str) -> bool:
    text = " ".join(text.replace("\x00", " ").split())
    if not text or not LETTERS.search(text):
        return False
    return not all(ALLOWED_TEXT.match(word.strip(".,:;()")) for word in text.split())


def _flatten(source: str) -> str:
    """The template with every tag, variable, comment and translated block replaced by a NUL
    (newlines kept), so the HTML parser sees only literal text."""
    out: list[str] = []
    skip_until: str | None = None
    for token in Lexer(source).tokenize():
        raw = token.contents
        if skip_until:
            if token.token_type == TokenType.BLOCK and raw.split()[:1] == [skip_until]:
                skip_until = None
            out.append("\n" * raw.count("\n"))
            continue
        if token.token_type == TokenType.TEXT:
            out.append(raw)
            continue
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw.split() else ""
            if name in ("blocktranslate", "blocktrans"):
                skip_until = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name == "comment":
                skip_until = "endcomment"
            elif name == "verbatim":
                skip_until = "endverbatim"
        out.append(" " + "\n" * raw.count("\n"))
    return "".join(out)


class _TextScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        values = dict(attrs)
        for name, value in attrs:
            wanted = name in USER_FACING_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in ("submit", "button", "reset")
            )
            if wanted and value and user_facing(value):
                self.found.append((self.getpos()[0], value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and '="' not in data and user_facing(data):
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.found.append((line, " ".join(data.replace("\x00", " ").split())))


def template_unmarked(path: Path, root: Path) -> list[Unmarked]:
    scanner = _TextScanner()
    scanner.feed(_flatten(path.read_text(encoding="utf-8")))
    scanner.close()
    rel = str(path.relative_to(root))
    return [Unmarked(rel, line, text) for line, text in scanner.found]


_MESSAGE_CALLS = {"ValidationError", "PermissionDenied", "require", "ImproperlyConfiguredForUser"}
_MESSAGES_FUNCS = {"success", "error", "warning", "info", "debug"}
_LABEL_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label", "message"}
_CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}


def _literal(node: ast.AST | None) -> str | None:
    """The text of an unmarked string literal (plain or f-string), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _literal(node.left)
    return None


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _messages_in(node: ast.AST | None) -> list[ast.AST]:
    """A message argument, or the messages inside a dict / list of them."""
    if isinstance(node, ast.Dict):
        return [item for value in node.values for item in _messages_in(value)]
    if isinstance(node, ast.List | ast.Tuple):
        return [item for value in node.elts for item in _messages_in(value)]
    return [node] if node is not None else []


def python_unmarked(path: Path, root: Path) -> list[Unmarked]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = str(path.relative_to(root))
    found: list[Unmarked] = []

    def flag(node: ast.AST) -> None:
        text = _literal(node)
        if text is not None and user_facing(text) and text not in ALLOWED_PYTHON.get(rel, ()):
            position = (getattr(node, "end_lineno", 0), getattr(node, "end_col_offset", 0))
            found.append(Unmarked(rel, getattr(node, "lineno", 0), text, getattr(node, "col_offset", 0), position))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in _MESSAGE_CALLS:
                index = 1 if name == "require" else 0
                if len(node.args) > index:
                    for message in _messages_in(node.args[index]):
                        flag(message)
            is_messages = _name(getattr(node.func, "value", node.func)) == "messages"
            if name in _MESSAGES_FUNCS and is_messages and len(node.args) > 1:
                flag(node.args[1])
            for keyword in node.keywords:
                if keyword.arg in _LABEL_KEYWORDS:
                    flag(keyword.value)
                elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                    for value in keyword.value.values:
                        flag(value)
                elif keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                            flag(choice.elts[1])
        elif isinstance(node, ast.ClassDef) and any(_name(base) in _CHOICES_BASES for base in node.bases):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    flag(statement.value.elts[-1])
    return found


def _ignored(rel: str) -> bool:
    parts = rel.split("/")
    return (
        "migrations" in parts
        or "management" in parts
        or any(Path(rel).match(pattern) or rel.startswith(pattern.rstrip("*")) for pattern in IGNORED)
    )


def unmarked_strings(root: Path | None = None) -> list[Unmarked]:
    root = root or Path(settings.BASE_DIR)
    found: list[Unmarked] = []
    for directory in TEMPLATE_DIRS:
        for path in sorted((root / directory).rglob("*")):
            if path.suffix in (".html", ".txt") and not _ignored(str(path.relative_to(root))):
                found.extend(template_unmarked(path, root))
    for app in SOURCE_APPS:
        for path in sorted((root / app).rglob("*.py")):
            if not _ignored(str(path.relative_to(root))):
                found.extend(python_unmarked(path, root))
    return found


# --- refreshing and compiling -----------------------------------------------------------------


def header_fix(path: Path, code: str) -> None:
    """The header of a catalogue: the project's name, its language, not fuzzy."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition('msgstr ""\n')
    head = head.replace("#, fuzzy\n", "")
    rest = re.sub(r'"Project-Id-Version: [^"]*"', r'"Project-Id-Version: Roundtable\\n"', rest, count=1)
    rest = re.sub(r'"Language: [^"]*"', f'"Language: {code}\\\\n"', rest, count=1)
    path.write_text(head + sep + rest, encoding="utf-8")


def fuzzy_clear(path: Path) -> int:
    """Blank the msgmerge guesses (fuzzy entries): a wrong guess must not ship; the entry becomes
    untranslated, which the check reports. Returns how many were cleared."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    cleared = 0
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        flag = next((n for n, line in enumerate(lines) if line.startswith("#,") and "fuzzy" in line), None)
        if flag is None or "Content-Type:" in block:
            continue
        flags = [f.strip() for f in lines[flag][2:].split(",") if f.strip() != "fuzzy"]
        kept: list[str] = [] if not flags else ["#, " + ", ".join(flags)]
        out: list[str] = []
        in_msgstr = False
        for n, line in enumerate(lines):
            if n == flag:
                out.extend(kept)
            elif line.startswith("#|"):
                continue
            elif line.startswith("msgstr"):
                in_msgstr = True
                out.append(line.split(" ", 1)[0] + ' ""')
            elif in_msgstr and line.startswith('"'):
                continue
            else:
                in_msgstr = False
                out.append(line)
        blocks[i] = "\n".join(out)
        cleared += 1
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    return cleared


def refresh_catalogues(codes: list[str]) -> None:
    """``makemessages`` for ``codes`` the project's way: no file locations, no obsolete entries,
    no fuzzy guesses; then the header and any fuzzy entry fixed."""
    from django.core.management import call_command
    from django.core.management.commands import makemessages

    class NoGuesses(makemessages.Command):
        msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    command = NoGuesses()
    call_command(
        command,
        locale=codes,
        no_location=True,
        no_obsolete=True,
        ignore_patterns=list(IGNORED),
        verbosity=0,
    )
    for code in codes:
        header_fix(catalogue_path(code), code)
        fuzzy_clear(catalogue_path(code))


def compile_catalogue(po: Path) -> Path:
    """Write the .mo next to ``po`` (translated, non-fuzzy entries): GNU msgfmt's output format,
    written in Python so that a machine without gettext still builds the catalogues."""
    import struct

    header, entries = parse_po(po)
    raw_header = "".join(f"{name}: {value}\n" for name, value in header.items())
    pairs: list[tuple[bytes, bytes]] = [(b"", raw_header.encode("utf-8"))]
    for entry in entries:
        if entry.fuzzy or not entry.translated:
            continue
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\x00{entry.msgid_plural}"
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        value = "\x00".join(entry.msgstr[i] for i in sorted(entry.msgstr))
        pairs.append((key.encode("utf-8"), value.encode("utf-8")))
    pairs.sort()
    count = len(pairs)
    originals_at, translations_at = 28, 28 + 8 * count
    data_at = translations_at + 8 * count
    offsets: list[int] = []
    blob = b""
    for original, _translation in pairs:
        offsets += [len(original), data_at + len(blob)]
        blob += original + b"\x00"
    for _original, translation in pairs:
        offsets += [len(translation), data_at + len(blob)]
        blob += translation + b"\x00"
    out = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    out += struct.pack(f"<{4 * count}I", *offsets) + blob
    mo = po.with_suffix(".mo")
    mo.write_bytes(out)
    return mo


def format_errors(po: Path) -> str:
    """GNU msgfmt's check of placeholders (``%(name)s``, ``{name}``) when msgfmt is installed, else ''."""
    import subprocess  # nosec B404

    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        return ""
    result = subprocess.run(  # noqa: S603  # nosec B603
        [msgfmt, "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=False
    )
    return result.stderr.strip() if result.returncode else ""
