"""Writing files without losing anything the user made.

:func:`write_file` is the one way xlspectrum writes a workbook or any other output:

* it refuses to replace a file whose bytes differ from what it would write, unless
  ``force`` (so an edited workbook, even a changed column width or comment, is never lost);
* it leaves an identical file untouched (no new timestamp, nothing for git to see);
* the check and the replacement are one step under an exclusive lock on the target,
  so two builds at once cannot replace each other's different files;
* it writes to a temporary file beside the target and renames it into place, so a
  reader never sees half a file; on SIGTERM/SIGHUP the temporary file is removed before
  exiting, and one left by a killed run is removed by the next run;
* it only ever removes files it made: the lock file records the exact name of the
  temporary file before it is created, and the next holder of the lock removes that
  name and no other (no pattern built from the user's file name, so ``.m.xlsx.backup.tmp``
  or another target's temporary file is never touched);
* it writes only to a regular file or a new path: a folder, a device (``/dev/full``) or a
  FIFO is refused before anything is read from it.

:func:`check_archive` refuses a workbook (a zip package) that would unpack beyond
:data:`MAX_UNPACKED_MB` or holds more than :data:`MAX_ENTRIES` parts, before LibreOffice,
openpyxl or ``formulas`` opens it (a 2 MB "zip bomb" once took LibreOffice to 13 GB).

User text stays text in every file written (OWASP's guidance on CSV injection):
:func:`csv_text` / :func:`csv_frame` put a single quote before a CSV field that a
spreadsheet would read as a formula, and :func:`text_cell` makes an xlsx cell a string
cell whatever its text starts with.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import secrets
import signal
import stat
import struct
import threading
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, Iterator

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


#: First characters that make a spreadsheet read a CSV field as a formula (OWASP, CSV injection), and their
#: full-width forms, which some spreadsheets also take for them
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_text(value: str) -> str:
    """A text as a CSV field that stays text: a single quote before a leading formula character.

    As OWASP says, without exception: a name ``-3`` stays the text ``-3``, not the number.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_frame(frame: Any) -> Any:
    """A copy of a pandas table whose text cells and column names are :func:`csv_text` (numbers untouched)."""
    escaped = frame.rename(columns=lambda name: csv_text(name) if isinstance(name, str) else name)
    for column in escaped.columns[[dtype == object or str(dtype) in ("string", "str") for dtype in escaped.dtypes]]:
        escaped[column] = escaped[column].map(lambda cell: csv_text(cell) if isinstance(cell, str) else cell)
    return escaped


def to_csv(frame: Any) -> str:
    """A pandas table as CSV text for a spreadsheet: no index, text cells escaped by :func:`csv_text`.

    Lines end in ``\\n``; a text holding a carriage return (which the writer would leave
    unquoted, breaking the row) makes every text field quoted.
    """
    import csv

    escaped = csv_frame(frame)
    texts = [name for name in escaped.columns if isinstance(name, str)]
    for column in escaped.columns[[dtype == object or str(dtype) in ("string", "str") for dtype in escaped.dtypes]]:
        texts.extend(cell for cell in escaped[column] if isinstance(cell, str))
    quoting = csv.QUOTE_NONNUMERIC if any("\r" in text for text in texts) else csv.QUOTE_MINIMAL
    return escaped.to_csv(index=False, quoting=quoting)


def ooxml_text(value: str) -> str:
    """Text for an xlsx string cell, unchanged by the reader: control characters (a CR that XML would turn into
    a LF) written as OOXML's ``_xHHHH_`` escapes, and a literal ``_x`` escaped so that it stays itself."""
    if "_x" not in value and not any(ord(c) < 32 and c not in "\n\t" for c in value):
        return value
    value = value.replace("_x", "_x005F_x")
    return "".join(f"_x{ord(c):04X}_" if ord(c) < 32 and c not in "\n\t" else c for c in value)


def text_cell(cell: Any, value: str) -> None:
    """Put ``value`` in an openpyxl ``cell`` as a string cell: a text that starts with ``=`` is never a formula."""
    cell.value = value
    cell.data_type = "s"


class OutputError(OSError):
    """A file could not be written, or would replace something the user made."""


#: in the name of every lock and temporary file xlspectrum makes, and the first word of a lock file
MARKER = "xlspectrum-partial"


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{MARKER}.lock")


def _temporary_path(target: Path) -> Path:
    """A new temporary name beside ``target``: the target's name, the marker, the process and a random token."""
    return target.with_name(f".{target.name}.{MARKER}-{os.getpid()}-{secrets.token_hex(8)}.tmp")


def _is_our_temporary(name: str, target: Path) -> bool:
    """Whether ``name`` (a bare file name) has exactly the form :func:`_temporary_path` gives for ``target``."""
    return re.fullmatch(re.escape(f".{target.name}.{MARKER}-") + r"[0-9]+-[0-9a-f]{16}\.tmp", name) is not None


