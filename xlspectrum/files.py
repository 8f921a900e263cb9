"""Writing files without losing anything the user made.

:func:`write_file` is the one way xlspectrum writes a workbook or any other output:

* it refuses to replace a file whose bytes differ from what it would write, unless
  ``force`` (so an edited workbook, even a changed column width or comment, is never lost);
* it leaves an identical file untouched (no new timestamp, nothing for git to see);
* the check and the replacement are one step under an exclusive lock on the target,
  so two builds at once cannot replace each other's different files;
* it writes to a temporary file beside the target and renames it into place, so a
  reader never sees half a file; temporary files left by a killed run are removed by
  the next run, and on SIGTERM/SIGHUP the temporary file is removed before exiting.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import threading
import zipfile
from pathlib import Path
from typing import Callable, Iterator

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class OutputError(OSError):
    """A file could not be written, or would replace something the user made."""


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _temporary_prefix(target: Path) -> str:
    return f".{target.name}."


@contextlib.contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``target`` (a lock file beside it), or fail at once."""
    lock = _lock_path(target)
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _explain(exc, target) from exc
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            raise OutputError(f"{target} is being written by another xlspectrum command; try again when it has finished") from None
        # the holder before us may have removed the lock file: lock the file that is there now
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _explain(exc: OSError, target: Path) -> OutputError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write {target}: permission denied (the folder {target.parent} is read-only)")
    if exc.errno == errno.ENOENT:
        return OutputError(f"cannot write {target}: the folder {target.parent} does not exist; create it first")
    if exc.errno == errno.ENOSPC:
        return OutputError(f"cannot write {target}: no space left on the device")
    return OutputError(f"cannot write {target}: {exc.strerror or exc}")


@contextlib.contextmanager
def _removed_on_termination(path: Path) -> Iterator[None]:
    """Remove ``path`` if SIGTERM or SIGHUP arrives while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def handler(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            path.unlink()
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def same_package(existing: bytes, new: bytes) -> bool:
    """Whether two zip packages (.xlsx) hold the same files with the same bytes, in the same order.

    Compares what the files hold, not how zlib compressed them, so a rebuild on another
    machine is still "the same"; any edit a user makes (a value, a comment, a colour, a
    width) changes some part's bytes and is "different".
    """
    if existing == new:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(existing)) as a, zipfile.ZipFile(io.BytesIO(new)) as b:
            if a.namelist() != b.namelist():
                return False
            return all(a.read(name) == b.read(name) for name in a.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def write_file(target: str | os.PathLike[str], content: bytes, *, force: bool = False,
               same: Callable[[bytes, bytes], bool] = bytes.__eq__) -> bool:
    """Write ``content`` to ``target`` safely; return True if the file was written.

    Returns False, writing nothing, when the file already holds ``content`` (as judged
    by ``same``: byte for byte unless told otherwise, e.g. :func:`same_package`).
    Raises :class:`OutputError` when the target is a folder, its folder is missing or
    read-only, or it holds different bytes and ``force`` is false.
    """
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name, e.g. {target / 'model.xlsx'}")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: the folder {target.parent} does not exist; create it first")
    with exclusive(target):
        for stale in target.parent.glob(_temporary_prefix(target) + "*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()  # left by a run that was killed: only the lock holder writes these
        if target.exists():
            try:
                existing = target.read_bytes()
            except OSError as exc:
                raise _explain(exc, target) from exc
            if same(existing, content):
                return False
            if not force:
                raise OutputError(
                    f"{target} exists and differs from what this would write (edited by hand, another scenario, "
                    "or not an xlspectrum file). Nothing was written. Use --force to replace it, or --output for another file"
                )
        temporary = target.with_name(f"{_temporary_prefix(target)}{os.getpid()}.tmp")
        with _removed_on_termination(temporary):
            try:
                temporary.write_bytes(content)
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
                os.replace(temporary, target)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    temporary.unlink()
                raise _explain(exc, target) from exc
            except BaseException:
                with contextlib.suppress(OSError):
                    temporary.unlink()
                raise
    return True
