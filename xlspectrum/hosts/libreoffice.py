"""The Excel functions in LibreOffice Calc: a Basic library and a Python UNO component.

Calc resolves a function name it does not know, also in an .xlsx it opens, to a Basic
function of that name.  xlspectrum generates, from the registry, one Basic function per
Excel name; each forwards its arguments to a Python UNO component (an ``XInvocation``,
so no IDL or type library is needed) that calls :func:`xlspectrum.hosts.marshal.call_excel_function`,
the code path every host shares.  Every Basic function traps every error and returns a
text (an untrapped Basic error hangs headless LibreOffice); array results come back as
2-D arrays, so an array formula fills a range.

The extension (:func:`extension_bytes`) holds the component, the Basic module as the library
:data:`LIBRARY`, and an ``OnStartApp`` job (Jobs.xcu) that copies that module into the
application's ``Standard`` library at each start: Calc finds a function in any loaded Basic
library but calls only those of ``Standard`` from a cell (from another application library
the cell shows ``#VALUE!``, tried on 7.4).  So a desktop user installs the .oxt, restarts
LibreOffice, and nothing else; a module named ``xlspectrum`` there that xlspectrum did not
write is left alone.

LibreOffice runs the component in its own Python (Debian: the system ``python3`` with
``python3-uno``), which must import xlspectrum and numpy/scipy/pandas: a virtual environment
made with that Python and ``--system-site-packages`` (so it keeps ``uno``) with xlspectrum in it.
The .oxt names no folder of any machine: the component finds the environment when a cell
first calls a function (:mod:`xlspectrum.hosts.lo_finder`): ``XLSPECTRUM_LO_PYTHON_ENV``, else the
configuration file :func:`config_file`, else the current environment that ``recalc
--with-addin`` made on first use in the cache folder (:func:`cached_python_env`); without one,
the cell shows one ``#N/A`` line saying what to set.

:func:`install_into_profile` adds the extension with ``unopkg`` to one LibreOffice user profile
only (``--shared`` with the profile's own package cache, so nothing is written to the system's
LibreOffice folders and root is allowed).  ``xlspectrum recalc --with-addin`` does this in
the fresh profile of each run, exactly what a desktop user does.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable, Iterable

from xlspectrum import __version__ as VERSION
from xlspectrum.hosts import lo_finder as _lo_finder
from xlspectrum.hosts.marshal import EXTRA_BY_FUNCTION
from xlspectrum.hosts.registry import FUNCTIONS, ExcelFunction

SERVICE = "org.xlspectrum.Functions"
IMPLEMENTATION = "org.xlspectrum.Functions.PythonImpl"
#: the job that loads the extension's Basic library when LibreOffice starts (Jobs.xcu, OnStartApp)
JOB_SERVICE = "org.xlspectrum.LoadBasicLibrary"
JOB_IMPLEMENTATION = "org.xlspectrum.LoadBasicLibrary.PythonImpl"
#: the Basic module's name, in the Standard library or in the extension's library
MODULE = "xlspectrum"
#: the extension's Basic library (an application library once the extension is added)
LIBRARY = "XlSpectrumFunctions"
#: environment variable naming the virtual environment LibreOffice's Python should use
PYTHON_ENV_VARIABLE = _lo_finder.VARIABLE
#: the Basic module's first line: the start-up job replaces a module of that name only if it starts so
MODULE_HEADER = "REM xlspectrum: Excel functions for LibreOffice Calc. Generated from the registry; do not edit."


class AddinError(RuntimeError):
    """The LibreOffice extension could not be built or installed."""


# ------------------------------------------------------------------------------------ Basic

_BASIC_HELPERS = '''
Private Function XlsArg(Optional value As Variant) As Variant
    If IsMissing(value) Then
        XlsArg = Empty
    Else
        XlsArg = value
    End If
End Function

Private Function XlsCall(functionName As String, arguments As Variant) As Variant
    Dim service As Object, result As Variant, rows As Long, columns As Long, r As Long, c As Long
    On Error GoTo failed
    service = createUnoService("{service}")
    If IsNull(service) Then
        XlsCall = "#NAME? the xlspectrum extension is not installed in LibreOffice"
        Exit Function
    End If
    result = service.Evaluate(functionName, arguments)
    If IsArray(result) Then
        rows = UBound(result) - LBound(result) + 1
        columns = UBound(result(LBound(result))) - LBound(result(LBound(result))) + 1
        Dim cells() As Variant
        ReDim cells(1 To rows, 1 To columns)
        For r = 1 To rows
            For c = 1 To columns
                cells(r, c) = result(LBound(result) + r - 1)(c - 1)
            Next c
        Next r
        XlsCall = cells
    Else
        XlsCall = result
    End If
    Exit Function
failed:
    XlsCall = "#VALUE! " & Error$ & " (xlspectrum extension)"
End Function
'''


def _basic_function(spec: ExcelFunction) -> str:
    names = [a.name for a in spec.arguments]
    parameters = ", ".join(f"Optional {name} As Variant" for name in names)
    forwarded = ", ".join(f"XlsArg({name})" for name in names)
    # Calc has no drop-down or argument help for a Basic function: the comments name each argument's choices
    helps = "".join(f"    ' {a.name}: {' '.join(a.full_help.split())}\n" for a in spec.arguments)
    return (
        f"Function {spec.excel_name}({parameters}) As Variant\n"
        f"    ' {spec.description}\n"
        f"{helps}"
        f"    On Error GoTo failed\n"
        f'    {spec.excel_name} = XlsCall("{spec.excel_name}", Array({forwarded}))\n'
        f"    Exit Function\n"
        f"failed:\n"
        f'    {spec.excel_name} = "#VALUE! " & Error$ & " (xlspectrum extension)"\n'
        f"End Function\n"
    )


def basic_module() -> str:
    """The StarBasic source: the helpers and one function per registry entry."""
    header = MODULE_HEADER + "\nOption Explicit\n"
    body = "\n".join(_basic_function(spec) for spec in FUNCTIONS)
    return header + _BASIC_HELPERS.format(service=SERVICE) + "\n" + body


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&apos;")


def basic_module_xml() -> str:
    """The Basic module as the .xba file of a library folder."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        f'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{MODULE}" '
        f'script:language="StarBasic">{_xml_escape(basic_module())}</script:module>\n'
    )


