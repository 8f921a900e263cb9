"""The .oxt alone: it names no folder of this machine, finds LibreOffice's Python environment at
run time (or says in the cell what to set), and its start-up job makes Calc find the functions
in a fresh profile that has nothing but the extension (issue 23, section 2)."""

import io
import json
import os
import sys
import types
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xlspectrum.hosts import lo_finder as _lo_finder, xlwings_classic as excel, libreoffice
from xlspectrum.recalc import convert_to_xlsx, fresh_profile, soffice_path
from xlspectrum.hosts.registry import BY_EXCEL_NAME

ROOT = Path(__file__).resolve().parents[2]
PYTHON = "%d.%d" % sys.version_info[:2]


def test_the_oxt_names_no_folder_of_this_machine(monkeypatch):
    monkeypatch.setenv(libreoffice.PYTHON_ENV_VARIABLE, sys.prefix)
    package = libreoffice.extension_bytes()
    monkeypatch.delenv(libreoffice.PYTHON_ENV_VARIABLE)
    assert libreoffice.extension_bytes() == package  # the same bytes on every machine and setting
    with zipfile.ZipFile(io.BytesIO(package)) as oxt:
        texts = {name: oxt.read(name).decode() for name in oxt.namelist()}
    for folder in {str(ROOT), sys.prefix, str(Path.home()), os.environ.get(libreoffice.PYTHON_ENV_VARIABLE, str(ROOT))}:
        assert not [name for name, text in texts.items() if folder in text], folder
    component = texts["xlspectrum_functions.py"]
    # the rules that find the environment are _lo_finder's own text, copied in: one truth
    assert Path(_lo_finder.__file__).read_text(encoding="utf-8").strip() in component
    compile(component, "xlspectrum_functions.py", "exec")
    manifest = texts["META-INF/manifest.xml"]
    for entry in ("xlspectrum_functions.py", f"{libreoffice.LIBRARY}/", "Jobs.xcu"):
        assert f'manifest:full-path="{entry}"' in manifest
    assert f"{libreoffice.LIBRARY}/{libreoffice.MODULE}.xba" in texts
    assert libreoffice.JOB_SERVICE in texts["Jobs.xcu"] and '"OnStartApp"' in texts["Jobs.xcu"]


def _venv(folder: Path) -> Path:
    (folder / "lib" / f"python{PYTHON}" / "site-packages").mkdir(parents=True)
    (folder / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch):
    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", libreoffice.PYTHON_ENV_VARIABLE):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def _cached(home: Path, version: str, python: str, key: str = "k") -> Path:
    folder = _venv(home / ".cache" / "xlspectrum" / f"{_lo_finder.CACHE_PREFIX}{version}-{key}")
    (folder / _lo_finder.STAMP).write_text(json.dumps({"xlspectrum": version, "python_version": python}))
    return folder


