"""Inputs out and in: a template per model kind, and the inputs read back from a file.

A regulator keeps its own case in one file and edits it in its spreadsheet:

* :func:`template_table` / :func:`template_csv` / :func:`template_workbook` write every input of
  a kind (``thesis``: the Appendix C cost model and chapter 8 valuation; ``interference``: the
  TV white-space case) with its key, value, unit, valid range, label and source; a series input
  (one value per model year, or the case's four locations) takes one row per position;
* :func:`read_inputs` reads such a template (CSV or xlsx), or a workbook that ``xlspectrum build``
  wrote and the user edited in Excel or LibreOffice (its input cells found through the
  workbook's layout, not by searching for labels), and returns what ``--set`` would: the inputs
  that differ from the defaults, each with the file, sheet and cell (or row) it came from.

Validation is the inputs' own (:meth:`xlspectrum.models.costmodel.inputs.Input.coerce`,
:func:`xlspectrum.models.tvws.validate`); a bad value is refused in one line naming the file, the cell
or row, the value and what is allowed. An unknown key, a repeated row, a missing year or an
unknown column is refused, never ignored.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from xlspectrum.core.validation import XlSpectrumError, number_from_text
from xlspectrum.models.costmodel.inputs import INPUTS, YEARS, Input

#: the model kinds that have a template
KINDS = ("thesis", "interference", "local")
#: the local licence workbook's Figure 26 signal levels, a series of one value per level
LOCAL_LEVELS_KEY = "signal_level_dbm"
LOCAL_SITES = ("rural", "campus")

#: the template's columns, in order; ``key``, ``position`` and ``value`` are read, the rest describe
COLUMNS = ("key", "position", "value", "unit", "valid_range", "label", "source")
READ_COLUMNS = ("key", "position", "value")

#: the document keywords that mark an xlsx template of ``kind``
TEMPLATE_MARKER = "xlspectrum inputs template: {kind}"
TEMPLATE_SHEET = "Inputs"
#: the header row of the xlsx template (a title and a how-to above it)
TEMPLATE_HEADER_ROW = 4

POSITION_MEANING = {
    "thesis": "the model year of a series input (1 = first_year); empty for one value",
    "interference": "the location (1-4) of locations_km; empty for one value",
    "local": "the site of a site input (1 = rural, 2 = campus) or the level of signal_level_dbm (1-8); empty for one value",
}


class InputsFileError(XlSpectrumError):
    """A file of inputs that cannot be read as given: the message names the file, the cell or row, and why."""


@dataclass(frozen=True)
class Field:
    """One row of a template: an input, or one position of a series input."""

    key: str
    position: int | None
    value: Any
    unit: str
    valid_range: str
    label: str
    source: str


@dataclass
class InputsRead:
    """What a file of inputs holds: the inputs that differ from the defaults, and where each came from."""

    kind: str
    path: Path
    #: what ``--set`` would give, by key (series as one list of values per model year)
    overrides: dict[str, Any] = field(default_factory=dict)
    #: where each override came from: ``"case.xlsx, Inputs!C12"`` or ``"case.csv, rows 31-45"``
    sources: dict[str, str] = field(default_factory=dict)
    #: the interference case's locations [km], when they differ from the defaults
    locations_km: list[float] | None = None

    def describe(self) -> list[str]:
        """One line per input read that differs from the defaults: ``key = value (from where)``."""
        lines = []
        for key, value in self.overrides.items():
            lines.append(f"{key} = {_shown(value)} (from {self.sources[key]})")
        if self.locations_km is not None:
            lines.append(f"locations_km = {_shown(self.locations_km)} (from {self.sources['locations_km']})")
        return lines


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        values = [float(v) for v in value]
        while len(values) > 1 and values[-1] == 0:
            values.pop()
        return " ".join(f"{v:.12g}" for v in values)
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputsFileError(f"kind={kind!r}: templates exist for {', '.join(KINDS)}")
    return kind


# ------------------------------------------------------------------------------------- out
def _plain(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return value


def template_fields(kind: str, overrides: Mapping[str, Any] | None = None) -> list[Field]:
    """Every row of ``kind``'s template, with the defaults (or the values ``overrides`` gives)."""
    _check_kind(kind)
    fields: list[Field] = []
    if kind == "thesis":
        from xlspectrum.models.costmodel.inputs import resolve

        values = resolve(overrides)
        for item in INPUTS.values():
            if item.kind == "series":
                series = np.asarray(values[item.key], dtype=float)
                fields += [Field(item.key, year + 1, _plain(series[year]), item.unit, item.range_text(), item.label,
                                 item.source) for year in range(YEARS)]
            else:
                fields.append(Field(item.key, None, _plain(values[item.key]), item.unit, item.range_text(), item.label,
                                    item.source))
        return fields
    if kind == "local":
        return _local_fields(overrides)
    from xlspectrum.models import tvws

    values = tvws.validate({k: v for k, v in (overrides or {}).items() if k != "locations_km"})
    for key, assumption in tvws.ASSUMPTIONS.items():
        fields.append(Field(key, None, _plain(values[key]), assumption.unit, f"{assumption.low:g} to {assumption.high:g}",
                            assumption.label, assumption.source))
    low, high = tvws.LOCATION_RANGE_KM
    locations = (overrides or {}).get("locations_km", tvws.LOCATIONS_KM)
    for position, location in enumerate(tvws._locations(locations), start=1):
        fields.append(Field("locations_km", position, _plain(location), "km", f"{low:g} to {high:g}",
                            "Distance of the secondary transmitter from the primary", "paper, section IV (Figures 1-4)"))
    return fields


