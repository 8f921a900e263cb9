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

#: The scenario Appendix C prints: 10 x Cisco VNI linear demand, the only forecast that
#: reproduces its traffic figures (every other input at its default).
PRINTED_SCENARIO = {"demand_forecast": "ten_x_linear"}
#: The forecast the thesis values in chapter 8 (Tables 8-11, Table 10's first two rows),
#: and so the default of the model, the workbook and every command.
VALUATION_FORECAST = "cisco_vni_linear"
#: Which printed figures are compared, by whether the printed scenario's forecast is selected
#: (the workbook's Cover and ``xlspectrum build`` say the same).
COMPARED_NOTE = {
    True: "the printed scenario: every printed figure is compared",
    False: f"only figures that do not move with demand: Appendix C prints {PRINTED_SCENARIO['demand_forecast']}",
}
#: What each demand forecast is, in the thesis' terms (said beside every summary).
DEMAND_MEANING = {
    "cisco_vni_linear": "Cisco VNI linear, the forecast of the thesis' valuation Tables 8-11",
    "ten_x_linear": "10 x Cisco VNI linear, the scenario Appendix C prints",
    "aggressive": "the aggressive forecast of Figure 38",
    "usage": "the usage-based forecast of Figure 38",
}


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

    @property
    def depends_on_demand(self) -> bool:
        """Whether the figure moves with the demand forecast: then it is printed for
        :data:`PRINTED_SCENARIO`'s forecast only."""
        from xlspectrum.models.costmodel.engine import APPENDIX_C  # here, not at the top: the CLI reads this module's constants for --help

        return "demand_forecast" in APPENDIX_C.uses(self.key)

    def applies_to(self, demand_forecast: str) -> bool:
        """Whether the model under ``demand_forecast`` should reproduce this figure."""
        return demand_forecast == PRINTED_SCENARIO["demand_forecast"] or not self.depends_on_demand


def load_printed() -> tuple[PrintedFigure, ...]:
    text = resources.files("xlspectrum").joinpath("data/appendix_c_printed.csv").read_text(encoding="utf-8")
    return tuple(
        PrintedFigure(r["key"], int(r["year"]), float(r["printed"]), r["source"], r["note"])
        for r in csv.DictReader(text.splitlines())
    )


PRINTED = load_printed()
