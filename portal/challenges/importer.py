"""Importing challenges from a CSV or XLSX file: every row is checked first; one bad row means nothing is imported.

Columns (header row, any order): municipality_code, title, summary, background, desired_outcome, themes
(slugs or Japanese names separated by ";"), budget_min_yen, budget_max_yen, application_opens, application_closes,
max_partners, poc_start, poc_end. Dates are YYYY-MM-DD in JST: a window opens at 00:00 of its first day and closes
at 23:59:59 of its last day. A valid code of a municipality without an organisation creates that organisation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import magic
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.accounts.models import Organisation
from portal.accounts.workspaces import organisation_workspace_ensure
from portal.core.audit import record
from portal.core.models import Theme
from portal.geo.codes import is_valid_lg_code, normalise_digits
from portal.geo.models import LocalGovernment

from .filters import end_of_day_jst, start_of_day_jst
from .forms import MAX_IMPORT_BYTES
from .models import SUMMARY_MAX_CHARS, ChallengeIndexPage, ChallengePage
from .services import challenge_create

REQUIRED_COLUMNS = ["municipality_code", "title", "summary", "background", "desired_outcome", "themes"]
OPTIONAL_COLUMNS = [
    "budget_min_yen",
    "budget_max_yen",
    "application_opens",
    "application_closes",
    "max_partners",
    "poc_start",
    "poc_end",
]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ROWS = 5000
# An XLSX is a zip: a few hundred KB can unpack to gigabytes of XML, which openpyxl would hold in memory (a
# "spreadsheet bomb"). Its members' sizes are read from the zip's directory before openpyxl parses anything; zipfile
# never unpacks more than a member's stated size, so a lying directory cannot get past this either.
MAX_XLSX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000
MAX_COLUMNS = 100
MAX_SHEET_ROWS = 20 * MAX_ROWS  # rows of any kind, empty ones included, read before giving up


class MalformedFile(Exception):
    """The file cannot be read as a spreadsheet at all."""


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[ChallengePage] = field(default_factory=list)
    new_organisations: list[Organisation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    values: dict
    themes: list[Theme]
    local_government: LocalGovernment


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def read_rows(content: bytes, filename: str = "") -> Iterator[tuple[int, dict]]:
    """Yield (line number, {column: text}) for each non-empty data row. Raises MalformedFile."""
    if not content:
        raise MalformedFile(_("The file is empty."))
    mime = magic.from_buffer(content[:4096], mime=True)
    is_xlsx = mime in {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    } or filename.lower().endswith(".xlsx")
    rows = _xlsx_rows(content) if is_xlsx else _csv_rows(content, mime)
    try:
        header = next(rows)
    except StopIteration:
        raise MalformedFile(_("The file has no header row.")) from None
    names = [unicodedata.normalize("NFKC", _cell(h)).strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise MalformedFile(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    for number, raw in enumerate(rows, start=2):
        cells = [_cell(c) for c in raw]
        if not any(cells):
            continue
        if number - 1 > MAX_ROWS:
            raise MalformedFile(_("More than %(n)d rows.") % {"n": MAX_ROWS})
        yield number, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names) if name}


def check_xlsx_size(content: bytes) -> None:
    """Refuse a workbook that would unpack to more than MAX_XLSX_UNPACKED_BYTES, before it is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise MalformedFile(
            _("The spreadsheet cannot be read (%(error)s).") % {"error": exc.__class__.__name__}
        ) from exc
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_XLSX_MEMBERS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise MalformedFile(
            _(
                "The spreadsheet unpacks to more than %(limit)d MB (%(size)d MB), too much to read. "
                "Split it into smaller files or save it as CSV."
            )
            % {"limit": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024), "size": unpacked // (1024 * 1024)}
        )


def _xlsx_rows(content: bytes):
    check_xlsx_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise MalformedFile(
            _("The spreadsheet cannot be read (%(error)s).") % {"error": exc.__class__.__name__}
        ) from exc
    sheet = workbook.worksheets[0]
    return _bounded(sheet.iter_rows(values_only=True))


