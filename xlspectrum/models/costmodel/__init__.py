"""The thesis' Appendix C LTE network cost model (2017-2031): inputs, line items, engine.

>>> from xlspectrum.models.costmodel import run
>>> result = run(demand_forecast="ten_x_linear")   # the printed scenario: 10 x Cisco VNI linear
>>> round(result["total_cost"][0])                  # 2017 total cost, NZ$ (printed 596,481,666)
596481665
>>> round(run().pv_total_cost / 1e6)    # the default: Cisco VNI linear, the valuation's forecast
1287

The models are objects: :data:`APPENDIX_C` (the 28 GHz + 700 MHz network) and
:data:`UHF_700` (the 700 MHz-only network of chapter 8), both :class:`Model`.
"""

import importlib

#: Where each exported name lives; modules load on first use (PEP 562), so reading a constant of
#: a light module (``costmodel.printed``, ``costmodel.inputs``) does not build the engine.
_EXPORTS = {
    "APPENDIX_C": "engine", "CostModelResult": "engine", "Model": "engine", "ScenarioError": "engine",
    "evaluation_order": "engine", "run": "engine",
    "INPUTS": "inputs", "YEARS": "inputs",
    "BY_KEY": "lineitems", "ITEMS": "lineitems", "SHEETS": "lineitems",
    "MODELS": "networks", "NETWORK_NOTES": "networks", "UHF_700": "networks", "UHF_OVERRIDES": "networks",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = ["APPENDIX_C", "BY_KEY", "INPUTS", "ITEMS", "MODELS", "NETWORK_NOTES", "SHEETS", "UHF_700", "UHF_OVERRIDES",
           "YEARS", "CostModelResult", "Model", "ScenarioError", "evaluation_order", "run"]
