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

Validation is the inputs' own (:meth:`xlspectrum.costmodel.inputs.Input.coerce`,
:func:`xlspectrum.tvws.validate`); a bad value is refused in one line naming the file, the cell
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

from ._validation import XlSpectrumError, number_from_text
from .costmodel.inputs import INPUTS, YEARS, Input

#: the model kinds that have a template
KINDS = ("thesis", "interference")

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
        from .costmodel.inputs import resolve

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
    from . import tvws

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

    from .sheets import BOLD, HEADER_FILL, INPUT_FILL, INPUT_FONT, NOTE_FONT, name_fonts
    from .workbook import FIXED_DATE, workbook_bytes

    fields = template_fields(kind, overrides)
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    ws["A1"] = f"xlspectrum inputs: {kind} model"
    ws["A1"].font = BOLD
    ws["A2"] = (f"Change the blue values, then give this file to a command with --inputs FILE (e.g. xlspectrum "
                f"{'value' if kind == 'thesis' else 'rights'} --inputs FILE). position: {POSITION_MEANING[kind]}. "
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
    from . import tvws

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

    from .rights_workbook import is_rights_model
    from .workbook import is_thesis_model

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputsFileError(f"{path.name}: give a .csv or .xlsx file of inputs")
    try:
        book = load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputsFileError(f"{path.name} is not an xlsx workbook that can be read: {error}") from None
    try:
        keywords = book.properties.keywords or ""
    finally:
        book.close()
    for kind in KINDS:
        if keywords == TEMPLATE_MARKER.format(kind=kind):
            return kind, "template"
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

    from .chapter8 import UHF
    from .costmodel.networks import UHF_700
    from .workbook import FIRST_YEAR_COLUMN, VALUE_COLUMN, cell_places

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

    from . import tvws
    from .rights_workbook import LOCATION_FIGURES, VALUE_COLUMN, _default_rows

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
    from . import tvws

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
        from .costmodel.inputs import resolve

        try:
            resolve(read.overrides)
        except ValueError as error:  # checks across inputs
            raise InputsFileError(f"{path.name}: {error}") from None
        return read
    from . import tvws

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
    axis (:mod:`xlspectrum.costmodel.engine`) in one call; a choice or switch input
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