# -------------------------------------------------------------------------- Python component

_COMPONENT = '''\
"""xlspectrum's functions for LibreOffice Calc (generated by `xlspectrum addin libreoffice`).

The environment with xlspectrum is found when a cell first calls a function, by the rules of
xlspectrum/hosts/lo_finder.py (copied below): $%(variable)s, the configuration file, the cache.
"""
import site

import unohelper
from com.sun.star.script import XInvocation
from com.sun.star.task import XJob

VERSION = %(version)r
IMPLEMENTATION = %(implementation)r
SERVICE = %(service)r
JOB_IMPLEMENTATION = %(job_implementation)r
JOB_SERVICE = %(job_service)r
LIBRARY = %(library)r
MODULE = %(module)r
MODULE_HEADER = %(module_header)r

# ---------------------------------------------------------------- xlspectrum/hosts/lo_finder.py
%(finder)s
# ---------------------------------------------------------------------------------------

_STATE = {}


def _functions():
    """(registry, call) once xlspectrum imports, else the one line a cell shows."""
    if "functions" in _STATE:
        return _STATE["functions"]
    env, where, problem = find_environment(VERSION)
    if problem:
        return problem  # not kept: the user may fix it without restarting LibreOffice
    for path in site_packages(env) if env else ():
        if path not in sys.path:
            site.addsitedir(path)
    try:
        from xlspectrum.hosts.marshal import call_excel_function
        from xlspectrum.hosts.registry import BY_EXCEL_NAME
    except ImportError as error:
        if not env:
            return missing_message()
        return ("#N/A xlspectrum cannot be imported from %%s (named by %%s): %%s"
                %% (env, where, " ".join(str(error).split())))[:LIMIT]
    _STATE["functions"] = (BY_EXCEL_NAME, call_excel_function)
    return _STATE["functions"]


def _plain(value):
    """UNO values as xlwings would pass them: ranges as lists of rows, empty cells as None."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _to_uno(value):
    if isinstance(value, list):
        return tuple(tuple(row) for row in value)
    return value


class Functions(unohelper.Base, XInvocation):
    def __init__(self, context):
        self.context = context

    def _call(self, name, arguments):
        functions = _functions()
        if isinstance(functions, str):
            return functions
        by_name, call = functions
        spec = by_name.get(str(name).upper())
        if spec is None:
            return "#NAME? %%s is not an xlspectrum function" %% name
        return call(spec, *[_plain(argument) for argument in arguments])

    # XInvocation: Basic calls service.Evaluate(name, arguments)
    def invoke(self, method, parameters, out_index, out_values):
        try:
            if method.lower() != "evaluate" or len(parameters) != 2:
                raise ValueError("call Evaluate(function_name, arguments)")
            name, arguments = parameters
            result = self._call(name, arguments if isinstance(arguments, tuple) else (arguments,))
        except Exception as error:  # a cell shows one line, never a traceback
            result = ("#VALUE! %%s: %%s" %% (type(error).__name__, " ".join(str(error).split())))[:LIMIT]
        return _to_uno(result), (), ()

    def getIntrospection(self):
        return None

    def setValue(self, name, value):
        raise AttributeError(name)

    def getValue(self, name):
        raise AttributeError(name)

    def hasMethod(self, name):
        return name.lower() == "evaluate"

    def hasProperty(self, name):
        return False


class LoadBasicLibrary(unohelper.Base, XJob):
    """The OnStartApp job (Jobs.xcu): copy the module of the extension's Basic library into the
    application's Standard library, the only library whose functions Calc calls from a cell
    (it finds a function in any loaded library, but calls one outside Standard through the
    document's libraries, and the cell shows #VALUE!).  A module of that name that xlspectrum
    did not write (it does not start with MODULE_HEADER) is left alone."""

    def __init__(self, context):
        self.context = context

    def execute(self, arguments):
        libraries = self.context.ServiceManager.createInstanceWithContext(
            "com.sun.star.script.ApplicationScriptLibraryContainer", self.context)
        for name in (LIBRARY, "Standard"):
            if not libraries.hasByName(name):
                return None
            if not libraries.isLibraryLoaded(name):
                libraries.loadLibrary(name)
        source = libraries.getByName(LIBRARY).getByName(MODULE)
        standard = libraries.getByName("Standard")
        if not standard.hasByName(MODULE):
            standard.insertByName(MODULE, source)
        else:
            have = standard.getByName(MODULE)
            if have != source and have.startswith(MODULE_HEADER):
                standard.replaceByName(MODULE, source)
        return None


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, IMPLEMENTATION, (SERVICE,))
g_ImplementationHelper.addImplementation(LoadBasicLibrary, JOB_IMPLEMENTATION, (JOB_SERVICE,))
'''