def test_the_environment_is_found_by_variable_then_config_then_cache(home, monkeypatch):
    version, running = libreoffice.VERSION, sys.version.split()[0]
    assert _lo_finder.find_environment(version) == (None, None, None)
    assert libreoffice.config_file() == home / ".config" / "xlspectrum" / "libreoffice.json"
    assert libreoffice.cache_folder() == home / ".cache" / "xlspectrum"
    _cached(home, "0.0.1", running, "old")  # another xlspectrum: not current
    _cached(home, version, "2.7.18", "py2")  # another Python: not current
    assert _lo_finder.find_environment(version) == (None, None, None)
    cached = _cached(home, version, running)
    assert _lo_finder.find_environment(version) == (str(cached), str(libreoffice.cache_folder()), None)
    config = libreoffice.config_file()
    config.parent.mkdir(parents=True)
    configured = _venv(home / "configured")
    config.write_text(libreoffice.config_text(configured))
    assert _lo_finder.find_environment(version) == (str(configured), str(config), None)
    config.write_text('{"python_env": "~/configured"}')  # "~" is the user's home
    assert _lo_finder.find_environment(version) == (str(configured), str(config), None)
    named = _venv(home / "named")
    monkeypatch.setenv(libreoffice.PYTHON_ENV_VARIABLE, str(named))
    assert _lo_finder.find_environment(version) == (str(named), libreoffice.PYTHON_ENV_VARIABLE, None)
    # a place that names something else is said, in one cell line, not passed over
    for setting, expected in ((lambda: monkeypatch.setenv(libreoffice.PYTHON_ENV_VARIABLE, str(home / "nowhere")),
                               f"{libreoffice.PYTHON_ENV_VARIABLE}={home / 'nowhere'} is not a virtual environment"),
                              (lambda: (monkeypatch.delenv(libreoffice.PYTHON_ENV_VARIABLE), config.write_text("{not json")),
                               f"{config} is not JSON"),
                              (lambda: config.write_text('{"python_env": "/nowhere"}'), f"{config} names '/nowhere'")):
        setting()
        path, where, problem = _lo_finder.find_environment(version)
        assert path is None and problem.startswith("#N/A xlspectrum: " + expected), problem
        assert len(problem) <= 255 and "\n" not in problem


def _component(monkeypatch):
    """The .oxt's component module, loaded with stand-ins for LibreOffice's uno modules."""
    registered = []
    unohelper = types.ModuleType("unohelper")
    unohelper.Base = type("Base", (), {})
    unohelper.ImplementationHelper = lambda: types.SimpleNamespace(addImplementation=lambda *a: registered.append(a))
    modules = {"unohelper": unohelper, "com": types.ModuleType("com"), "com.sun": types.ModuleType("com.sun"),
               "com.sun.star": types.ModuleType("com.sun.star")}
    for name, interface in (("com.sun.star.script", "XInvocation"), ("com.sun.star.task", "XJob")):
        modules[name] = types.ModuleType(name)
        setattr(modules[name], interface, type(interface, (), {}))
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    namespace: dict = {"__name__": "xlspectrum_functions"}
    exec(compile(libreoffice.component_source(), "xlspectrum_functions.py", "exec"), namespace)
    return namespace, registered


def test_the_cell_says_what_to_set_when_no_environment_is_found(home, monkeypatch):
    component, registered = _component(monkeypatch)
    assert [r[1:] for r in registered] == [(libreoffice.IMPLEMENTATION, (libreoffice.SERVICE,)),
                                           (libreoffice.JOB_IMPLEMENTATION, (libreoffice.JOB_SERVICE,))]
    functions = component["Functions"](None)
    monkeypatch.setitem(sys.modules, "xlspectrum.hosts.marshal", None)  # LibreOffice's Python without xlspectrum
    result, _, _ = functions.invoke("Evaluate", ("FSPL", (1.0, 900.0)), (), ())
    assert result == _lo_finder.missing_message()
    assert result.startswith("#N/A ") and len(result) <= 255 and "\n" not in result
    for what in (libreoffice.PYTHON_ENV_VARIABLE, "~/.config/xlspectrum/libreoffice.json", "recalc --with-addin"):
        assert what in result
    env = _venv(home / "broken")
    monkeypatch.setenv(libreoffice.PYTHON_ENV_VARIABLE, str(env))
    result, _, _ = functions.invoke("Evaluate", ("FSPL", (1.0, 900.0)), (), ())
    assert result.startswith(f"#N/A xlspectrum cannot be imported from {env} (named by {libreoffice.PYTHON_ENV_VARIABLE})")
    monkeypatch.delitem(sys.modules, "xlspectrum.hosts.marshal")  # found: the function computes
    result, _, _ = functions.invoke("Evaluate", ("FSPL", (1.0, 900.0)), (), ())
    assert result == excel.call_excel_function(BY_EXCEL_NAME["FSPL"], 1.0, 900.0)


