"""The thesis' Appendix C LTE network cost model (2017-2031): inputs, line items, engine.

>>> from xlspectrum.costmodel import run
>>> result = run(demand_forecast="ten_x_linear")   # the printed scenario: 10 x Cisco VNI linear
>>> round(result["total_cost"][0])                  # 2017 total cost, NZ$ (printed 596,481,666)
596481665
>>> round(run().pv_total_cost / 1e6)    # the default: Cisco VNI linear, the valuation's forecast
1287

The models are objects: :data:`APPENDIX_C` (the 28 GHz + 700 MHz network) and
:data:`UHF_700` (the 700 MHz-only network of chapter 8), both :class:`Model`.
"""

from .engine import APPENDIX_C, CostModelResult, Model, ScenarioError, evaluation_order, run
from .inputs import INPUTS, YEARS
from .lineitems import BY_KEY, ITEMS, SHEETS
from .networks import MODELS, NETWORK_NOTES, UHF_700, UHF_OVERRIDES

__all__ = ["APPENDIX_C", "BY_KEY", "INPUTS", "ITEMS", "MODELS", "NETWORK_NOTES", "SHEETS", "UHF_700", "UHF_OVERRIDES",
           "YEARS", "CostModelResult", "Model", "ScenarioError", "evaluation_order", "run"]