_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-component;type=Python" manifest:full-path="xlspectrum_functions.py"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.basic-library" manifest:full-path="{LIBRARY}/"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.configuration-data" manifest:full-path="Jobs.xcu"/>
</manifest:manifest>
"""

_JOBS = f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 oor:name="Jobs" oor:package="org.openoffice.Office">
 <node oor:name="Jobs">
  <node oor:name="{JOB_SERVICE}" oor:op="replace">
   <prop oor:name="Service"><value>{JOB_SERVICE}</value></prop>
  </node>
 </node>
 <node oor:name="Events">
  <node oor:name="OnStartApp" oor:op="fuse">
   <node oor:name="JobList">
    <node oor:name="{JOB_SERVICE}" oor:op="replace"/>
   </node>
  </node>
 </node>
</oor:component-data>
"""

_DESCRIPTION = f"""<?xml version="1.0" encoding="UTF-8"?>
<description xmlns="http://openoffice.org/extensions/description/2006" xmlns:xlink="http://www.w3.org/1999/xlink">
 <identifier value="org.xlspectrum.functions"/>
 <version value="{VERSION}"/>
 <display-name><name lang="en">xlspectrum functions</name></display-name>
</description>
"""


def component_source() -> str:
    """The Python component: the functions' service, the start-up job, and the rules that find
    the environment at run time (:mod:`xlspectrum.hosts.lo_finder`, copied in), no path of this machine."""
    finder = Path(_lo_finder.__file__).read_text(encoding="utf-8")
    return _COMPONENT % {"variable": PYTHON_ENV_VARIABLE, "version": VERSION, "implementation": IMPLEMENTATION,
                         "service": SERVICE, "job_implementation": JOB_IMPLEMENTATION, "job_service": JOB_SERVICE,
                         "library": LIBRARY, "module": MODULE, "module_header": MODULE_HEADER, "finder": finder.strip()}


