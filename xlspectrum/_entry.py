"""The ``xlspectrum`` command: the command line, or one line saying which extra it needs."""

import sys


def main() -> None:
    try:
        from xlspectrum.cli import main as cli
    except ImportError as error:  # click or formulas missing: the library was installed without the extra
        missing = getattr(error, "name", None) or str(error)
        sys.stderr.write(f"error: the command line needs {missing}: pip install \"xlspectrum[full]\"\n")
        sys.exit(1)
    cli()
