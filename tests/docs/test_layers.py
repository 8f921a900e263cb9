"""The package's layers: its folders, the import contract that keeps them, and the names that
must not change when modules move (the public API, the old module paths, the commands)."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

import xlspectrum
from xlspectrum import _moved

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "xlspectrum"
CONTRACT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]

#: today's public surface, written out: a move must not change it
PUBLIC_NAMES = [
    "Lot", "TABLE4_UPLINK", "annualise", "assignment_round", "auction_clear", "benchmark_value", "black_scholes_option",
    "black_scholes_terms", "bnetza_local_fee", "broadcast_cost", "cell_range_km", "clear_auction", "clock_auction",
    "cost231_hata", "deprival_value", "downlink_max_path_loss", "fspl", "gaseous_attenuation_db", "horns_for_full_circle",
    "interference_shares", "load_symmetry_ratio", "lsp_price", "max_allowable_path_loss", "msp_annual_charge", "npv",
    "ofcom_shared_access_fee", "okumura_hata", "power_sum_dbm", "rain_attenuation_db", "register_history",
    "register_holder", "register_holdings", "reservation_price_exclusive", "reservation_price_ir", "secondary_value",
    "shannon_capacity", "shared_spectrum_price", "sinr_db", "sites_for_area", "sites_for_range",
    "spectrum_sharing_dividend", "ssd_from_lsr", "thermal_noise_dbm", "trade_surplus", "umi_38901_path_loss",
    "umi_38901_range_m", "umi_path_loss", "umi_range_m", "uplink_budget", "value_per_mhz_pop", "viewers",
    "winner_determination",
]
COMMANDS = ["addin", "auction", "build", "examples", "functions", "inputs", "recalc", "register", "rights",
            "sensitivity", "value"]


def _layers() -> list[str]:
    (contract,) = CONTRACT["contracts"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_every_folder_and_top_module_of_the_package_is_in_a_layer():
    folders = {f"xlspectrum.{p.name}" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    modules = {f"xlspectrum.{p.stem}" for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    assert folders | modules == set(_layers())


def test_the_layers_contract_holds():
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    run = subprocess.run([command], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "1 kept, 0 broken" in run.stdout


def test_the_contract_would_see_a_layer_importing_one_above_it(tmp_path):
    """A positive control: the same checker, told that core sits above formulas, finds the
    formulas' imports of core and fails."""
    (contract,) = CONTRACT["contracts"]
    layers = contract["layers"][:-2] + [contract["layers"][-1], contract["layers"][-2]]
    config = tmp_path / "reversed.toml"
    config.write_text("[tool.importlinter]\nroot_package = \"xlspectrum\"\n\n[[tool.importlinter.contracts]]\n"
                      "name = \"reversed\"\ntype = \"layers\"\nlayers = [" + ", ".join(f'"{x}"' for x in layers) + "]\n")
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    run = subprocess.run([command, "--config", str(config)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1 and "BROKEN" in run.stdout
    assert "xlspectrum.formulas.propagation -> xlspectrum.core.validation" in run.stdout


def test_the_public_names_are_unchanged():
    assert sorted(xlspectrum.__all__) == PUBLIC_NAMES
    for name in PUBLIC_NAMES:
        assert getattr(xlspectrum, name) is not None


def test_the_commands_are_unchanged():
    import click

    from xlspectrum.cli import main

    assert main.list_commands(click.Context(main)) == COMMANDS


@pytest.mark.parametrize("old", sorted(_moved.PERMANENT))
def test_the_names_users_type_into_a_host_stay_without_a_warning(old):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        module = importlib.import_module(f"xlspectrum.{old}")
    assert module is importlib.import_module(f"xlspectrum.{_moved.PERMANENT[old]}")
    assert module.__spec__.name == f"xlspectrum.{_moved.PERMANENT[old]}"  # its own spec, not the alias's


def test_xlspectrum_excel_still_carries_the_functions_xlwings_imports():
    from xlspectrum.hosts.registry import FUNCTIONS

    excel = importlib.import_module("xlspectrum.excel")
    for spec in FUNCTIONS:
        assert callable(getattr(excel, spec.excel_name))


def test_an_old_path_reaches_the_same_module_once_with_a_warning():
    code = ("import warnings, sys; warnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    import xlspectrum.propagation as old\n"
            "    from xlspectrum.costmodel.engine import Model\n"
            "import xlspectrum.formulas.propagation as new, xlspectrum.models.costmodel.engine as engine\n"
            "assert old is new and Model is engine.Model\n"
            "print(sorted(str(w.message) for w in caught))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "xlspectrum.propagation is now xlspectrum.formulas.propagation" in run.stdout
    assert "xlspectrum.costmodel is now xlspectrum.models.costmodel" in run.stdout


OLD_PATHS = sorted(set(_moved.MOVED) | {f"costmodel.{name}" for name in ("engine", "inputs", "lineitems", "checks",
                                                                           "networks", "printed")})


@pytest.mark.parametrize("old", OLD_PATHS)
def test_every_old_path_names_a_module_that_exists(old):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert importlib.import_module(f"xlspectrum.{old}") is importlib.import_module(f"xlspectrum.{_moved.new_path(old)}")


def test_the_version_is_written_once():
    """pyproject.toml reads the version from the package (dynamic), and the installed metadata agrees."""
    from importlib import metadata

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "xlspectrum.__version__"}
    assert metadata.version("xlspectrum") == xlspectrum.__version__
    written = [p for p in PACKAGE.rglob("*.py") if f'"{xlspectrum.__version__}"' in p.read_text(encoding="utf-8")]
    assert written == [PACKAGE / "__init__.py"]


def test_the_architecture_page_lists_the_contract_s_layers_in_order():
    import re

    (contract,) = CONTRACT["contracts"]
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+?) \| .+ \|$", page, flags=re.M)
    shown = [" | ".join(re.findall(r"`(xlspectrum\.\w+)`", layer)) for _, layer in rows]
    assert shown == contract["layers"]
    assert [int(n) for n, _ in rows] == list(range(len(shown), 0, -1))


def test_the_readme_s_workbook_table_is_the_kinds():
    import re

    from xlspectrum.workbooks.kinds import KINDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)`(?: \(default\))? \| `([\w.]+)` \|", readme, flags=re.M)
    assert rows == [(name, kind.path.name) for name, kind in KINDS.items()]