def template_table(kind: str, overrides: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """``kind``'s template as rows of :data:`COLUMNS`."""
    return [{"key": f.key, "position": "" if f.position is None else f.position, "value": f.value, "unit": f.unit,
             "valid_range": f.valid_range, "label": f.label, "source": f.source} for f in template_fields(kind, overrides)]


def template_csv(kind: str, overrides: Mapping[str, Any] | None = None) -> bytes:
    """``kind``'s template as CSV (UTF-8, one header row; the text cells are the project's own)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in template_table(kind, overrides):
        writer.writerow({k: ("TRUE" if v is True else "FALSE" if v is False else v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def template_workbook(kind: str, overrides: Mapping[str, Any] | None = None) -> bytes:
    """``kind``'s template as an xlsx file in the workbooks' input style, with data validation."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from xlspectrum.workbooks.style import BOLD, HEADER_FILL, INPUT_FILL, INPUT_FONT, NOTE_FONT, name_fonts
    from xlspectrum.workbooks.package import FIXED_DATE, workbook_bytes

    fields = template_fields(kind, overrides)
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    ws["A1"] = f"xlspectrum inputs: {kind} model"
    ws["A1"].font = BOLD
    command = {"thesis": "value", "interference": "rights", "local": "build --model local"}[kind]
    ws["A2"] = (f"Change the blue values, then give this file to a command with --inputs FILE (e.g. xlspectrum "
                f"{command} --inputs FILE). position: {POSITION_MEANING[kind]}. "
                "Rates are fractions (9 % is 0.09).")
    ws["A2"].font = NOTE_FONT
    for column, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(TEMPLATE_HEADER_ROW, column, name)
        cell.font, cell.fill = BOLD, HEADER_FILL
    choices: dict[str, DataValidation] = {}
    for row, item in enumerate(fields, start=TEMPLATE_HEADER_ROW + 1):
        for column, name in enumerate(COLUMNS, start=1):
            value = getattr(item, name)
            ws.cell(row, column, "" if value is None else value)
        cell = ws.cell(row, 3)
        cell.font, cell.fill = INPUT_FONT, INPUT_FILL
        if kind == "local":  # no ranges of their own: the pricing and coverage formulas check them when read
            continue
        spec = INPUTS.get(item.key) if kind == "thesis" else None
        if spec is not None and spec.is_rate:
            cell.number_format = "0.0%"
        if spec is not None and spec.kind == "choice":
            if item.key not in choices:
                choices[item.key] = DataValidation(type="list", formula1='"' + ",".join(spec.options) + '"',
                                                   showErrorMessage=True, errorTitle="Not an option",
                                                   error=f"Choose one of: {', '.join(spec.options)}")
                ws.add_data_validation(choices[item.key])
            choices[item.key].add(cell)
        elif spec is not None and spec.kind == "switch":
            validation = DataValidation(type="list", formula1='"TRUE,FALSE"', showErrorMessage=True)
            ws.add_data_validation(validation)
            validation.add(cell)
        else:
            low, high = _bounds(kind, item.key)
            validation = DataValidation(type="decimal", operator="between", formula1=repr(low), formula2=repr(high),
                                        showErrorMessage=True, errorTitle="Outside the valid range",
                                        error=f"{item.key}: {item.valid_range} {item.unit}".strip())
            ws.add_data_validation(validation)
            validation.add(cell)
    for letter, width in zip("ABCDEFG", (36, 9, 16, 14, 22, 60, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{TEMPLATE_HEADER_ROW + 1}"
    name_fonts(wb)
    wb.properties.created = wb.properties.modified = FIXED_DATE
    wb.properties.creator = "xlspectrum"
    wb.properties.keywords = TEMPLATE_MARKER.format(kind=kind)
    return workbook_bytes(wb)


def _bounds(kind: str, key: str) -> tuple[float, float]:
    if kind == "thesis":
        item = INPUTS[key]
        return float(item.low), float(item.high)  # type: ignore[arg-type]
    from xlspectrum.models import tvws

    if key == "locations_km":
        return tvws.LOCATION_RANGE_KM
    return tvws.ASSUMPTIONS[key].low, tvws.ASSUMPTIONS[key].high


# -------------------------------------------------------------------------------------- in
@dataclass(frozen=True)
class _Cell:
    """One value read from a file, with where it was."""

    key: str
    position: int | None
    value: Any
    where: str
    #: a workbook's empty year cell: its formulas read it as 0
    empty_is_zero: bool = False


def detect_kind(path: str | os.PathLike[str]) -> tuple[str, str]:
    """``(kind, form)`` of a file of inputs: form is ``"csv"``, ``"template"`` or ``"workbook"``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return "", "csv"
    import zipfile

    from openpyxl import load_workbook

    from xlspectrum.core.files import ArchiveError, check_archive
    from xlspectrum.workbooks.rights import is_rights_model
    from xlspectrum.workbooks.thesis import is_thesis_model

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputsFileError(f"{path.name}: give a .csv or .xlsx file of inputs")
    try:
        check_archive(path)  # a zip bomb is refused before openpyxl unpacks it
        book = load_workbook(path, read_only=True)
    except ArchiveError as error:
        raise InputsFileError(str(error)) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputsFileError(f"{path.name} is not an xlsx workbook that can be read: {error}") from None
    try:
        keywords = book.properties.keywords or ""
    finally:
        book.close()
    for kind in (*KINDS, "exchange"):
        if keywords == TEMPLATE_MARKER.format(kind=kind):
            return kind, "template"
    from xlspectrum.workbooks.exchange import is_exchange_model

    if is_exchange_model(path):
        return "exchange", "workbook"
    from xlspectrum.workbooks.local import is_local_model

    if is_local_model(path):
        return "local", "workbook"
    if is_thesis_model(path):
        return "thesis", "workbook"
    if is_rights_model(path):
        return "interference", "workbook"
    raise InputsFileError(f"{path.name} is neither an xlspectrum inputs template nor a thesis or interference workbook "
                          "xlspectrum built (`xlspectrum inputs --model K -o FILE.xlsx` writes a template)")


def read_inputs(path: str | os.PathLike[str], kind: str | None = None) -> InputsRead:
    """The inputs a template (CSV or xlsx) or an edited xlspectrum workbook holds, as ``--set`` would give them.

    Parameters
    ----------
    path : a CSV or xlsx template from :func:`template_csv` / :func:`template_workbook` (or a CSV
        with at least the columns ``key``, ``position`` and ``value``), or a thesis or interference
        workbook written by ``xlspectrum build`` and edited in a spreadsheet.
    kind : ``"thesis"`` or ``"interference"``; a workbook or xlsx template says its own (and must
        agree), a CSV is read as ``kind`` (default ``"thesis"``).

    Returns
    -------
    InputsRead
        The inputs that differ from the defaults (``overrides``, what ``--set`` would give) and
        where each was read (``sources``).

    Raises
    ------
    InputsFileError
        Naming the file, the cell or row, the value and what is allowed.
    """
    path = Path(path)
    if not path.exists():
        raise InputsFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputsFileError(f"{path} is {'a folder' if path.is_dir() else 'not a regular file'}, not a file of inputs")
    found, form = detect_kind(path)
    if found and kind is not None and kind != found:
        raise InputsFileError(f"{path.name} holds the {found} model's inputs, not the {kind} model's")
    kind = _check_kind(found or kind or "thesis")
    if form == "csv":
        cells = list(_csv_cells(path))
    elif form == "template":
        cells = list(_template_cells(path))
    elif kind == "thesis":
        cells = list(_thesis_workbook_cells(path))
    elif kind == "local":
        cells = list(_local_workbook_cells(path))
    else:
        cells = list(_rights_workbook_cells(path))
    return _assemble(kind, path, cells)


def _csv_cells(path: Path) -> Iterator[_Cell]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputsFileError(f"{path.name} is not UTF-8 text: {error.reason} at byte {error.start}") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise InputsFileError(f"{path.name} is empty: it needs a header row with {', '.join(READ_COLUMNS)}")
    yield from _rows(path.name, [h.strip() for h in header], ((f"row {n}", row) for n, row in enumerate(reader, start=2)))


def _template_cells(path: Path) -> Iterator[_Cell]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if TEMPLATE_SHEET not in book.sheetnames:
            raise InputsFileError(f"{path.name} has no {TEMPLATE_SHEET} sheet")
        ws = book[TEMPLATE_SHEET]
        rows = list(ws.iter_rows(min_row=TEMPLATE_HEADER_ROW, values_only=True))
    finally:
        book.close()
    if not rows:
        raise InputsFileError(f"{path.name}: {TEMPLATE_SHEET} has no header in row {TEMPLATE_HEADER_ROW}")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    value_column = header.index("value") + 1 if "value" in header else 3
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[value_column - 1]
    numbered = ((f"{TEMPLATE_SHEET}!{letter}{TEMPLATE_HEADER_ROW + n}", list(row[:len(header)]))
                for n, row in enumerate(rows[1:], start=1))
    yield from _rows(path.name, header, numbered)


def _rows(name: str, header: list[str], rows: Any) -> Iterator[_Cell]:
    """Cells from rows under ``header``: the columns checked, blank rows skipped."""
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputsFileError(f"{name}: unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise InputsFileError(f"{name}: column {repeated[0]!r} appears twice")
    missing = [c for c in READ_COLUMNS if c not in header]
    if missing:
        raise InputsFileError(f"{name}: no {missing[0]!r} column; a file of inputs needs {', '.join(READ_COLUMNS)}")
    at = {c: header.index(c) for c in READ_COLUMNS}
    for where, row in rows:
        row = list(row) + [None] * (len(header) - len(row))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        key = row[at["key"]]
        key = "" if key is None else str(key).strip()
        if not key:
            raise InputsFileError(f"{name}, {where}: no key")
        raw_position = row[at["position"]]
        position: int | None = None
        if raw_position is not None and str(raw_position).strip():
            try:
                position = int(float(str(raw_position).strip()))
            except ValueError:
                raise InputsFileError(f"{name}, {where}: position {raw_position!r} of {key} is not a whole number") from None
            if float(str(raw_position).strip()) != position or position < 1:
                raise InputsFileError(f"{name}, {where}: position {raw_position!r} of {key} must be a whole number from 1")
        value = row[at["value"]]
        if isinstance(value, str) and not value.strip():
            value = None  # an empty CSV field is an empty cell
        yield _Cell(key, position, value, f"{name}, {where}")


def _thesis_workbook_cells(path: Path) -> Iterator[_Cell]:
    """The thesis workbook's input cells, where its layout placed them."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from xlspectrum.models.chapter8 import UHF
    from xlspectrum.models.costmodel.networks import UHF_700
    from xlspectrum.workbooks.thesis import FIRST_YEAR_COLUMN, VALUE_COLUMN, cell_places

    book = load_workbook(path, data_only=False)
    places = cell_places()
    for key, item in INPUTS.items():
        sheet, row, _ = places[key]
        ws = book[sheet]
        if item.kind == "series":
            for year in range(YEARS):
                column = FIRST_YEAR_COLUMN + year
                yield _Cell(key, year + 1, ws.cell(row, column).value,
                            f"{path.name}, {sheet}!{get_column_letter(column)}{row}", empty_is_zero=True)
        else:
            yield _Cell(key, None, ws.cell(row, VALUE_COLUMN).value, f"{path.name}, {sheet}!{get_column_letter(VALUE_COLUMN)}{row}")
    # the 700 MHz-only network's own inputs are the model's, not the user's: an edit there cannot be honoured
    uhf_places = cell_places(UHF)
    for key, built in UHF_700.overridden.items():
        sheet, row, _ = uhf_places[key]
        typed = book[sheet].cell(row, VALUE_COLUMN).value
        if not isinstance(typed, (int, float)) or isinstance(typed, bool) or not np.isclose(typed, built, rtol=1e-12):
            address = f"{sheet}!{get_column_letter(VALUE_COLUMN)}{row}"
            raise InputsFileError(f"{path.name}, {address}: {key}={typed!r} was changed from {built:g}; the 700 MHz-only "
                                  "network's own inputs are fixed by the model (chapter 8), so the commands cannot follow "
                                  "this edit: set it back")


def _rights_workbook_cells(path: Path) -> Iterator[_Cell]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from xlspectrum.models import tvws
    from xlspectrum.workbooks.rights import LOCATION_FIGURES, VALUE_COLUMN, _default_rows

    rows = _default_rows()
    ws = load_workbook(path)["Inputs"]
    letter = get_column_letter(VALUE_COLUMN)
    for key in tvws.ASSUMPTIONS:
        row = rows.places[key][1]
        yield _Cell(key, None, ws.cell(row, VALUE_COLUMN).value, f"{path.name}, Inputs!{letter}{row}")
    for i in range(len(LOCATION_FIGURES)):
        row = rows.places[f"location_{i}"][1]
        yield _Cell("locations_km", i + 1, ws.cell(row, VALUE_COLUMN).value, f"{path.name}, Inputs!{letter}{row}")


def _keys(kind: str) -> list[str]:
    if kind == "thesis":
        return list(INPUTS)
    if kind == "local":
        return list(_local_known())
    from xlspectrum.models import tvws

    return [*tvws.ASSUMPTIONS, "locations_km"]


def _grouped(cells: Sequence[_Cell], known: Mapping[str, str]) -> dict[str, list[_Cell]]:
    """Cells by key, in file order; unknown keys and repeated rows refused."""
    import difflib

    grouped: dict[str, list[_Cell]] = {}
    seen: dict[tuple[str, int | None], str] = {}
    for cell in cells:
        if cell.key not in known:
            close = difflib.get_close_matches(cell.key, list(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            other = next((kind for kind in KINDS if cell.key in _keys(kind) and set(_keys(kind)) != set(known)), None)
            this = next((kind for kind in KINDS if set(_keys(kind)) == set(known)), "")
            if other is not None:
                hint = f": it is an input of the {other} model, and this command takes the {this} model's"
            raise InputsFileError(f"{cell.where}: unknown input {cell.key!r}{hint}")
        if (cell.key, cell.position) in seen:
            raise InputsFileError(f"{cell.where}: {cell.key}{'' if cell.position is None else f' position {cell.position}'}"
                                  f" is given again (first at {seen[cell.key, cell.position].split(', ', 1)[1]})")
        seen[cell.key, cell.position] = cell.where
        wants_positions = known[cell.key] == "series"
        if wants_positions and cell.position is None:
            raise InputsFileError(f"{cell.where}: {cell.key} is a series: give one row per position (1, 2, ...)")
        if not wants_positions and cell.position is not None:
            raise InputsFileError(f"{cell.where}: {cell.key} is one value: leave its position empty")
        grouped.setdefault(cell.key, []).append(cell)
    return grouped


def _span(cells: Sequence[_Cell]) -> str:
    if len(cells) == 1:
        return cells[0].where
    name, first = cells[0].where.split(", ", 1)
    last = cells[-1].where.split(", ", 1)[1]
    if first.startswith("row ") and last.startswith("row "):
        return f"{name}, rows {first[4:]}-{last[4:]}"
    return f"{name}, {first}:{last.split('!')[-1]}"


def _number(cell: _Cell, unit: str) -> float:
    """A cell's number: typed, or text as the command line reads it (``9%`` is 0.09)."""
    value = cell.value
    if isinstance(value, str):
        try:
            value = number_from_text(value)
        except ValueError:
            raise InputsFileError(f"{cell.where}: {cell.key}={cell.value!r} is not a number ({unit})") from None
    if value is None:
        raise InputsFileError(f"{cell.where}: {cell.key} has no value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputsFileError(f"{cell.where}: {cell.key}={value!r} is not a number ({unit})")
    return float(value)


def _thesis_value(item: Input, cells: list[_Cell]) -> Any:
    if item.kind == "series":
        positions = [c.position for c in cells]
        missing = [p for p in range(1, YEARS + 1) if p not in positions]
        beyond = [p for p in positions if p is not None and p > YEARS]
        if beyond:
            raise InputsFileError(f"{cells[positions.index(beyond[0])].where}: {item.key} has {YEARS} model years; "
                                  f"position {beyond[0]} is beyond them")
        if missing:
            raise InputsFileError(f"{_span(cells)}: {item.key} has no value for model year {missing[0]} "
                                  f"(give all {YEARS}, 0 where there is none)")
        by_position = {c.position: c for c in cells}
        return [0.0 if by_position[p].value is None and by_position[p].empty_is_zero
                else _number(by_position[p], item.unit) for p in range(1, YEARS + 1)]
    (cell,) = cells
    if item.kind == "choice":
        if cell.value is None:
            raise InputsFileError(f"{cell.where}: {item.key} has no value; choose one of {', '.join(item.options)}")
        return str(cell.value).strip()
    if item.kind == "switch":
        if isinstance(cell.value, bool):
            return cell.value
        text = "" if cell.value is None else str(cell.value).strip().upper()
        if text not in ("TRUE", "FALSE"):
            raise InputsFileError(f"{cell.where}: {item.key}={cell.value!r} must be TRUE or FALSE")
        return text == "TRUE"
    return _number(cell, item.unit)


def _same(value: Any, default: Any) -> bool:
    if isinstance(default, np.ndarray) or isinstance(value, (list, np.ndarray)):
        return bool(np.array_equal(np.asarray(value, dtype=float), np.asarray(default, dtype=float)))
    return bool(value == default)


def _assemble(kind: str, path: Path, cells: list[_Cell]) -> InputsRead:
    read = InputsRead(kind, path)
    if kind == "thesis":
        grouped = _grouped(cells, {key: item.kind for key, item in INPUTS.items()})
        for key, group in grouped.items():
            item = INPUTS[key]
            value = _thesis_value(item, group)
            try:
                coerced = item.coerce(value)
            except ValueError as error:
                raise InputsFileError(f"{_span(group)}: {error}") from None
            if not _same(coerced, item.default):
                if item.kind == "series":  # as --set gives it: the years after the last non-zero one are zeros anyway
                    while len(value) > 1 and value[-1] == 0:
                        value = value[:-1]
                read.overrides[key] = value
                read.sources[key] = _span(group)
        from xlspectrum.models.costmodel.inputs import resolve

        try:
            resolve(read.overrides)
        except ValueError as error:  # checks across inputs
            raise InputsFileError(f"{path.name}: {error}") from None
        return read
    if kind == "local":
        return _assemble_local(path, cells, read)
    from xlspectrum.models import tvws

    known = {key: "number" for key in tvws.ASSUMPTIONS} | {"locations_km": "series"}
    grouped = _grouped(cells, known)
    for key, group in grouped.items():
        if key == "locations_km":
            continue
        (cell,) = group
        value = _number(cell, tvws.ASSUMPTIONS[key].unit)
        try:
            tvws.validate({key: value})
        except ValueError as error:
            raise InputsFileError(f"{cell.where}: {error}") from None
        if value != tvws.ASSUMPTIONS[key].value:
            read.overrides[key] = value
            read.sources[key] = cell.where
    try:
        tvws.validate(read.overrides)
    except ValueError as error:
        raise InputsFileError(f"{path.name}: {error}") from None
    if "locations_km" in grouped:
        group = sorted(grouped["locations_km"], key=lambda c: c.position or 0)
        expected = list(range(1, len(tvws.LOCATIONS_KM) + 1))
        if [c.position for c in group] != expected:
            raise InputsFileError(f"{_span(group)}: locations_km needs positions {expected[0]}-{expected[-1]}, "
                                  f"one each (the workbook has {len(expected)} locations)")
        locations = [_number(c, "km") for c in group]
        for cell, location in zip(group, locations, strict=True):
            try:
                tvws._locations([location])
            except ValueError as error:
                raise InputsFileError(f"{cell.where}: locations_km position {cell.position}: {error}") from None
        if locations != list(tvws.LOCATIONS_KM):
            read.locations_km = locations
            read.sources["locations_km"] = _span(group)
    return read


# --------------------------------------------------------------------------------- scenarios
#: the column of a scenario file that names each scenario (the other columns are input keys)
SCENARIO_COLUMN = "scenario"


@dataclass
class ScenariosRead:
    """A file of scenarios: one name per scenario and, per input key, its value in each scenario."""

    path: Path
    #: the scenario names, in file order (the user's text, kept as given)
    names: list[str]
    #: what the cost model's scenario axis takes: a number input as one value per scenario (a float
    #: array of ``len(names)``), a choice or switch as its one value (it cannot vary by scenario)
    overrides: dict[str, Any] = field(default_factory=dict)
    #: the file row of each scenario (for messages)
    rows: list[int] = field(default_factory=list)
    #: the column of each key: ``"C (wacc)"``
    columns: dict[str, str] = field(default_factory=dict)

    def where(self, scenario: int) -> str:
        """Where scenario ``scenario`` (0-based) is: ``"case.csv, row 3 (scenario 'high')"``."""
        return f"{self.path.name}, row {self.rows[scenario]} (scenario {self.names[scenario]!r})"


def read_scenarios(path: str | os.PathLike[str]) -> ScenariosRead:
    """The scenarios of a CSV file: a ``scenario`` column of names, then one column per thesis input key.

    Each row is one scenario; a cell is what ``--set KEY=VALUE`` would take for that scenario
    (``9%`` reads as 0.09). Number inputs vary by scenario and run on the cost model's scenario
    axis (:mod:`xlspectrum.models.costmodel.engine`) in one call; a choice or switch input
    (``demand_forecast``, ...) must be the same in every row, as the engine runs one at a time;
    a series input (one value per model year) is not a column: give it with ``--inputs`` or ``--set``.

    Parameters
    ----------
    path : a UTF-8 CSV file, one header row.

    Returns
    -------
    ScenariosRead
        The names and, by key, the values of every scenario.

    Raises
    ------
    InputsFileError
        Naming the file, the row and the column, the value and what is allowed; an unknown or
        repeated column, an empty or repeated scenario name, an empty cell, or a file with no
        scenario is refused.
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if not path.exists():
        raise InputsFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputsFileError(f"{path} is {'a folder' if path.is_dir() else 'not a regular file'}, not a file of scenarios")
    if path.suffix.lower() != ".csv":
        raise InputsFileError(f"{path.name}: a file of scenarios is CSV (a {SCENARIO_COLUMN} column, then one column per "
                              "input key)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputsFileError(f"{path.name} is not UTF-8 text: {error.reason} at byte {error.start}") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    while header and header[-1] == "":
        header.pop()
    name = path.name
    if not header:
        raise InputsFileError(f"{name} is empty: it needs a header row of {SCENARIO_COLUMN} and input keys")
    if SCENARIO_COLUMN not in header:
        raise InputsFileError(f"{name}: no {SCENARIO_COLUMN!r} column; a file of scenarios needs one (the names), then "
                              "input keys")
    letters = {h: f"{get_column_letter(i + 1)} ({h})" for i, h in enumerate(header)}
    for i, key in enumerate(header):
        if header.index(key) < i:
            raise InputsFileError(f"{name}, column {get_column_letter(i + 1)}: column {key!r} appears twice (first in "
                                  f"column {get_column_letter(header.index(key) + 1)})")
        if key == SCENARIO_COLUMN:
            continue
        where = f"{name}, column {get_column_letter(i + 1)}"
        if not key:
            raise InputsFileError(f"{where}: a column with no name; name it by an input key")
        if key not in INPUTS:
            import difflib

            close = difflib.get_close_matches(key, list(INPUTS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else "; `xlspectrum inputs` lists the keys"
            raise InputsFileError(f"{where}: unknown input {key!r}{hint}")
        if INPUTS[key].kind == "series":
            raise InputsFileError(f"{where}: {key} is a series (one value per model year) and cannot be a column of "
                                  "scenarios; give it with --inputs or --set")
    keys = [h for h in header if h != SCENARIO_COLUMN]
    if not keys:
        raise InputsFileError(f"{name}: no input columns; after {SCENARIO_COLUMN}, give one column per input key")
    names: list[str] = []
    rows: list[int] = []
    values: dict[str, list[Any]] = {key: [] for key in keys}
    first_row: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if all(not cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            raise InputsFileError(f"{name}, row {number}: {len(row)} cells under a header of {len(header)} columns")
        row = row + [""] * (len(header) - len(row))
        cells = dict(zip(header, row))
        scenario = cells[SCENARIO_COLUMN]
        if not scenario.strip():
            raise InputsFileError(f"{name}, row {number}, column {letters[SCENARIO_COLUMN]}: no scenario name")
        if scenario in names:
            raise InputsFileError(f"{name}, row {number}, column {letters[SCENARIO_COLUMN]}: scenario {scenario!r} is "
                                  f"given again (first at row {rows[names.index(scenario)]})")
        names.append(scenario)
        rows.append(number)
        for key in keys:
            item = INPUTS[key]
            cell = _Cell(key, None, cells[key] if cells[key].strip() else None,
                         f"{name}, row {number}, column {letters[key]}")
            value = _thesis_value(item, [cell])
            try:
                coerced = item.coerce(value)
            except ValueError as error:
                raise InputsFileError(f"{cell.where}: {error}") from None
            if item.kind in ("choice", "switch") and values[key] and coerced != values[key][0]:
                raise InputsFileError(f"{cell.where}: {key}={cell.value!r} differs from row {first_row[key]}'s "
                                      f"{values[key][0]!r}; a {item.kind} cannot vary by scenario (the cost model runs "
                                      "one at a time): run one file per value")
            first_row.setdefault(key, number)
            values[key].append(coerced)
    if not names:
        raise InputsFileError(f"{name}: no scenarios; give one row per scenario under the header")
    read = ScenariosRead(path, names, rows=rows, columns={key: letters[key] for key in keys})
    for key in keys:
        item = INPUTS[key]
        read.overrides[key] = values[key][0] if item.kind in ("choice", "switch") else np.array(values[key], dtype=float)
    return read


# ---------------------------------------------------------------------------------- exchange
#: the exchange template's sheets: the lots on offer (the Register's columns) and the package bids
EXCHANGE_LOTS_SHEET, EXCHANGE_BIDS_SHEET = "Lots", "Bids"
#: text columns of a lot (the rest are numbers)
LOT_TEXT = ("lot_id", "band", "area", "window", "owner")


def _lot_columns() -> list[tuple[str, str, str, str]]:
    from xlspectrum.workbooks.exchange import REGISTER_COLUMNS

    return list(REGISTER_COLUMNS)


def _bid_inputs() -> list[tuple[str, str, str, str]]:
    from xlspectrum.workbooks.exchange import BID_INPUTS

    return list(BID_INPUTS)


@dataclass
class ExchangeRead:
    """The exchange's inputs a file holds: the lots (Register) and the package bids (Bids), as
    :func:`xlspectrum.models.rights_market.register` and :func:`~xlspectrum.models.rights_market.bids` give them."""

    path: Path
    lots: Any
    bids: Any
    #: where each table was read: ``{"lots": "case.xlsx, Register!A6:M8", "bids": ...}``
    sources: dict[str, str] = field(default_factory=dict)
    #: the cells that differ from the built-in example (``b1 capacity = 50000 (from case.xlsx, Bids!G6)``)
    changes: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """One line per table read, then one per input that differs from the built-in example."""
        return ([f"{len(self.lots)} lots (from {self.sources['lots']})", f"{len(self.bids)} bids (from {self.sources['bids']})"]
                + self.changes)


def exchange_template_csv(lots: Any = None, bids: Any = None) -> bytes:
    """The exchange's bids in the CSV format ``xlspectrum auction FILE.csv`` reads: ``bidder``, ``value`` [US$]
    (eq. (14), floored at 0), then the units of each lot; the bid names stay text (files.csv_text)."""
    from xlspectrum.models import rights_market
    from xlspectrum.core.files import to_csv

    lots = rights_market.register() if lots is None else lots
    bids = rights_market.bids() if bids is None else bids
    return to_csv(bids[["bidder", "value", *lots.index]]).encode("utf-8")


def exchange_template_workbook(lots: Any = None, bids: Any = None) -> bytes:
    """The exchange's lots and bids as an xlsx template (sheets Lots and Bids) in the workbooks' input style."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from xlspectrum.models import rights_market
    from xlspectrum.workbooks.style import BOLD, HEADER_FILL, INPUT_FILL, INPUT_FONT, NOTE_FONT, name_fonts
    from xlspectrum.workbooks.package import FIXED_DATE, workbook_bytes

    lots = rights_market.register() if lots is None else lots
    bids = rights_market.bids() if bids is None else bids
    wb = Workbook()
    lot_sheet = wb.active
    lot_sheet.title = EXCHANGE_LOTS_SHEET
    bid_sheet = wb.create_sheet(EXCHANGE_BIDS_SHEET)
    lot_ids = list(lots.index)
    lot_header = [key for key, *_ in _lot_columns()]
    bid_header = ["bid", "bidder", *lot_ids, *(key for key, *_ in _bid_inputs())]
    units = {key: unit for key, _, unit, _ in _lot_columns() + _bid_inputs()}
    lows = {"quantity": 1, "penetration": 0}
    highs = {"penetration": 1}
    for ws, title, how, header, table, formats in (
            (lot_sheet, "xlspectrum inputs: exchange model, the lots on offer (one right each; eq. (12) sets the reserve)",
             "Change the blue cells; add a lot as a row (and a column of its units on the Bids sheet). Give this file "
             "to xlspectrum auction --inputs FILE or xlspectrum build --model exchange --inputs FILE.", lot_header, lots,
             {key: fmt for key, _, _, fmt in _lot_columns()}),
            (bid_sheet, "xlspectrum inputs: exchange model, the package bids (a bidder wins at most one of its bids)",
             "One row per all-or-nothing bid: the units of each lot it wants, and the eq. (14) inputs of its value "
             "(e C r - C_b, floored at 0). Penetration is a fraction (30 % is 0.3).", bid_header, bids,
             {**{lot: "0" for lot in lot_ids}, **{key: fmt for key, _, _, fmt in _bid_inputs()}})):
        ws["A1"], ws["A2"] = title, how
        ws["A1"].font, ws["A2"].font = BOLD, NOTE_FONT
        for column, name in enumerate(header, start=1):
            cell = ws.cell(TEMPLATE_HEADER_ROW - 1, column, f"[{units[name]}]" if units.get(name) else "")
            cell.font = NOTE_FONT
            cell = ws.cell(TEMPLATE_HEADER_ROW, column, name)
            cell.font, cell.fill = BOLD, HEADER_FILL
        last_row = TEMPLATE_HEADER_ROW + len(table)
        for row, (identifier, record) in enumerate(table.iterrows(), start=TEMPLATE_HEADER_ROW + 1):
            for column, name in enumerate(header, start=1):
                value = identifier if column == 1 else record[name]
                cell = ws.cell(row, column, _plain(value) if not isinstance(value, str) else value)
                cell.font, cell.fill = INPUT_FONT, INPUT_FILL
                if name in formats:
                    cell.number_format = formats[name]
        for column, name in enumerate(header, start=1):
            if column == 1 or name in LOT_TEXT or name == "bidder":
                continue
            whole = name == "quantity" or name in lot_ids
            low, high = lows.get(name, 0), highs.get(name)
            validation = DataValidation(type="whole" if whole else "decimal",
                                        operator="between" if high is not None else "greaterThanOrEqual",
                                        formula1=repr(low), formula2=None if high is None else repr(high),
                                        showErrorMessage=True, errorTitle="Outside the valid range",
                                        error=f"{name}: {'a whole number ' if whole else ''}{low}"
                                              f"{f' to {high}' if high is not None else ' or more'}")
            ws.add_data_validation(validation)
            letter = _letter(column)
            validation.add(f"{letter}{TEMPLATE_HEADER_ROW + 1}:{letter}{max(last_row, TEMPLATE_HEADER_ROW + 1) + 50}")
        for column in range(1, len(header) + 1):
            ws.column_dimensions[_letter(column)].width = 36 if header[column - 1] in ("band", "area") else 14
        ws.freeze_panes = f"B{TEMPLATE_HEADER_ROW + 1}"
    name_fonts(wb)
    wb.properties.created = wb.properties.modified = FIXED_DATE
    wb.properties.creator = "xlspectrum"
    wb.properties.keywords = TEMPLATE_MARKER.format(kind="exchange")
    return workbook_bytes(wb)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def read_exchange(path: str | os.PathLike[str]) -> ExchangeRead:
    """The lots and bids of an exchange template (xlsx) or of an exchange workbook xlspectrum built and the user edited.

    In a built workbook the tables are where its layout put them
    (:data:`xlspectrum.workbooks.exchange.FIRST_ROW`, the columns of
    :data:`~xlspectrum.workbooks.exchange.REGISTER_COLUMNS` and
    :data:`~xlspectrum.workbooks.exchange.BID_INPUTS`): a table runs down to its first empty
    identifier, and a header that is not the one the build wrote (a column moved, inserted or
    deleted) is refused.

    Parameters
    ----------
    path : an xlsx file from :func:`exchange_template_workbook`, or an exchange workbook.

    Returns
    -------
    ExchangeRead
        The lots (reserve [US$] by eq. (12)) and bids (value [US$] by eq. (14), floored at 0),
        and where each was read.

    Raises
    ------
    InputsFileError
        Naming the file, sheet and cell, the value and what is allowed; a CSV of bids (it has
        values, not the eq. (14) inputs: ``xlspectrum auction FILE.csv`` reads it) is refused.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise InputsFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputsFileError(f"{path} is {'a folder' if path.is_dir() else 'not a regular file'}, not a file of inputs")
    if path.suffix.lower() == ".csv":
        raise InputsFileError(f"{path.name}: a CSV of bids holds their values, not the lots and the eq. (14) inputs the "
                              "exchange needs: `xlspectrum auction FILE.csv` clears it; for the exchange give the xlsx "
                              "template (`xlspectrum inputs --model exchange -o FILE.xlsx`) or an exchange workbook")
    found, form = detect_kind(path)
    if found != "exchange":
        raise InputsFileError(f"{path.name} holds the {found} model's inputs, not the exchange's")
    book = load_workbook(path, data_only=False)
    if form == "template":
        for sheet in (EXCHANGE_LOTS_SHEET, EXCHANGE_BIDS_SHEET):
            if sheet not in book.sheetnames:
                raise InputsFileError(f"{path.name} has no {sheet} sheet")
        lot_sheet, bid_sheet = book[EXCHANGE_LOTS_SHEET], book[EXCHANGE_BIDS_SHEET]
        header_row, lot_names, bid_names = TEMPLATE_HEADER_ROW, None, None
    else:
        from xlspectrum.workbooks.exchange import FIRST_ROW, _labelled

        if not _nz_defaults(path):
            raise InputsFileError(f"{path.name}, NZ inputs: the New Zealand 700 MHz inputs were changed; --inputs carries "
                                  "the Register and Bids sheets only, so a workbook built from it would lose that edit: "
                                  "set them back, or keep working in this workbook (xlspectrum recalc checks it)")
        lot_sheet, bid_sheet = book["Register"], book["Bids"]
        header_row = FIRST_ROW - 1
        lot_names = [_labelled(label, unit) for _, label, unit, _ in _lot_columns()]
        bid_names = {key: _labelled(label, unit) for key, label, unit, _ in _bid_inputs()}
    lots, lot_where = _read_lots(path.name, lot_sheet, header_row, lot_names)
    bids, bid_where = _read_bids(path.name, bid_sheet, header_row, list(lots.index), bid_names)
    read = ExchangeRead(path, lots, bids, {"lots": lot_where, "bids": bid_where})
    read.changes = _exchange_changes(lots, bids, path.name, lot_sheet.title, bid_sheet.title, header_row)
    return read


def _nz_defaults(path: Path) -> bool:
    from xlspectrum.workbooks.exchange import nz_inputs_are_defaults

    return nz_inputs_are_defaults(path)


def _header_of(name: str, ws: Any, row: int, expected: list[str] | None, what: str) -> list[str]:
    """The header row of a table: in a built workbook, the build's own (else refused); in a template, column keys."""
    header = []
    for column in range(1, ws.max_column + 1):
        value = ws.cell(row, column).value
        header.append("" if value is None else str(value).strip())
    while header and header[-1] == "":
        header.pop()
    if expected is not None:
        for column, want in enumerate(expected, start=1):
            got = header[column - 1] if column <= len(header) else ""
            if got != want:
                raise InputsFileError(f"{name}, {ws.title}!{_letter(column)}{row}: the header reads {got!r} where the build "
                                      f"wrote {want!r}: the {what} table's columns were moved, inserted or deleted; put "
                                      "them back (the commands read the cells where the build placed them)")
    return header


def _text_id(name: str, ws: Any, row: int, column: int, what: str) -> str | None:
    value = ws.cell(row, column).value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputsFileError(f"{name}, {ws.title}!{_letter(column)}{row}: {what} {value!r} must be a name")
    if isinstance(value, float):
        if not value.is_integer():
            raise InputsFileError(f"{name}, {ws.title}!{_letter(column)}{row}: {what} {value!r} must be a name, not a "
                                  "fraction")
        value = int(value)
    return str(value).strip()


def _cell_number(name: str, ws: Any, row: int, column: int, key: str, unit: str, low: float, high: float | None,
                 whole: bool = False) -> float:
    where = f"{name}, {ws.title}!{_letter(column)}{row}"
    value = _number(_Cell(key, None, ws.cell(row, column).value, where), unit or "-")
    allowed = f"{'a whole number ' if whole else ''}{low:g}{f' to {high:g}' if high is not None else ' or more'}"
    if not np.isfinite(value) or value < low or (high is not None and value > high) or (whole and not value.is_integer()):
        raise InputsFileError(f"{where}: {key}={ws.cell(row, column).value!r} must be {allowed}{f' {unit}' if unit else ''}")
    return value


def _table_rows(ws: Any, first: int) -> list[int]:
    """The rows of a table: from ``first`` down to the first row with no identifier."""
    rows = []
    row = first
    while ws.cell(row, 1).value is not None and not (isinstance(ws.cell(row, 1).value, str)
                                                     and not ws.cell(row, 1).value.strip()):
        rows.append(row)
        row += 1
    return rows


def _read_lots(name: str, ws: Any, header_row: int, expected: list[str] | None) -> tuple[Any, str]:
    import pandas as pd

    from xlspectrum.formulas.interference import reservation_price_ir

    columns = _lot_columns()
    keys = [key for key, *_ in columns]
    header = _header_of(name, ws, header_row, expected, "lots")
    if expected is None:
        _check_template_header(name, ws.title, header_row, header, keys)
    rows = _table_rows(ws, header_row + 1)
    if not rows:
        raise InputsFileError(f"{name}, {ws.title}!A{header_row + 1}: no lots; give one row per lot")
    records = []
    seen: dict[str, int] = {}
    for row in rows:
        lot_id = _text_id(name, ws, row, 1, "lot")
        assert lot_id is not None
        if lot_id in seen:
            raise InputsFileError(f"{name}, {ws.title}!A{row}: lot {lot_id!r} is given again (first in row {seen[lot_id]})")
        if lot_id in ("bidder", "value"):
            raise InputsFileError(f"{name}, {ws.title}!A{row}: a lot cannot be named {lot_id!r} (a column of the bids)")
        seen[lot_id] = row
        record: dict[str, Any] = {"lot_id": lot_id}
        for column, (key, _, unit, _) in enumerate(columns, start=1):
            if key == "lot_id":
                continue
            if key in LOT_TEXT:
                value = ws.cell(row, column).value
                record[key] = "" if value is None else str(value)
            else:
                record[key] = _cell_number(name, ws, row, column, key, unit, 1 if key == "quantity" else 0, None,
                                           whole=key == "quantity")
        record["quantity"] = int(record["quantity"])
        try:
            record["reserve_price"] = float(reservation_price_ir(
                record["viewers_before"], record["viewers_after"], record["income_per_viewer"], record["energy_cost_per_kwh"],
                record["duration_h"], record["power_before_kw"], record["power_after_kw"]))
        except ValueError as error:
            raise InputsFileError(f"{name}, {ws.title}!A{row}:{_letter(len(columns))}{row} (lot {lot_id}): {error}") from None
        records.append(record)
    table = pd.DataFrame(records).set_index("lot_id")
    return table, f"{name}, {ws.title}!A{rows[0]}:{_letter(len(columns))}{rows[-1]}"


def _check_template_header(name: str, sheet: str, row: int, header: list[str], keys: list[str]) -> None:
    for column, key in enumerate(header, start=1):
        if key not in keys:
            raise InputsFileError(f"{name}, {sheet}!{_letter(column)}{row}: unknown column {key!r}; the columns are "
                                  f"{', '.join(keys)}")
        if header.index(key) < column - 1:
            raise InputsFileError(f"{name}, {sheet}!{_letter(column)}{row}: column {key!r} appears twice")
    if header != keys:
        missing = [key for key in keys if key not in header]
        if missing:
            raise InputsFileError(f"{name}, {sheet}: no {missing[0]!r} column; the columns are {', '.join(keys)}")
        raise InputsFileError(f"{name}, {sheet}!A{row}: the columns must be in the template's order: {', '.join(keys)}")


def _read_bids(name: str, ws: Any, header_row: int, lot_ids: list[str], expected: dict[str, str] | None) -> tuple[Any, str]:
    import pandas as pd

    from xlspectrum.formulas.interference import secondary_value

    inputs = _bid_inputs()
    keys = ["bid", "bidder", *lot_ids, *(key for key, *_ in inputs)]
    if expected is None:
        header = _header_of(name, ws, header_row, None, "bids")
        _check_template_header(name, ws.title, header_row, header, keys)
    else:
        _header_of(name, ws, header_row, ["Bid", "Bidder", *[f"{lot} [units]" for lot in lot_ids], *expected.values()],
                   "bids (one units column per lot of the Register)")
    rows = _table_rows(ws, header_row + 1)
    if not rows:
        raise InputsFileError(f"{name}, {ws.title}!A{header_row + 1}: no bids; give one row per bid")
    highs = {"penetration": 1.0}
    records = []
    seen: dict[str, int] = {}
    for row in rows:
        bid = _text_id(name, ws, row, 1, "bid")
        assert bid is not None
        if bid in seen:
            raise InputsFileError(f"{name}, {ws.title}!A{row}: bid {bid!r} is given again (first in row {seen[bid]})")
        seen[bid] = row
        bidder = _text_id(name, ws, row, 2, "bidder")
        if bidder is None:
            raise InputsFileError(f"{name}, {ws.title}!B{row}: bid {bid} has no bidder")
        record: dict[str, Any] = {"bid": bid, "bidder": bidder}
        for j, lot in enumerate(lot_ids):
            record[lot] = int(_cell_number(name, ws, row, 3 + j, f"units of {lot}", "units", 0, None, whole=True))
        if not any(record[lot] for lot in lot_ids):
            raise InputsFileError(f"{name}, {ws.title}!C{row}:{_letter(2 + len(lot_ids))}{row}: bid {bid} wants no units "
                                  "of any lot; give at least one")
        for i, (key, _, unit, _) in enumerate(inputs):
            record[key] = _cell_number(name, ws, row, 3 + len(lot_ids) + i, key, unit, 0, highs.get(key))
        records.append(record)
    table = pd.DataFrame(records).set_index("bid")
    worth = secondary_value(table["penetration"], table["capacity"], table["revenue_per_unit"], table["operating_cost"])
    table["value"] = worth.clip(lower=0.0)
    last = _letter(2 + len(lot_ids) + len(inputs))
    return table, f"{name}, {ws.title}!A{rows[0]}:{last}{rows[-1]}"


def _exchange_changes(lots: Any, bids: Any, name: str, lot_sheet: str, bid_sheet: str, header_row: int) -> list[str]:
    """The inputs that differ from the built-in example, each with its cell; lots and bids added or removed."""
    from xlspectrum.models import rights_market

    default_lots, default_bids = rights_market.register(), rights_market.bids()
    lines = []
    for table, default, sheet, keys, what in (
            (lots, default_lots, lot_sheet, [key for key, *_ in _lot_columns()][1:], "lot"),
            (bids, default_bids, bid_sheet, ["bidder", *lots.index, *(key for key, *_ in _bid_inputs())], "bid")):
        for k, (identifier, record) in enumerate(table.iterrows()):
            row = header_row + 1 + k
            if identifier not in default.index:
                lines.append(f"{what} {identifier} added (from {name}, {sheet}!A{row})")
                continue
            for column, key in enumerate(keys, start=2):
                if key not in default.columns:
                    continue
                new, old = record[key], default.loc[identifier, key]
                if new != old and not (isinstance(new, float) and isinstance(old, float) and np.isclose(new, old, rtol=1e-12,
                                                                                                    atol=0)):
                    lines.append(f"{what} {identifier} {key} = {_shown(new)} (from {name}, {sheet}!{_letter(column)}{row})")
        for identifier in default.index:
            if identifier not in table.index:
                lines.append(f"{what} {identifier} removed (not in {name}, {sheet})")
    return lines


# ------------------------------------------------------------------------------------- local
def _local_known() -> dict[str, str]:
    """The local workbook's inputs by key: ``series`` (one per site, or per level) or ``number``."""
    from xlspectrum.workbooks.local import BUDGET_INPUTS, COMMON_INPUTS, SITE_INPUTS

    return ({item.key: "series" for item, *_ in SITE_INPUTS} | {item.key: "number" for item, _ in COMMON_INPUTS}
            | {item.key: "number" for item, _ in BUDGET_INPUTS} | {LOCAL_LEVELS_KEY: "series"})


def local_inputs(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The local workbook's inputs (:func:`xlspectrum.workbooks.local.default_inputs`' form) with ``overrides``:
    a site input as ``[rural, campus]``, ``signal_level_dbm`` as one value per level, the rest one value each."""
    from xlspectrum.workbooks.local import SITE_INPUTS, default_inputs

    inputs = default_inputs()
    site_keys = {item.key for item, *_ in SITE_INPUTS}
    for key, value in (overrides or {}).items():
        if key == LOCAL_LEVELS_KEY:
            inputs["levels"] = [float(v) for v in value]
        elif key in site_keys:
            for site, number in zip(LOCAL_SITES, value, strict=True):
                inputs["sites"][site][key] = float(number)
        elif key in inputs["common"]:
            inputs["common"][key] = float(value)
        else:
            inputs["budget"][key] = float(value)
    return inputs


def _local_fields(overrides: Mapping[str, Any] | None) -> list[Field]:
    from xlspectrum.workbooks.local import BUDGET_INPUTS, COMMON_INPUTS, SITE_INPUTS, SITE_TITLES

    values = local_inputs(overrides)
    fields: list[Field] = []
    anything = "a number (the pricing and coverage formulas check it)"
    for item, *_ in SITE_INPUTS:
        for position, site in enumerate(LOCAL_SITES, start=1):
            fields.append(Field(item.key, position, _plain(values["sites"][site][item.key]), item.unit, anything,
                                f"{item.label} ({SITE_TITLES[site]})", item.source))
    for rows, block in ((COMMON_INPUTS, "common"), (BUDGET_INPUTS, "budget")):
        for item, _ in rows:
            fields.append(Field(item.key, None, _plain(values[block][item.key]), item.unit, anything, item.label,
                                item.source))
    for position, level in enumerate(values["levels"], start=1):
        fields.append(Field(LOCAL_LEVELS_KEY, position, _plain(level), "dBm", anything,
                            "Signal level of Figure 26 (the coverage legend)", "thesis 6.2, Figure 26"))
    return fields


def _local_workbook_cells(path: Path) -> Iterator[_Cell]:
    """The local workbook's blue cells, where its layout placed them."""
    from openpyxl import load_workbook

    from xlspectrum.formulas import mmwave
    from xlspectrum.workbooks.local import BUDGET_INPUTS, COMMON_INPUTS, SITE_INPUTS, coverage_cell, level_cell, pricing_cell

    book = load_workbook(path)
    pricing, coverage = book["Pricing"], book["Coverage"]
    for item, *_ in SITE_INPUTS:
        for position, site in enumerate(LOCAL_SITES, start=1):
            address = pricing_cell(item.key, site, absolute=False)
            yield _Cell(item.key, position, pricing[address].value, f"{path.name}, Pricing!{address}")
    for item, _ in COMMON_INPUTS:
        address = pricing_cell(item.key, absolute=False)
        yield _Cell(item.key, None, pricing[address].value, f"{path.name}, Pricing!{address}")
    for item, _ in BUDGET_INPUTS:
        address = coverage_cell(item.key, absolute=False)
        yield _Cell(item.key, None, coverage[address].value, f"{path.name}, Coverage!{address}")
    for i in range(len(mmwave.SIGNAL_LEVELS_DBM)):
        address = level_cell("level", i)
        yield _Cell(LOCAL_LEVELS_KEY, i + 1, coverage[address].value, f"{path.name}, Coverage!{address}")


def _assemble_local(path: Path, cells: list[_Cell], read: InputsRead) -> InputsRead:
    from xlspectrum.formulas import mmwave
    from xlspectrum.workbooks.local import default_inputs, expected_cells

    known = _local_known()
    grouped = _grouped(cells, known)
    defaults = default_inputs()
    flat: dict[str, Any] = {LOCAL_LEVELS_KEY: defaults["levels"]}
    for site_values in zip(*(defaults["sites"][site].items() for site in LOCAL_SITES), strict=True):
        flat[site_values[0][0]] = [value for _, value in site_values]
    flat.update(defaults["common"])
    flat.update(defaults["budget"])
    for key, group in grouped.items():
        unit = "dBm" if key == LOCAL_LEVELS_KEY else ""
        if known[key] == "series":
            count = len(mmwave.SIGNAL_LEVELS_DBM) if key == LOCAL_LEVELS_KEY else len(LOCAL_SITES)
            group = sorted(group, key=lambda c: c.position or 0)
            expected = list(range(1, count + 1))
            if [c.position for c in group] != expected:
                what = "levels" if key == LOCAL_LEVELS_KEY else "sites (1 = rural, 2 = campus)"
                raise InputsFileError(f"{_span(group)}: {key} needs positions 1-{count}, one each (the {count} {what})")
            value: Any = [_number(c, unit or "a number") for c in group]
        else:
            (cell,) = group
            value = _number(cell, "a number")
        if isinstance(value, list):
            bad = next((c for c, v in zip(group, value, strict=True) if not np.isfinite(v)), None)
        else:
            bad = group[0] if not np.isfinite(value) else None
        if bad is not None:
            raise InputsFileError(f"{bad.where}: {key}={bad.value!r} must be a finite number")
        if value != flat[key]:
            read.overrides[key] = value
            read.sources[key] = _span(group)
    try:
        expected_cells(local_inputs(read.overrides))  # the pricing and coverage functions' own checks
    except (ValueError, ZeroDivisionError) as error:
        raise InputsFileError(f"{path.name}: {' '.join(str(error).split()) or type(error).__name__}") from None
    return read
