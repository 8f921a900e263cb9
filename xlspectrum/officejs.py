"""Excel functions for xlwings Lite and xlwings Server (Office.js), from the same registry.

xlwings Lite runs Python inside Excel on Windows, Mac and the web. To use xlspectrum
there, add the package to the Lite add-in's ``requirements.txt`` and put this line in its
``main.py``::

    from xlspectrum.officejs import *  # noqa: F401,F403

Every function of :data:`xlspectrum.registry.FUNCTIONS` then appears under the
``XLSPECTRUM`` namespace (``=XLSPECTRUM.COST231(...)``), with its description and
argument help; a choice argument (``kind``: call or put) is a drop-down.

Error policy (the same text as every other host): bad input returns one line that starts
with the Excel error it stands for, e.g. ``#NUM! distance_km=-1 must be > 0 km``.
Office.js shows it as text in the cell, so the reason stays visible; a raised exception
would show a bare ``#VALUE!`` with the message only on hover, and a real ``#NUM!`` error
value cannot carry a message at all.  A formula that uses such a cell gets ``#VALUE!``,
as it would from an error value.

Outside Lite/Server (no ``xlwings`` Office.js runtime) the module still imports: the
functions are plain Python and :func:`declarations` describes what Lite registers.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Literal

from .excel import call_excel_function
from .interference import INTERFERENCE_SHARE_METHODS
from .market import PAYMENT_RULES
from .propagation import HATA_ENVIRONMENTS
from .registry import FUNCTIONS, ExcelFunction

#: Excel shows the functions as XLSPECTRUM.<NAME>
NAMESPACE = "XLSPECTRUM"
#: arguments whose value is one of a few texts: drop-downs in Office.js
CHOICES: dict[str, tuple[str, ...]] = {"kind": ("call", "put"), "rule": PAYMENT_RULES, "timing": ("end", "start"),
                                       "environment": HATA_ENVIRONMENTS, "method": INTERFERENCE_SHARE_METHODS}
#: Office.js limits a custom function's name to letters, digits, periods and underscores, 128 characters
NAME_LIMIT = 128


def declarations() -> list[dict[str, Any]]:
    """What Office.js receives for each function: name, description and arguments (data only)."""
    return [
        {
            "name": f"{NAMESPACE}.{spec.excel_name}",
            "id": spec.excel_name,
            "description": _description(spec),
            "arguments": [
                {
                    "name": argument.name,
                    "description": argument.help,
                    "optional": argument.optional,
                    "choices": CHOICES.get(argument.name),
                }
                for argument in spec.arguments
            ],
        }
        for spec in FUNCTIONS
    ]


def _description(spec: ExcelFunction) -> str:
    return spec.description


def _decorators() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """xlwings' Office.js ``func`` and ``arg`` where they are real (Lite, Server), else None."""
    try:
        import xlwings
    except ImportError:
        return None
    func, arg = getattr(xlwings, "func", None), getattr(xlwings, "arg", None)
    module = getattr(func, "__module__", "") or ""
    if func is None or arg is None or "udfs_officejs" not in module:
        return None  # classic xlwings on Windows or the no-op stand-ins elsewhere: not Office.js
    return func, arg


def _make(spec: ExcelFunction, decorators: tuple[Callable[..., Any], Callable[..., Any]] | None) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        return call_excel_function(spec, *args)

    function.__name__ = function.__qualname__ = spec.excel_name
    function.__doc__ = _description(spec)
    function.__module__ = __name__
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(a.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              default=None if a.optional else inspect.Parameter.empty)
            for a in spec.arguments
        ]
    )
    function.__annotations__ = {name: Literal[choices] for name, choices in CHOICES.items()
                                if name in {a.name for a in spec.arguments}}
    if decorators is None:
        return function
    func, arg = decorators
    for argument in spec.arguments:
        if argument.name in CHOICES:
            function = arg(argument.name, doc=argument.help)(function)
        else:
            function = arg(argument.name, ndim=2, err_to_str=True, doc=argument.help)(function)
    return func(namespace=NAMESPACE)(function)


_DECORATORS = _decorators()
for _spec in FUNCTIONS:
    globals()[_spec.excel_name] = _make(_spec, _DECORATORS)
del _spec

__all__ = [spec.excel_name for spec in FUNCTIONS]
