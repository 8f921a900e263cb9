"""Floor 5: the spreadsheet hosts, all generated from one function registry
(:mod:`~xlspectrum.hosts.registry`): classic xlwings, xlwings Lite (Office.js), LibreOffice
Calc and the ``formulas`` engine.

Users type two of these modules into a host by their old names, which stay for good:
``xlspectrum.excel`` (classic xlwings' *UDF Modules*) and ``xlspectrum.officejs``."""