def check_target(target: str | os.PathLike[str]) -> Path:
    """Return ``target`` if it is a regular file or a new path in an existing folder; else raise naming what it is.

    Nothing is opened or read: a device (``/dev/full``, ``/dev/zero``) or a FIFO would make
    reading the existing file hang or never end.
    """
    target = Path(target)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _explain(exc, target) from exc
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputError(f"{target} is a folder; give a file name, e.g. {target / 'model.xlsx'}")
        raise OutputError(f"{target} is {_kind(mode)}, not a regular file; give the name of a file to write")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: the folder {target.parent} does not exist; create it first")
    return target


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def describe_input(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be read as an input file (missing, a folder, a FIFO, a device), or None if it is a file."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{path}: no such file"
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    return f"{path} is {_kind(mode)}, not a file"


@contextlib.contextmanager
def exclusive(target: Path) -> Iterator[int]:
    """Hold an exclusive lock on ``target`` (a lock file beside it), or fail at once; give the lock file's descriptor."""
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
        _remove_recorded_temporary(fd, target)
        yield fd
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _remove_recorded_temporary(fd: int, target: Path) -> None:
    """Remove the temporary file a killed holder of the lock recorded in it (that exact name only)."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        os.lseek(fd, 0, os.SEEK_SET)
        recorded = os.read(fd, 4096).decode("utf-8").split()
        if len(recorded) == 2 and recorded[0] == MARKER and _is_our_temporary(recorded[1], target):
            target.with_name(recorded[1]).unlink()


def _record_temporary(fd: int, temporary: Path) -> None:
    """Write the temporary file's name into the lock file we hold, before the temporary file exists."""
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{MARKER} {temporary.name}\n".encode("utf-8"))
    os.fsync(fd)


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
    try:
        with exit_on_termination():
            yield
    except Terminated:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived (exit code 128 + the signal's number); raised by :func:`exit_on_termination`."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signal_name = signal.Signals(signum).name


@contextlib.contextmanager
def exit_on_termination() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise SystemExit (main thread only), so ``finally``
    clauses and ``with`` blocks run: a child process is ended and a temporary folder removed,
    where the default action would end this process and leave both behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


#: Largest total size the parts of a workbook may unpack to [MB] before it is refused unopened
#: (``recalc --max-unpacked-mb`` raises it). The committed workbooks unpack to under 2 MB; Excel's
#: largest sheets (1,048,576 rows) unpack to a few hundred MB.
MAX_UNPACKED_MB = 500.0
#: The range ``--max-unpacked-mb`` allows [MB]: from 1 MB to 1 TB.
UNPACKED_MB_LIMITS = (1.0, 1_000_000.0)
#: Most parts (zip entries) a workbook may hold; Excel writes a handful per sheet.
MAX_ENTRIES = 10_000

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the zip format's local file header (APPNOTE 4.3.7)
_INFLATE_STEP = 1 << 20  # bytes inflated per step, so a bomb is stopped within a step of the limit


class ArchiveError(ValueError):
    """A workbook's zip package is too large unpacked, has too many parts, or is damaged."""


def check_archive(path: str | os.PathLike[str], max_unpacked_mb: float = MAX_UNPACKED_MB) -> None:
    """Refuse the zip package at ``path`` if it unpacks beyond ``max_unpacked_mb`` [MB] or holds
    more than :data:`MAX_ENTRIES` parts, or if a part does not read back (size or CRC-32).

    Sizes are measured by inflating every part with a running total that stops at the limit,
    not taken from the headers, which a crafted file can understate. Raises
    :class:`ArchiveError` naming the file, the part and the limit; returns None for a sound package.
    """
    path = Path(path)
    limit = int(max_unpacked_mb * 1e6)
    with zipfile.ZipFile(path) as package:
        parts = package.infolist()
    if len(parts) > MAX_ENTRIES:
        raise ArchiveError(f"{path} holds {len(parts):,} parts, more than the {MAX_ENTRIES:,} a workbook may hold")
    too_large = lambda size: ArchiveError(  # noqa: E731
        f"{path} unpacks to more than {max_unpacked_mb:,.0f} MB (at least {size / 1e6:,.0f} MB): refused unopened; "
        f"if you trust it, raise the limit with --max-unpacked-mb (Python: max_unpacked_mb=)")
    declared = sum(part.file_size for part in parts)
    if declared > limit:
        raise too_large(declared)
    total = 0
    with path.open("rb") as raw:
        for part in parts:
            if part.flag_bits & 0x1:
                raise ArchiveError(f"{path} is encrypted (part {part.filename}); save it without a password first")
            if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ArchiveError(f"{path}: part {part.filename} uses zip compression method {part.compress_type}, "
                                   "which Excel workbooks do not use")
            raw.seek(part.header_offset)
            header = raw.read(_LOCAL_HEADER.size)
            if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
                raise ArchiveError(f"{path} is a damaged workbook: {part.filename} does not read back")
            fields = _LOCAL_HEADER.unpack(header)
            raw.seek(fields[-2] + fields[-1], os.SEEK_CUR)  # the part's name and extra field
            inflater = zlib.decompressobj(-zlib.MAX_WBITS) if part.compress_type == zipfile.ZIP_DEFLATED else None
            size, crc, left = 0, 0, part.compress_size
            while left > 0:
                data = raw.read(min(left, _INFLATE_STEP))
                if not data:
                    break
                left -= len(data)
                while data:
                    out = inflater.decompress(data, _INFLATE_STEP) if inflater else data
                    data = inflater.unconsumed_tail if inflater else b""
                    size += len(out)
                    crc = zlib.crc32(out, crc)
                    if total + size > limit:
                        raise too_large(total + size)
            if inflater is not None:
                out = inflater.flush()
                size += len(out)
                crc = zlib.crc32(out, crc)
            if left or size != part.file_size or crc != part.CRC:
                raise ArchiveError(f"{path} is a damaged workbook: {part.filename} does not read back")
            total += size
            if total > limit:
                raise too_large(total)


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
    Raises :class:`OutputError` when the target is a folder, a device or a FIFO, its folder
    is missing or read-only, or it holds different bytes and ``force`` is false.
    """
    target = check_target(target)
    with exclusive(target) as lock:
        check_target(target)  # again under the lock: it may have been replaced meanwhile
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
        temporary = _temporary_path(target)
        with _removed_on_termination(temporary):
            try:
                _record_temporary(lock, temporary)
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
