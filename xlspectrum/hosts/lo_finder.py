"""Where LibreOffice's Python finds the environment that has xlspectrum, at run time.

Standard library only: this file's text is copied verbatim into the .oxt's Python
component (:func:`xlspectrum.hosts.libreoffice.component_source`), which runs in LibreOffice's
Python before xlspectrum can be imported, and :mod:`xlspectrum.hosts.libreoffice` imports the
same functions, so the rules live here once.  The order: the environment variable
:data:`VARIABLE`, then the configuration file :func:`config_file` (``{"python_env": PATH}``),
then the newest current environment in the cache folder (:func:`cache_folder`, made by
:func:`xlspectrum.hosts.libreoffice.cached_python_env`), else none.
"""

import json
import os
import sys

#: environment variable naming the virtual environment LibreOffice's Python should use
VARIABLE = "XLSPECTRUM_LO_PYTHON_ENV"
#: the key of the configuration file that names it
CONFIG_KEY = "python_env"
#: the stamp file a cached environment holds (written by cached_python_env)
STAMP = ".xlspectrum-stamp.json"
#: cached environments are folders named so, followed by the xlspectrum version and a key
CACHE_PREFIX = "lo-env-"
#: a cell shows at most this many characters
LIMIT = 255


def _base(variable, fallback):
    base = os.environ.get(variable)
    return base if base and os.path.isabs(base) else os.path.join(os.path.expanduser("~"), fallback)


def config_file():
    """``$XDG_CONFIG_HOME/xlspectrum/libreoffice.json``, else ``~/.config/xlspectrum/libreoffice.json``."""
    return os.path.join(_base("XDG_CONFIG_HOME", ".config"), "xlspectrum", "libreoffice.json")


def cache_folder():
    """``$XDG_CACHE_HOME/xlspectrum``, else ``~/.cache/xlspectrum`` (the XDG base-directory rule)."""
    return os.path.join(_base("XDG_CACHE_HOME", ".cache"), "xlspectrum")


def site_packages(env):
    """The site-packages folders of virtual environment ``env`` for the running Python's version."""
    major, minor = sys.version_info[:2]
    found = []
    for lib in ("lib", "lib64"):
        path = os.path.join(env, lib, "python%d.%d" % (major, minor), "site-packages")
        if os.path.isdir(path) and path not in found:
            found.append(path)
    return found


def current_cached_environment(version):
    """The newest environment in the cache folder whose stamp says xlspectrum ``version`` and
    the running Python's version, or None."""
    folder = cache_folder()
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    running = sys.version.split()[0]
    best = None
    for name in names:
        path = os.path.join(folder, name)
        if not name.startswith(CACHE_PREFIX + version + "-") or name.endswith(".lock") or ".new-" in name:
            continue
        try:
            with open(os.path.join(path, STAMP), encoding="utf-8") as handle:
                stamp = json.load(handle)
            made = os.path.getmtime(os.path.join(path, STAMP))
        except (OSError, ValueError):
            continue
        if (isinstance(stamp, dict) and stamp.get("xlspectrum") == version and stamp.get("python_version") == running
                and site_packages(path) and (best is None or made > best[0])):
            best = (made, path)
    return best[1] if best else None


def find_environment(version):
    """``(path, where, problem)``: the environment to use and where it was named, or
    ``(None, None, problem)`` with the one line a cell shows (``#N/A ...``) when a place names
    something that is not an environment, or ``(None, None, None)`` when no place names one."""
    chosen = os.path.expanduser(os.environ.get(VARIABLE) or "")
    if chosen:
        if site_packages(chosen):
            return chosen, VARIABLE, None
        return None, None, ("#N/A xlspectrum: %s=%s is not a virtual environment of Python %d.%d (no site-packages)"
                            % (VARIABLE, chosen, sys.version_info[0], sys.version_info[1]))[:LIMIT]
    config = config_file()
    if os.path.exists(config):
        try:
            with open(config, encoding="utf-8") as handle:
                chosen = json.load(handle).get(CONFIG_KEY)
        except (OSError, ValueError, AttributeError) as error:
            return None, None, ("#N/A xlspectrum: %s is not JSON like {\"%s\": \"PATH\"}: %s"
                                % (config, CONFIG_KEY, " ".join(str(error).split())))[:LIMIT]
        if isinstance(chosen, str):  # "~/venv" or a path relative to the file's folder serve too
            chosen = os.path.join(os.path.dirname(config), os.path.expanduser(chosen))
            if site_packages(chosen):
                return os.path.normpath(chosen), config, None
        return None, None, ("#N/A xlspectrum: %s names %r, not a virtual environment of Python %d.%d"
                            % (config, chosen, sys.version_info[0], sys.version_info[1]))[:LIMIT]
    cached = current_cached_environment(version)
    if cached:
        return cached, cache_folder(), None
    return None, None, None


def missing_message():
    """The cell's line when xlspectrum cannot be imported and no place names an environment."""
    return ("#N/A xlspectrum is not found by LibreOffice's Python: set %s to a venv that has it, "
            "write {\"%s\": \"VENV\"} to %s, or run xlspectrum recalc --with-addin once"
            % (VARIABLE, CONFIG_KEY, config_file().replace(os.path.expanduser("~"), "~", 1)))[:LIMIT]