def _bounded(rows):
    """Stop at the first row wider than MAX_COLUMNS cells or after MAX_SHEET_ROWS rows, empty ones included."""
    for number, row in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise MalformedFile(_("More than %(n)d rows.") % {"n": MAX_ROWS})
        while row and row[-1] in (None, ""):
            row = row[:-1]
        if len(row) > MAX_COLUMNS:
            raise MalformedFile(
                _("Line %(line)d has more than %(n)d columns.") % {"line": number, "n": MAX_COLUMNS}
            )
        yield row


def _csv_rows(content: bytes, mime: str):
    if not (mime.startswith("text/") or mime in {"application/csv", "application/octet-stream"}):
        raise MalformedFile(_("This is not a CSV or XLSX file (%(type)s).") % {"type": mime})
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise MalformedFile(_("The CSV file is neither UTF-8 nor Shift_JIS."))
    if "\x00" in text:
        raise MalformedFile(_("The CSV file contains binary data."))
    return _bounded(csv.reader(io.StringIO(text)))


def _theme_lookup() -> dict[str, Theme]:
    lookup = {}
    for theme in Theme.objects.all():
        lookup[theme.slug.lower()] = theme
        lookup[unicodedata.normalize("NFKC", theme.name_ja)] = theme
    return lookup


def _parse_int(text: str, column: str, problems: list[str], *, minimum: int = 0) -> int | None:
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("円", "").strip()
    try:
        value = int(cleaned)
    except ValueError:
        problems.append(_("%(column)s is not a whole number: %(value)s") % {"column": column, "value": text})
        return None
    if value < minimum:
        problems.append(_("%(column)s must be at least %(min)d.") % {"column": column, "min": minimum})
        return None
    return value


def _parse_date(text: str, column: str, problems: list[str]) -> dt.date | None:
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    if not DATE_RE.match(text):
        problems.append(
            _("%(column)s is not a date (YYYY-MM-DD): %(value)s") % {"column": column, "value": text}
        )
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(_("%(column)s is not a real date: %(value)s") % {"column": column, "value": text})
        return None


def _check_row(line: int, data: dict, themes_by_name: dict, lgs: dict) -> tuple[_Row | None, list[str]]:
    problems: list[str] = []
    code = normalise_digits(data.get("municipality_code", ""))
    lg = None
    if not code:
        problems.append(_("municipality_code is empty."))
    elif not is_valid_lg_code(code):
        problems.append(
            _("municipality_code %(code)s is not a valid local-government code.") % {"code": code}
        )
    else:
        lg = lgs.get(code)
        if lg is None:
            problems.append(_("Unknown municipality code %(code)s.") % {"code": code})
        elif lg.kind == LocalGovernment.Kind.PREFECTURE:
            problems.append(_("%(code)s is a prefecture, not a municipality.") % {"code": code})
    for column in ("title", "summary", "background", "desired_outcome"):
        if not data.get(column):
            problems.append(_("%(column)s is empty.") % {"column": column})
    if len(data.get("title", "")) > 255:
        problems.append(_("title is longer than 255 characters."))
    if len(data.get("summary", "")) > SUMMARY_MAX_CHARS:
        problems.append(
            _("summary has %(n)d characters; at most %(max)d are allowed.")
            % {"n": len(data["summary"]), "max": SUMMARY_MAX_CHARS}
        )
    themes = []
    for name in re.split(r"[;；]", data.get("themes", "")):
        key = unicodedata.normalize("NFKC", name).strip()
        if not key:
            continue
        theme = themes_by_name.get(key.lower()) or themes_by_name.get(key)
        if theme is None:
            problems.append(_("Unknown theme: %(theme)s") % {"theme": key})
        elif theme not in themes:
            themes.append(theme)
    budget_min = _parse_int(data.get("budget_min_yen", ""), "budget_min_yen", problems)
    budget_max = _parse_int(data.get("budget_max_yen", ""), "budget_max_yen", problems)
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        problems.append(_("budget_min_yen is above budget_max_yen."))
    max_partners = _parse_int(data.get("max_partners", ""), "max_partners", problems, minimum=1)
    opens = _parse_date(data.get("application_opens", ""), "application_opens", problems)
    closes = _parse_date(data.get("application_closes", ""), "application_closes", problems)
    if opens is None and not data.get("application_opens"):
        problems.append(_("application_opens is empty."))
    if closes is None and not data.get("application_closes"):
        problems.append(_("application_closes is empty."))
    if opens and closes and closes < opens:
        problems.append(_("application_closes is before application_opens."))
    poc_start = _parse_date(data.get("poc_start", ""), "poc_start", problems)
    poc_end = _parse_date(data.get("poc_end", ""), "poc_end", problems)
    if poc_start and poc_end and poc_end < poc_start:
        problems.append(_("poc_end is before poc_start."))
    if problems:
        return None, problems
    values = {
        "title": data["title"],
        "summary": data["summary"],
        "background": data["background"],
        "desired_outcome": data["desired_outcome"],
        "application_opens": start_of_day_jst(opens),
        "application_closes": end_of_day_jst(closes),
        "budget_min_yen": budget_min,
        "budget_max_yen": budget_max,
        "max_partners": max_partners or 1,
        "poc_start": poc_start,
        "poc_end": poc_end,
    }
    return _Row(line=line, values=values, themes=themes, local_government=lg), []


