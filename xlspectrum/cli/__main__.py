"""``python -m xlspectrum.cli``: the same command as ``xlspectrum``."""

from xlspectrum._entry import main

main()
