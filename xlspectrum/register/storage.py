"""Where the register lives: SQLite (one file, WAL) by default, PostgreSQL for several users at once.

Both run the same SQL statements (named ``:parameters``, portable types) and the same
transaction function; only how a write transaction starts differs:

* SQLite through the standard library's ``sqlite3``: ``BEGIN IMMEDIATE`` takes the one
  write lock before the register reads the state it checks, so two writers never check
  against the same state; WAL lets readers go on meanwhile; ``synchronous=FULL`` makes a
  commit durable.  No dependency: a spreadsheet or a plain ``pip install xlspectrum`` reads
  a register as it is.
* PostgreSQL through SQLAlchemy Core (the ``postgres`` extra): READ COMMITTED with a
  transaction-level advisory lock as the first statement, so writers queue on the log's one
  head and every statement after the lock sees what the writer before committed (under
  SERIALIZABLE the snapshot would date from before the wait and every queued writer would
  fail); the entry's primary key (its sequence number) is the backstop, and a serialization
  failure or a lost race is retried.

The derived tables (parties, tokens, leases, payments, token_entries, meta) are written in
the same transaction as the entry that changes them: a crash leaves both or neither.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from xlspectrum.core.validation import MissingExtraError, WrongTypeError

__all__ = ["SCHEMA", "PostgresStore", "SQLiteStore", "Store", "open_store"]

SCHEMA_VERSION = "1"
#: The tables: ``entries`` is the log; every other table is derived from it and rebuildable
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        seq BIGINT PRIMARY KEY, prev_hash TEXT NOT NULL, payload TEXT NOT NULL, signature TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS parties (
        name TEXT PRIMARY KEY, public_key TEXT NOT NULL, next_seq BIGINT NOT NULL, enrolled_seq BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY, content TEXT NOT NULL, holder TEXT NOT NULL, status TEXT NOT NULL,
        band_lo DOUBLE PRECISION NOT NULL, band_hi DOUBLE PRECISION NOT NULL, paired DOUBLE PRECISION NOT NULL,
        x0 DOUBLE PRECISION NOT NULL, y0 DOUBLE PRECISION NOT NULL, x1 DOUBLE PRECISION NOT NULL,
        y1 DOUBLE PRECISION NOT NULL, t0 DOUBLE PRECISION NOT NULL, t1 DOUBLE PRECISION NOT NULL,
        span_lo DOUBLE PRECISION NOT NULL, span_hi DOUBLE PRECISION NOT NULL, since_seq BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tokens_by_holder ON tokens (holder, status)",
    # live tokens by the lowest frequency they cover: a band query scans only those within the widest span of it
    "CREATE INDEX IF NOT EXISTS tokens_by_span ON tokens (status, span_lo)",
    """CREATE TABLE IF NOT EXISTS leases (
        token_id TEXT NOT NULL, seq BIGINT NOT NULL, lessee TEXT NOT NULL, start_h TEXT NOT NULL, end_h TEXT NOT NULL,
        start_r DOUBLE PRECISION NOT NULL, end_r DOUBLE PRECISION NOT NULL, PRIMARY KEY (token_id, seq))""",
    """CREATE TABLE IF NOT EXISTS payments (
        seq BIGINT NOT NULL, line INTEGER NOT NULL, payer TEXT NOT NULL, payee TEXT NOT NULL, amount TEXT NOT NULL,
        currency TEXT NOT NULL, reference TEXT NOT NULL, PRIMARY KEY (seq, line))""",
    "CREATE TABLE IF NOT EXISTS licences (name TEXT PRIMARY KEY, seq BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS token_entries (
        token_id TEXT NOT NULL, seq BIGINT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (token_id, seq, role))""",
)
#: The derived tables and the columns that identify a row, in the order verify compares them
DERIVED = {"meta": "key", "parties": "name", "tokens": "id", "leases": "token_id, seq", "payments": "seq, line",
           "licences": "name", "token_entries": "token_id, seq, role"}
#: How long a writer waits for another's lock before giving up [s]
LOCK_TIMEOUT_S = 120.0


class StoreError(WrongTypeError):
    """The register's database cannot be opened or is not a register."""


class Tx:
    """One transaction: ``rows`` for a query, ``run`` for a statement (named ``:parameters``)."""

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        raise NotImplementedError

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None:
        raise NotImplementedError

    def run_many(self, sql: str, params: Sequence[dict[str, Any]]) -> None:
        for p in params:
            self.run(sql, p)

    def stream(self, sql: str, params: dict[str, Any] | None = None, size: int = 10_000) -> Iterator[tuple]:
        yield from self.rows(sql, params)


class Store:
    """A database holding one register."""

    location: str

    def write(self) -> contextlib.AbstractContextManager[Tx]:
        """A write transaction, serialised with every other writer; committed on success, rolled back on error."""
        raise NotImplementedError

    def read(self) -> contextlib.AbstractContextManager[Tx]:
        """A read transaction that sees one consistent state."""
        raise NotImplementedError

    def create_schema(self) -> None:
        with self.write() as tx:
            for statement in SCHEMA:
                tx.run(statement)

    def is_register(self) -> bool:
        with self.read() as tx:
            try:
                return bool(tx.rows("SELECT value FROM meta WHERE key = 'register_id'"))
            except Exception:  # noqa: BLE001 - no meta table: not a register
                return False

    def close(self) -> None:
        pass

    def order_by(self, columns: str) -> str:
        """An ORDER BY list that sorts text by code point, as every store does alike."""
        return columns


class _SQLiteTx(Tx):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql, params=None):
        return self.connection.execute(sql, params or {}).fetchall()

    def run(self, sql, params=None):
        self.connection.execute(sql, params or {})

    def run_many(self, sql, params):
        self.connection.executemany(sql, params)

    def stream(self, sql, params=None, size=10_000):
        cursor = self.connection.execute(sql, params or {})
        while True:
            chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield from chunk