def extension_bytes() -> bytes:
    """The .oxt package: the Python component, the Basic library :data:`LIBRARY` with the
    functions Calc calls, and the job that loads that library when LibreOffice starts.

    Nothing in it names a folder of this machine: LibreOffice's Python finds the environment
    with xlspectrum when a cell first calls a function (:func:`xlspectrum.hosts.lo_finder.find_environment`).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("META-INF/manifest.xml", _MANIFEST), ("description.xml", _DESCRIPTION),
                           ("xlspectrum_functions.py", component_source()), ("Jobs.xcu", _JOBS),
                           (f"{LIBRARY}/script.xlb", _library([MODULE], LIBRARY, readonly=True)),
                           (f"{LIBRARY}/dialog.xlb", _library([], LIBRARY, readonly=True)),
                           (f"{LIBRARY}/{MODULE}.xba", basic_module_xml())):
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, text)
    return buffer.getvalue()


def python_env(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The environment for LibreOffice's Python: the argument, the environment variable, or None."""
    chosen = explicit or os.environ.get(PYTHON_ENV_VARIABLE)
    if not chosen:
        return None
    path = Path(chosen)
    if not (path / "pyvenv.cfg").exists():
        raise AddinError(f"{path} is not a virtual environment (no pyvenv.cfg); make one with LibreOffice's Python: "
                         "/usr/bin/python3 -m venv --system-site-packages PATH, then PATH/bin/pip install xlspectrum")
    return path


# --------------------------------------------------- the environment made on first use (a cache)

#: LibreOffice's Python on Debian: the system interpreter that has python3-uno
SYSTEM_PYTHON = "/usr/bin/python3"
#: what the stamp of a cached environment records; a change in any of them makes a new one
_STAMP = _lo_finder.STAMP


def cache_folder() -> Path:
    """Where xlspectrum keeps what it makes for itself (:func:`xlspectrum.hosts.lo_finder.cache_folder`)."""
    return Path(_lo_finder.cache_folder())


def config_file() -> Path:
    """The configuration file naming the environment of LibreOffice's Python (:func:`xlspectrum.hosts.lo_finder.config_file`)."""
    return Path(_lo_finder.config_file())


def config_text(env: str | os.PathLike[str]) -> str:
    """The configuration file's text naming ``env`` (:data:`xlspectrum.hosts.lo_finder.CONFIG_KEY`)."""
    return json.dumps({_lo_finder.CONFIG_KEY: str(Path(env).resolve())}, indent=1) + "\n"