class _Libraries:
    """A stand-in for LibreOffice's application Basic libraries: {library: {module: source}}."""

    def __init__(self, libraries):
        self.libraries, self.loaded = libraries, set()

    def hasByName(self, name):
        return name in self.libraries

    def isLibraryLoaded(self, name):
        return name in self.loaded

    def loadLibrary(self, name):
        self.loaded.add(name)

    def getByName(self, name):
        assert name in self.loaded, "read before it was loaded"
        modules = self.libraries[name]
        return types.SimpleNamespace(hasByName=modules.__contains__, getByName=modules.__getitem__,
                                     insertByName=modules.__setitem__, replaceByName=modules.__setitem__)


@pytest.mark.parametrize("standard, after", [
    ({}, "ours"),
    ({libreoffice.MODULE: libreoffice.MODULE_HEADER + "\nan older version"}, "ours"),
    ({libreoffice.MODULE: "REM the user's own module of that name"}, "REM the user's own module of that name"),
])
def test_the_start_up_job_puts_the_module_in_standard_and_leaves_the_users_alone(monkeypatch, standard, after):
    component, _ = _component(monkeypatch)
    ours = libreoffice.basic_module()
    libraries = _Libraries({libreoffice.LIBRARY: {libreoffice.MODULE: ours}, "Standard": dict(standard, Module1="")})
    context = types.SimpleNamespace(ServiceManager=types.SimpleNamespace(
        createInstanceWithContext=lambda name, ctx: libraries if name.endswith("ApplicationScriptLibraryContainer") else None))
    component["LoadBasicLibrary"](context).execute(())
    assert libraries.libraries["Standard"][libreoffice.MODULE] == (ours if after == "ours" else after)
    assert libraries.libraries["Standard"]["Module1"] == ""


# ------------------------------------------------------------------------- in LibreOffice itself

def _fresh_profile_with_only_the_oxt(work: Path, env: Path | None, before_unopkg=None) -> tuple[list[str], Path]:
    soffice = soffice_path()
    profile = fresh_profile(work)
    environment = libreoffice.profile_environment(profile)
    libreoffice.run_process_group([soffice, *environment, "--headless", "--norestore", "--terminate_after_init"],
                                  300, libreoffice.process_environment(work, env))
    if before_unopkg:
        before_unopkg(profile)
    oxt = work / "xlspectrum.oxt"
    oxt.write_bytes(libreoffice.extension_bytes())
    libreoffice.install_into_profile(profile, oxt, 300, env)
    return environment, profile


def _convert(work: Path, environment: list[str], env: Path | None, cells: dict[str, str]) -> dict:
    book = Workbook()
    for address, formula in cells.items():
        book.active[address] = formula
    staged = work / "in" / "workbook.xlsx"
    staged.parent.mkdir()
    book.save(staged)
    run, produced = convert_to_xlsx(soffice_path(), environment, staged, 300, libreoffice.process_environment(work, env))
    assert run.returncode == 0 and produced.exists(), run.stderr
    sheet = load_workbook(produced, data_only=True).active
    return {address: sheet[address].value for address in cells}


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not os.environ.get(libreoffice.PYTHON_ENV_VARIABLE),
                    reason=f"{libreoffice.PYTHON_ENV_VARIABLE} is not set (.ci/run makes .ci/lo-venv)")
