"""No macro a workbook carries runs when we recalculate it, shown against a control that does run
(issue 21, section 7).

The control is a spreadsheet whose cell A1 calls a Basic function stored in the document; the
function writes a file. Loaded by LibreOffice with the document's macros allowed by the profile
(a throw-away profile with macro security off), recalculating the cell runs it and the file
appears: so the test can see a macro run. With our profile's settings the same load runs
nothing, and our conversion (``recalc``'s path) runs nothing under either profile.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from conftest import requires_libreoffice
from xlspectrum.hosts import libreoffice
from xlspectrum import recalc

pytestmark = [requires_libreoffice, pytest.mark.libreoffice, pytest.mark.slow]

#: A profile that lets every document macro run: the control's.
MACROS_ALLOWED = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""

_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row>
<table:table-cell table:formula="of:=MARK()" office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell>
</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"""

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="Basic/script-lc.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="Basic/Standard/script-lb.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

_LIBRARIES = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>"""

_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
</library:library>"""

_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Function MARK()
  Dim n As Integer
  n = FreeFile
  Open &quot;{marker}&quot; For Output As #n
  Print #n, &quot;a document macro ran&quot;
  Close #n
  MARK = 42
End Function
</script:module>"""

# Runs in LibreOffice's Python (it has uno): start the office on the profile, load the document
# hidden with the macro mode the profile decides (USE_CONFIG), give it time to recalculate, stop.
_LOADER = r"""
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
from com.sun.star.document.MacroExecMode import USE_CONFIG
soffice, profile_uri, document, pipe = sys.argv[1:5]
office = subprocess.Popen([soffice, "-env:UserInstallation=" + profile_uri, "--headless", "--norestore",
                           "--nolockcheck", "--accept=pipe,name=%s;urp;" % pipe])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(300):
    try:
        context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.2)
desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
def value(name, v):
    p = PropertyValue(); p.Name = name; p.Value = v; return p
loaded = desktop.loadComponentFromURL(uno.systemPathToFileUrl(document), "_blank", 0,
                                      (value("Hidden", True), value("MacroExecutionMode", USE_CONFIG)))
loaded.calculateAll()
time.sleep(1)
loaded.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(60)
print("loaded")
"""


def _macro_workbook(path: Path, marker: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        for name, text in (("META-INF/manifest.xml", _MANIFEST), ("content.xml", _CONTENT),
                           ("Basic/script-lc.xml", _LIBRARIES), ("Basic/Standard/script-lb.xml", _LIBRARY),
                           ("Basic/Standard/Module1.xml", _MODULE.replace("{marker}", str(marker)))):
            package.writestr(name, text, zipfile.ZIP_DEFLATED)
    return path


def _load_as_a_user_would(tmp_path: Path, settings: str) -> Path:
    """Open the macro workbook in a fresh profile holding ``settings``; return the marker's path."""
    marker = tmp_path / "the-macro-ran.txt"
    document = _macro_workbook(tmp_path / "macro.ods", marker)
    profile = recalc.fresh_profile(tmp_path, settings)
    loader = tmp_path / "loader.py"
    loader.write_text(_LOADER, encoding="utf-8")
    python = str(Path(libreoffice.SYSTEM_PYTHON_FOLDER) / "python3")
    run = libreoffice.run_process_group(
        [python, str(loader), recalc.soffice_path(), profile.as_uri(), str(document), f"xls{tmp_path.name}"],
        300, libreoffice.process_environment(tmp_path))
    assert run.returncode == 0 and run.stdout.strip().endswith("loaded"), run.stderr[-2000:]
    return marker


def test_the_control_a_document_macro_runs_when_the_profile_allows_it(tmp_path):
    assert _load_as_a_user_would(tmp_path, MACROS_ALLOWED).read_text().strip() == "a document macro ran"


def test_our_profile_stops_the_same_macro_in_the_same_load(tmp_path):
    assert not _load_as_a_user_would(tmp_path, recalc._PROFILE_SETTINGS).exists()


@pytest.mark.parametrize("settings", [MACROS_ALLOWED, recalc._PROFILE_SETTINGS], ids=["macros allowed", "ours"])
def test_our_conversion_runs_no_macro_under_either_profile(tmp_path, settings):
    marker = tmp_path / "the-macro-ran.txt"
    staged = tmp_path / "in" / "workbook.ods"
    staged.parent.mkdir()
    _macro_workbook(staged, marker)
    profile = recalc.fresh_profile(tmp_path, settings)
    run, produced = recalc.convert_to_xlsx(recalc.soffice_path(), libreoffice.profile_environment(profile)[:1],
                                           staged, 300, libreoffice.process_environment(tmp_path))
    assert run.returncode == 0 and produced.exists(), run.stderr  # the workbook was opened and saved
    assert not marker.exists()


def test_the_loader_runs_in_libreoffices_python():
    assert Path(libreoffice.SYSTEM_PYTHON_FOLDER, "python3").exists(), sys.version