def extras_for_workbook(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The optional extras the functions a workbook calls need (:data:`xlspectrum.hosts.marshal.EXTRA_BY_FUNCTION`),
    read from the formulas in its sheets' XML."""
    pattern = re.compile(r"\b(" + "|".join(EXTRA_BY_FUNCTION) + r")\s*\(", re.IGNORECASE)
    found: set[str] = set()
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                text = package.read(name).decode("utf-8", "replace")
                found.update(EXTRA_BY_FUNCTION[m.group(1).upper()] for m in pattern.finditer(text))
    return tuple(sorted(found))


def running_source() -> dict[str, str]:
    """The xlspectrum that is running, as pip installs it again: its source tree (an editable
    install, a clone installed with ``pip install PATH``, or a checkout on ``sys.path``), the
    wheel it was installed from when that file is still there, else its version from the index.

    Keys: ``requirement`` (what pip gets, extras added later), ``editable`` ("1" or ""),
    ``fingerprint`` (changes when a reinstall is needed) and ``shown`` (for messages).
    """
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    package_root = Path(__file__).resolve().parents[1]  # xlspectrum/, above hosts/
    direct: dict = {}
    record = ""
    try:
        distribution = metadata.distribution("xlspectrum")
        direct = json.loads(distribution.read_text("direct_url.json") or "{}")
        record = distribution.read_text("RECORD") or ""
    except metadata.PackageNotFoundError:
        distribution = None
    url = urlparse(direct.get("url", ""))
    local = Path(unquote(url.path)) if url.scheme == "file" else None
    editable = bool(direct.get("dir_info", {}).get("editable"))
    tree = None
    if local is not None and "dir_info" in direct and (local / "pyproject.toml").is_file():
        tree = local
    elif (package_root.parent / "pyproject.toml").is_file() and 'name = "xlspectrum"' in (
            package_root.parent / "pyproject.toml").read_text(encoding="utf-8"):
        tree, editable = package_root.parent, True  # the running code is that tree's files: follow them
    if tree is not None:
        pyproject = hashlib.sha256((tree / "pyproject.toml").read_bytes()).hexdigest()
        # an editable install follows the tree's files; a copy is current while the running copy is
        fingerprint = pyproject if editable else hashlib.sha256((pyproject + record).encode()).hexdigest()
        return {"requirement": str(tree), "editable": "1" if editable else "", "fingerprint": fingerprint,
                "shown": f"its source tree {tree}" + (" (editable)" if editable else "")}
    if local is not None and "archive_info" in direct and local.is_file():
        return {"requirement": str(local), "editable": "", "fingerprint": hashlib.sha256(record.encode()).hexdigest(),
                "shown": str(local)}
    return {"requirement": f"xlspectrum=={VERSION}", "editable": "", "fingerprint": VERSION,
            "shown": f"xlspectrum {VERSION} from the package index"}


def _system_python_version(python: str) -> str:
    run = subprocess.run([python, "-c", "import sys, uno, venv, ensurepip; print(sys.version.split()[0])"],
                         capture_output=True, text=True, timeout=60, env=process_environment(Path.home()))
    if run.returncode != 0:
        raise AddinError(f"LibreOffice's Python {python} cannot make an environment with uno "
                         "(needs python3-uno and python3-venv: apt-get install python3-uno python3-venv)")
    return run.stdout.strip()


def cached_python_env(extras: Iterable[str] = (), progress: Callable[[str], None] | None = None,
                      python: str = SYSTEM_PYTHON, timeout: float = 900) -> Path:
    """The environment of LibreOffice's Python in the cache folder, made on first use.

    ``python -m venv --system-site-packages`` (so it keeps ``uno``), then the running
    xlspectrum (:func:`running_source`) with ``extras``.  Reused while its stamp says it is
    current: the same interpreter, the same xlspectrum source and version, every extra asked
    for.  Made in a temporary folder beside it and renamed, so a failed or interrupted set-up
    leaves nothing half-made; a lock keeps two runs from making it at once.
    """
    source = running_source()
    version = _system_python_version(python)
    key = hashlib.sha256(json.dumps([python, version, source["requirement"]]).encode()).hexdigest()[:10]
    folder = cache_folder() / f"{_lo_finder.CACHE_PREFIX}{VERSION}-{key}"
    wanted = {"python": python, "python_version": version, "xlspectrum": VERSION, **source}
    extras = sorted(set(extras))
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = _read_stamp(folder)
        have = set(stamp.get("extras", [])) if stamp else set()
        if stamp and {k: stamp.get(k) for k in wanted} == wanted and set(extras) <= have:
            return folder
        current = bool(stamp) and {k: stamp.get(k) for k in wanted} == wanted
        all_extras = sorted(have | set(extras)) if current else extras
        spec = source["requirement"] + (f"[{','.join(all_extras)}]" if all_extras else "")
        if progress:
            what = "adding the extras " + ", ".join(sorted(set(extras) - have)) + " to" if current else "creating"
            progress(f"LibreOffice: {what} its Python environment {folder} (first use; a few minutes): "
                     f"{python} -m venv --system-site-packages, pip install xlspectrum"
                     f"{'[' + ','.join(all_extras) + ']' if all_extras else ''} from {source['shown']}")
        target = folder if current else folder.with_name(f"{folder.name}.new-{os.getpid()}")
        try:
            if not current:
                shutil.rmtree(target, ignore_errors=True)
                _run([python, "-m", "venv", "--system-site-packages", str(target)], timeout, "venv")
            _run([str(target / "bin" / "python"), "-m", "pip", "install", "--quiet",
                  *(["--editable"] if source["editable"] else []), spec], timeout, "pip install " + spec)
            (target / _STAMP).write_text(json.dumps({**wanted, "extras": all_extras}, indent=1), encoding="utf-8")
        except BaseException:
            if not current:
                shutil.rmtree(target, ignore_errors=True)
            raise
        if not current:
            if folder.exists():
                if not (folder / _STAMP).exists():  # not ours: leave it, never delete what the user made
                    shutil.rmtree(target, ignore_errors=True)
                    raise AddinError(f"{folder} exists and was not made by xlspectrum; move it away")
                shutil.rmtree(folder)
            target.rename(folder)
        return folder


def _read_stamp(folder: Path) -> dict:
    try:
        return json.loads((folder / _STAMP).read_text(encoding="utf-8")) if (folder / "bin" / "python").exists() else {}
    except (OSError, ValueError):
        return {}


def run_process_group(command: list[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` in a process group of its own and return its result; at the time limit,
    or when this process is interrupted or told to stop (``SystemExit``), end the whole group
    and wait for it before re-raising (``subprocess.TimeoutExpired``, ...).

    ``soffice`` and ``unopkg`` are launchers: the office they start (``soffice.bin``) runs on
    if only the launcher is killed, holding the profile and its memory.
    """
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=hasattr(os, "killpg"))
    try:
        out, err = process.communicate(timeout=timeout)
    except BaseException:
        end_process_group(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def end_process_group(process: subprocess.Popen) -> None:
    """Kill ``process`` and every process of its group (it leads one: :func:`run_process_group`), then reap it."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, 9)  # the group still exists: its leader is not reaped yet
        except (ProcessLookupError, PermissionError):
            pass
    process.kill()
    process.communicate()


def _run(command: list[str], timeout: float, what: str) -> None:
    try:
        run = run_process_group(command, timeout, process_environment(Path.home()))
    except subprocess.TimeoutExpired as exc:
        raise AddinError(f"{what} did not finish within {timeout:.0f} s") from exc
    if run.returncode != 0:
        lines = [line for line in (run.stderr or run.stdout or "no output").splitlines() if line.strip()]
        raise AddinError(f"{what} failed (exit {run.returncode}): {lines[-1].strip() if lines else 'no output'}")


# ---------------------------------------------------------------------- installing in a profile

def _library(elements: Iterable[str], name: str = "Standard", readonly: bool = False) -> str:
    listed = "".join(f' <library:element library:name="{element}"/>\n' for element in elements)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n'
            f'<library:library xmlns:library="http://openoffice.org/2000/library" library:name="{name}" '
            f'library:readonly="{str(readonly).lower()}" library:passwordprotected="false">\n{listed}</library:library>\n')


def unopkg_path() -> str | None:
    from shutil import which

    found = which("unopkg")
    if found:
        return found
    for candidate in ("/usr/lib/libreoffice/program/unopkg", "/opt/libreoffice/program/unopkg"):
        if Path(candidate).exists():
            return candidate
    return None


def profile_environment(profile: Path) -> list[str]:
    """The ``-env:`` settings that keep LibreOffice and unopkg inside ``profile``."""
    return [f"-env:UserInstallation={profile.as_uri()}",
            f"-env:UNO_SHARED_PACKAGES_CACHE={(profile / 'shared-packages').as_uri()}"]


#: where Debian's LibreOffice finds its Python (python3-uno is installed for this interpreter)
SYSTEM_PYTHON_FOLDER = "/usr/bin"


def process_environment(home: str | os.PathLike[str],
                        python_env: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The environment LibreOffice and unopkg run in: ours, with ``HOME`` at ``home``, the folder
    of LibreOffice's Python first on ``PATH`` (``python_env``'s ``bin``, else the system's), no
    other virtual environment's ``bin`` folder on it, and no ``VIRTUAL_ENV``, ``PYTHONHOME`` or
    ``PYTHONPATH``.

    LibreOffice's embedded Python takes its set-up from the first ``python3`` on ``PATH``: another
    Python there (an activated virtual environment, pyenv's) points it at that Python's standard
    library, and unopkg then fails with ``std::bad_alloc`` on adding a Python component.
    Packages reach LibreOffice through ``XLSPECTRUM_LO_PYTHON_ENV`` instead.
    """
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH")}
    first = str(Path(python_env) / "bin") if python_env else SYSTEM_PYTHON_FOLDER
    folders = [folder for folder in os.environ.get("PATH", "").split(os.pathsep)
               if folder and folder != first and not (Path(folder).parent / "pyvenv.cfg").is_file()]
    environment["PATH"] = os.pathsep.join([first, *folders])
    environment["HOME"] = str(home)
    if python_env:  # the component finds it at run time (the HOME above hides the user's config and cache)
        environment[PYTHON_ENV_VARIABLE] = str(Path(python_env).resolve())
    return environment


def install_into_profile(profile: Path, oxt: Path, timeout: float = 300,
                         python_env: str | os.PathLike[str] | None = None) -> None:
    """Add the extension ``oxt`` for ``profile`` only, as a desktop user adds it, nothing else
    (``python_env``: the environment of LibreOffice's Python, see :func:`process_environment`).

    At the next start its job puts the Basic module in the profile's Standard library.
    """
    unopkg = unopkg_path()
    if unopkg is None:
        raise AddinError("unopkg (LibreOffice's extension manager) is not installed: apt-get install libreoffice-calc-nogui")
    command = [unopkg, "add", "--shared", "--suppress-license", *profile_environment(profile), str(oxt)]
    try:
        run = run_process_group(command, timeout, process_environment(profile, python_env))
    except subprocess.TimeoutExpired as exc:
        raise AddinError(f"unopkg did not finish within {timeout:.0f} s") from exc
    if run.returncode != 0:
        message = " ".join((run.stderr or run.stdout or "no output").split())
        raise AddinError(f"unopkg could not add {oxt.name} (exit {run.returncode}): {message}")