def _organisation_for(lg: LocalGovernment, cache: dict, created: list) -> Organisation:
    org = cache.get(lg.code)
    if org is None:
        org = Organisation.objects.filter(local_government=lg).first()
    if org is None:
        slug = slugify(lg.name_en or "") or f"lg-{lg.code}"
        if Organisation.objects.filter(slug=slug).exists():
            slug = f"{slug}-{lg.code}"
        with translation.override("ja"):  # the name is Japanese whatever language the importer uses
            name = str(lg)
        org = Organisation(
            kind=Organisation.Kind.MUNICIPALITY,
            name=name,
            name_kana=lg.name_kana,
            name_en=lg.name_en,
            slug=slug,
            local_government=lg,
            prefecture=lg.prefecture,
        )
        org.full_clean()
        org.save()
        organisation_workspace_ensure(organisation=org)
        created.append(org)
    cache[lg.code] = org
    return org


def import_challenges(
    *,
    content: bytes,
    filename: str = "",
    publish: bool = False,
    actor=None,
    index_page: ChallengeIndexPage | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check every row, then create all challenges in one transaction — or none, with every problem listed."""
    result = ImportResult()
    if len(content) > MAX_IMPORT_BYTES:
        result.errors.append(RowError(line=1, message=_("The file is larger than 5 MB.")))
        return result
    try:
        raw_rows = list(read_rows(content, filename))
    except MalformedFile as exc:
        result.errors.append(RowError(line=1, message=str(exc)))
        return result
    if not raw_rows:
        result.errors.append(RowError(line=2, message=_("The file has no data rows.")))
        return result
    index_page = index_page or ChallengeIndexPage.objects.first()
    if index_page is None:
        result.errors.append(
            RowError(line=1, message=_("There is no challenge catalogue page to import into."))
        )
        return result
    themes_by_name = _theme_lookup()
    codes = {normalise_digits(data.get("municipality_code", "")) for _line, data in raw_rows}
    lgs = {lg.code: lg for lg in LocalGovernment.objects.filter(code__in=codes).select_related("prefecture")}
    checked: list[_Row] = []
    for line, data in raw_rows:
        row, problems = _check_row(line, data, themes_by_name, lgs)
        result.errors.extend(RowError(line=line, message=p) for p in problems)
        if row is not None:
            checked.append(row)
    if result.errors:
        return result
    orgs: dict[str, Organisation] = {}
    try:
        with transaction.atomic():
            for done, row in enumerate(checked, start=1):
                try:
                    org = _organisation_for(row.local_government, orgs, result.new_organisations)
                    page = challenge_create(
                        index_page=index_page,
                        municipality=org,
                        themes=row.themes,
                        publish=publish,
                        actor=actor,
                        **row.values,
                    )
                except ValidationError as exc:
                    messages = (
                        [f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items()]
                        if hasattr(exc, "error_dict")
                        else exc.messages
                    )
                    result.errors.extend(RowError(line=row.line, message=m) for m in messages)
                    raise
                result.created.append(page)
                if progress:
                    progress(done, len(checked))
            record(
                actor=actor,
                action="challenge.import",
                obj=None,
                filename=filename,
                rows=len(checked),
                published=publish,
                new_organisations=[o.slug for o in result.new_organisations],
            )
    except ValidationError:
        result.created, result.new_organisations = [], []
    return result
