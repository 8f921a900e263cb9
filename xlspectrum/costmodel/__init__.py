"""The thesis' Appendix C LTE network cost model (2017-2031): inputs, line items, engine.

>>> from xlspectrum.costmodel import run
>>> result = run()                      # the printed scenario: 10 x Cisco VNI linear
>>> round(result["total_cost"][0])      # 2017 total cost, NZ$ (printed 596,481,666)
596481665
"""

from .engine import CostModelResult, run
from .inputs import INPUTS, YEARS
from .lineitems import BY_KEY, ITEMS, SHEETS

__all__ = ["BY_KEY", "INPUTS", "ITEMS", "SHEETS", "YEARS", "CostModelResult", "run"]
