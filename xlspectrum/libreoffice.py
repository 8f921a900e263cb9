"""The Excel functions in LibreOffice Calc: a Basic library and a Python UNO component.

Calc resolves a function name it does not know, also in an .xlsx it opens, to a Basic
function of that name.  xlspectrum generates, from the registry, one Basic function per
Excel name; each forwards its arguments to a Python UNO component (an ``XInvocation``,
so no IDL or type library is needed) that calls :func:`xlspectrum.excel.call_excel_function`,
the code path every host shares.  Every Basic function traps every error and returns a
text (an untrapped Basic error hangs headless LibreOffice); array results come back as
2-D arrays, so an array formula fills a range.

LibreOffice runs the component in its own Python (Debian: the system ``python3`` with
``python3-uno``), which must import xlspectrum and numpy/scipy/pandas: make a virtual
environment with that Python and ``--system-site-packages`` (so it keeps ``uno``), install
xlspectrum into it, and name it when generating or installing (``--python-env``, or the
``XLSPECTRUM_LO_PYTHON_ENV`` environment variable).

:func:`install_into_profile` sets up a LibreOffice user profile: the Basic module in its
``Standard`` library and the extension added with ``unopkg`` against that profile only
(``--shared`` with the profile's own package cache, so nothing is written to the system's
LibreOffice folders and root is allowed).  ``xlspectrum recalc --with-addin`` does this in
the fresh profile of each run.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Iterable

from .registry import FUNCTIONS, ExcelFunction

SERVICE = "org.xlspectrum.Functions"
IMPLEMENTATION = "org.xlspectrum.Functions.PythonImpl"
MODULE = "xlspectrum"
#: environment variable naming the virtual environment LibreOffice's Python should use
PYTHON_ENV_VARIABLE = "XLSPECTRUM_LO_PYTHON_ENV"
VERSION = "0.1.0"


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
    return (
        f"Function {spec.excel_name}({parameters}) As Variant\n"
        f"    ' {spec.description}\n"
        f"    On Error GoTo failed\n"
        f'    {spec.excel_name} = XlsCall("{spec.excel_name}", Array({forwarded}))\n'
        f"    Exit Function\n"
        f"failed:\n"
        f'    {spec.excel_name} = "#VALUE! " & Error$ & " (xlspectrum extension)"\n'
        f"End Function\n"
    )


def basic_module() -> str:
    """The StarBasic source: the helpers and one function per registry entry."""
    header = "REM xlspectrum: Excel functions for LibreOffice Calc. Generated from the registry; do not edit.\nOption Explicit\n"
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

_COMPONENT = '''"""xlspectrum's functions for LibreOffice Calc (generated by `xlspectrum addin libreoffice`)."""
import os
import site
import sys

import unohelper
from com.sun.star.script import XInvocation

#: the virtual environment whose packages this component uses (made with LibreOffice's Python)
PYTHON_ENV = {python_env!r}
IMPLEMENTATION = {implementation!r}
SERVICE = {service!r}
LIMIT = 255