def test_a_fresh_profile_with_only_the_oxt_computes_the_functions(tmp_path):
    """No Basic written into the profile by us: unopkg add, then LibreOffice headless converts."""
    env = Path(os.environ[libreoffice.PYTHON_ENV_VARIABLE])
    environment, profile = _fresh_profile_with_only_the_oxt(tmp_path, env)
    standard = profile / "user" / "basic" / "Standard" / f"{libreoffice.MODULE}.xba"
    assert not standard.exists()  # before LibreOffice starts with the extension, Standard has no such module
    got = _convert(tmp_path, environment, env, {"A1": "=COST231(1800,2.5,30,1.5)", "A2": "=FSPL(1,900)",
                                                "A3": '=BLACK_SCHOLES_OPTION(42,40,0.5,0.1,0.2,"put")'})
    assert got["A1"] == pytest.approx(excel.call_excel_function(BY_EXCEL_NAME["COST231"], 1800, 2.5, 30, 1.5), rel=1e-12)
    assert got["A2"] == pytest.approx(excel.call_excel_function(BY_EXCEL_NAME["FSPL"], 1, 900), rel=1e-12)
    assert got["A3"] == pytest.approx(
        excel.call_excel_function(BY_EXCEL_NAME["BLACK_SCHOLES_OPTION"], 42, 40, 0.5, 0.1, 0.2, "put"), rel=1e-12)
    assert standard.read_text(encoding="utf-8").strip() == libreoffice.basic_module_xml().strip()  # the job put it there


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_without_an_environment_the_cell_says_what_to_set(tmp_path, monkeypatch):
    """No variable, no configuration file, no cache (HOME is the empty work folder)."""
    monkeypatch.delenv(libreoffice.PYTHON_ENV_VARIABLE, raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    environment, _ = _fresh_profile_with_only_the_oxt(tmp_path, None)
    got = _convert(tmp_path, environment, None, {"A1": "=FSPL(1,900)"})
    monkeypatch.setenv("HOME", str(tmp_path))
    assert got["A1"] == _lo_finder.missing_message()


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_a_users_own_module_of_that_name_is_left_alone(tmp_path):
    mine = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
            '"module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" script:name="xlspectrum" '
            'script:language="StarBasic">REM mine\nFunction FSPL(a, b)\n    FSPL = 42\nEnd Function\n</script:module>\n')

    def users_module(profile: Path) -> None:
        standard = profile / "user" / "basic" / "Standard"
        (standard / f"{libreoffice.MODULE}.xba").write_text(mine, encoding="utf-8")
        listing = (standard / "script.xlb").read_text(encoding="utf-8")
        (standard / "script.xlb").write_text(listing.replace(
            "</library:library>", f' <library:element library:name="{libreoffice.MODULE}"/>\n</library:library>'))

    env = os.environ.get(libreoffice.PYTHON_ENV_VARIABLE)
    environment, profile = _fresh_profile_with_only_the_oxt(tmp_path, env, users_module)
    assert _convert(tmp_path, environment, env, {"A1": "=FSPL(1,900)"})["A1"] == 42
    assert "REM mine" in (profile / "user" / "basic" / "Standard" / f"{libreoffice.MODULE}.xba").read_text(encoding="utf-8")


def test_the_docs_and_help_state_the_line_and_file_the_code_uses(home):
    from click.testing import CliRunner

    from xlspectrum.cli import main

    docs = " ".join((ROOT / "docs" / "hosts.md").read_text(encoding="utf-8").split()).replace("`", "")
    assert _lo_finder.missing_message() in docs
    shown = str(libreoffice.config_file()).replace(str(home), "~")
    assert shown == "~/.config/xlspectrum/libreoffice.json" and shown in docs
    help_text = " ".join(CliRunner().invoke(main, ["addin", "libreoffice", "--help"]).output.split())
    assert shown in help_text and libreoffice.PYTHON_ENV_VARIABLE in help_text


def test_the_cli_writes_the_configuration_file_and_keeps_a_different_one(home, tmp_path):
    from click.testing import CliRunner

    from xlspectrum.cli import main

    env = _venv(tmp_path / "env")
    command = ["addin", "libreoffice", "-o", str(tmp_path / "x.oxt"), "--python-env", str(env)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert json.loads(libreoffice.config_file().read_text()) == {"python_env": str(env.resolve())}
    assert _lo_finder.find_environment(libreoffice.VERSION)[0] == str(env.resolve())
    other = _venv(tmp_path / "other")
    result = CliRunner().invoke(main, [*command[:-1], str(other)])
    assert result.exit_code != 0 and "exists and differs" in result.stderr
    assert json.loads(libreoffice.config_file().read_text()) == {"python_env": str(env.resolve())}  # kept
