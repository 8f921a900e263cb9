"""Figures printed in the thesis' Appendix C, to compare the model with.

``data/appendix_c_printed.csv`` lists line-item key, year, printed value, where the thesis prints it and
a note.  A note starting with "known departure" marks a printed figure the model does not
reproduce on purpose (see docs/cost-model.md, 'Departures from the source').
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

#: A printed figure reproduces when the model is within this many units of it: the sheet
#: prints values rounded to whole units and sums rounded parts (Appendix C, 10.3.8.6).
ABSOLUTE_TOLERANCE = 1.0


@dataclass(frozen=True)
class PrintedFigure:
    key: str
    year: int
    printed: float
    source: str
    note: str

    @property
    def known_departure(self) -> bool:
        return self.note.startswith("known departure")


def load_printed() -> tuple[PrintedFigure, ...]:
    text = resources.files("xlspectrum").joinpath("data/appendix_c_printed.csv").read_text(encoding="utf-8")
    return tuple(
        PrintedFigure(r["key"], int(r["year"]), float(r["printed"]), r["source"], r["note"])
        for r in csv.DictReader(text.splitlines())
    )


PRINTED = load_printed()