def _use_environment():
    env = os.environ.get({variable!r}) or PYTHON_ENV
    if not env:
        return
    major, minor = sys.version_info[:2]
    for lib in ("lib", "lib64"):
        path = os.path.join(env, lib, "python%d.%d" % (major, minor), "site-packages")
        if os.path.isdir(path) and path not in sys.path:
            site.addsitedir(path)


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
        self.registry = None

    def _call(self, name, arguments):
        if self.registry is None:
            _use_environment()
            from xlspectrum.excel import call_excel_function
            from xlspectrum.registry import BY_EXCEL_NAME

            self.registry = (BY_EXCEL_NAME, call_excel_function)
        by_name, call = self.registry
        spec = by_name.get(str(name).upper())
        if spec is None:
            return "#NAME? %s is not an xlspectrum function" % name
        return call(spec, *[_plain(argument) for argument in arguments])

    # XInvocation: Basic calls service.Evaluate(name, arguments)
    def invoke(self, method, parameters, out_index, out_values):
        try:
            if method.lower() != "evaluate" or len(parameters) != 2:
                raise ValueError("call Evaluate(function_name, arguments)")
            name, arguments = parameters
            result = self._call(name, arguments if isinstance(arguments, tuple) else (arguments,))
        except Exception as error:  # a cell shows one line, never a traceback
            result = ("#VALUE! %s: %s" % (type(error).__name__, " ".join(str(error).split())))[:LIMIT]
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


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, IMPLEMENTATION, (SERVICE,))
'''

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-component;type=Python" manifest:full-path="xlspectrum_functions.py"/>
</manifest:manifest>
"""

_DESCRIPTION = f"""<?xml version="1.0" encoding="UTF-8"?>
<description xmlns="http://openoffice.org/extensions/description/2006" xmlns:xlink="http://www.w3.org/1999/xlink">
 <identifier value="org.xlspectrum.functions"/>
 <version value="{VERSION}"/>
 <display-name><name lang="en">xlspectrum functions</name></display-name>
</description>
"""


def component_source(python_env: str | os.PathLike[str] | None) -> str:
    env = str(Path(python_env).resolve()) if python_env else ""
    return _COMPONENT.format(python_env=env, implementation=IMPLEMENTATION, service=SERVICE, variable=PYTHON_ENV_VARIABLE)


def extension_bytes(python_env: str | os.PathLike[str] | None = None) -> bytes:
    """The .oxt package: the Python component (with the environment it uses) and its manifest.

    The Basic functions are not in it: Calc looks for a function it does not know only in
    the ``Standard`` Basic library, which an extension cannot provide, so they go into the
    profile (:func:`install_into_profile`) or, by hand, into My Macros > Standard.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("META-INF/manifest.xml", _MANIFEST), ("description.xml", _DESCRIPTION),
                           ("xlspectrum_functions.py", component_source(python_env))):
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


# ---------------------------------------------------------------------- installing in a profile

_LIBRARIES = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>
"""


def _library(elements: Iterable[str]) -> str:
    listed = "".join(f' <library:element library:name="{name}"/>\n' for name in elements)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n'
            '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
            f'library:readonly="false" library:passwordprotected="false">\n{listed}</library:library>\n')


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
    return environment


def install_into_profile(profile: Path, oxt: Path, timeout: float = 300,
                         python_env: str | os.PathLike[str] | None = None) -> None:
    """Put the Basic module in ``profile``'s Standard library and add the extension for it only
    (``python_env``: the environment of LibreOffice's Python, see :func:`process_environment`)."""
    basic = profile / "user" / "basic"
    (basic / "Standard").mkdir(parents=True, exist_ok=True)
    (basic / "script.xlc").write_text(_LIBRARIES, encoding="utf-8")
    (basic / "dialog.xlc").write_text(_LIBRARIES.replace("script", "dialog"), encoding="utf-8")
    (basic / "Standard" / "script.xlb").write_text(_library([MODULE]), encoding="utf-8")
    (basic / "Standard" / "dialog.xlb").write_text(_library([]), encoding="utf-8")
    (basic / "Standard" / f"{MODULE}.xba").write_text(basic_module_xml(), encoding="utf-8")
    unopkg = unopkg_path()
    if unopkg is None:
        raise AddinError("unopkg (LibreOffice's extension manager) is not installed: apt-get install libreoffice-calc-nogui")
    command = [unopkg, "add", "--shared", "--suppress-license", *profile_environment(profile), str(oxt)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                             env=process_environment(profile, python_env))
    except subprocess.TimeoutExpired as exc:
        raise AddinError(f"unopkg did not finish within {timeout:.0f} s") from exc
    if run.returncode != 0:
        message = " ".join((run.stderr or run.stdout or "no output").split())
        raise AddinError(f"unopkg could not add {oxt.name} (exit {run.returncode}): {message}")