class SQLiteStore(Store):
    """A register in one SQLite file (WAL journal), or in memory (``":memory:"``, for replays)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False, read_only: bool = False) -> None:
        self.location = str(path)
        self.memory = self.location == ":memory:"
        if not self.memory:
            target = Path(path)
            if create and target.exists():
                raise StoreError(f"{target} exists; a new register needs a new file (nothing was changed)")
            if not create and not target.is_file():
                raise StoreError(f"{target}: no register there (create one with `xlspectrum register init`)")
            if create and not target.parent.is_dir():
                raise StoreError(f"cannot create {target}: the folder {target.parent} does not exist")
        self.read_only = read_only
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        if self.memory:
            self._shared = self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            uri = Path(self.location).resolve().as_uri() + "?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=LOCK_TIMEOUT_S, isolation_level=None,
                                         check_same_thread=False)
        else:
            connection = sqlite3.connect(self.location, timeout=LOCK_TIMEOUT_S, isolation_level=None,
                                         check_same_thread=False)
        if not self.read_only and not self.memory:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
        elif self.memory:
            connection.execute("PRAGMA synchronous=OFF")
        connection.execute(f"PRAGMA busy_timeout={int(LOCK_TIMEOUT_S * 1000)}")
        return connection

    def _connection(self) -> sqlite3.Connection:
        if self._shared is not None:
            return self._shared
        connection = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != os.getpid():
            connection = self._local.connection = self._connect()
            self._local.pid = os.getpid()
        return connection

    @contextlib.contextmanager
    def _transaction(self, begin: str) -> Iterator[Tx]:
        connection = self._connection()
        try:
            connection.execute(begin)
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.location}: {error} (another writer held the lock for {LOCK_TIMEOUT_S:g} s)") from None
        try:
            yield _SQLiteTx(connection)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def write(self):
        if self.read_only:
            raise StoreError(f"{self.location} is open read-only")
        return self._transaction("BEGIN IMMEDIATE")

    def read(self):
        return self._transaction("BEGIN")

    def close(self) -> None:
        connection = self._shared or getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        self._shared = None
        self._local = threading.local()


class _AlchemyTx(Tx):
    def __init__(self, connection: Any, text: Any) -> None:
        self.connection, self.text = connection, text

    def rows(self, sql, params=None):
        return [tuple(row) for row in self.connection.execute(self.text(sql), params or {})]

    def run(self, sql, params=None):
        self.connection.execute(self.text(sql), params or {})

    def run_many(self, sql, params):
        if params:
            self.connection.execute(self.text(sql), list(params))

    def stream(self, sql, params=None, size=10_000):
        result = self.connection.execution_options(stream_results=True, yield_per=size).execute(self.text(sql), params or {})
        for row in result:
            yield tuple(row)


class Retry(Exception):
    """A write lost a race it can retry (a serialization failure or a taken sequence number)."""


class PostgresStore(Store):
    """A register in a PostgreSQL database, through SQLAlchemy Core (``postgresql://`` URLs; psycopg 3)."""

    #: the key of the advisory lock every writer of a register takes (any fixed 64-bit number)
    LOCK_KEY = 0x786C7370  # "xlsp"

    def __init__(self, url: str) -> None:
        try:
            import sqlalchemy
        except ImportError:
            raise MissingExtraError('a PostgreSQL register needs SQLAlchemy and psycopg: pip install "xlspectrum[postgres]"') from None
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        self.location = url
        try:
            self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED")
        except ImportError:
            raise MissingExtraError('a PostgreSQL register needs psycopg: pip install "xlspectrum[postgres]"') from None
        except sqlalchemy.exc.ArgumentError as error:
            raise StoreError(f"{url!r} is not a database URL: {error}") from None
        self._text = sqlalchemy.text
        self._errors = sqlalchemy.exc

    def _shown(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[Tx]:
        try:
            connection = self.engine.connect()
        except self._errors.OperationalError as error:
            raise StoreError(f"cannot connect to {self._shown()}: {' '.join(str(error.orig).split())[:200]}") from None
        try:
            if not write:
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                tx = _AlchemyTx(connection, self._text)
                if write:
                    tx.run("SELECT pg_advisory_xact_lock(:key)", {"key": self.LOCK_KEY})
                try:
                    yield tx
                except (self._errors.IntegrityError, self._errors.OperationalError) as error:
                    code = getattr(getattr(error, "orig", None), "sqlstate", None)
                    if code in ("40001", "40P01", "23505"):
                        raise Retry(str(error)) from error
                    raise
        finally:
            connection.close()

    def write(self):
        return self._transaction(True)

    def order_by(self, columns: str) -> str:
        numeric = {"seq", "line"}
        return ", ".join(c if c in numeric else f'{c} COLLATE "C"' for c in (c.strip() for c in columns.split(",")))

    def read(self):
        return self._transaction(False)

    def close(self) -> None:
        self.engine.dispose()


def open_store(location: str | os.PathLike[str], *, create: bool = False, read_only: bool = False) -> Store:
    """The store at ``location``: a ``postgresql://`` URL, or the path of a SQLite file."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://", "postgresql+")):
        return PostgresStore(text)
    if "://" in text:
        raise StoreError(f"register={text!r}: a register is a SQLite file path or a postgresql:// URL")
    return SQLiteStore(location, create=create, read_only=read_only)


def with_retries(function, attempts: int = 20):
    """Run ``function`` again when it lost a race the database reports (PostgreSQL only)."""
    for attempt in range(attempts):
        try:
            return function()
        except Retry:
            if attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    return None
