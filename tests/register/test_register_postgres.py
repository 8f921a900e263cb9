"""The register on PostgreSQL, for real: a server named by $XLSPECTRUM_TEST_POSTGRES_URL (.ci/run starts one).

Each test gets a database of its own, dropped afterwards.  The same operations, rules and
verification as on SQLite (one code path), plus what only several writers at once show:
threads and processes that lose no operation and accept one of two conflicting ones, a
killed writer, and tampering found at the entry.
"""

from __future__ import annotations

import os
import signal
import uuid

import pytest

from xlspectrum.models import nz700
from xlspectrum.register import Register, VerificationError, from_clock_auction, nz700_tokens

from _register_support import box, key, new_register
from test_register import race_in_processes, race_in_threads, run_worker, wait_for

URL_VARIABLE = "XLSPECTRUM_TEST_POSTGRES_URL"
pytestmark = pytest.mark.skipif(not os.environ.get(URL_VARIABLE),
                                reason=f"{URL_VARIABLE} is not set (.ci/run starts a throw-away PostgreSQL and sets it)")


@pytest.fixture
def location():
    import sqlalchemy

    admin_url = sqlalchemy.engine.make_url(os.environ[URL_VARIABLE].replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"xlspectrum_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_nz700_auction_settles_and_verifies_on_postgres(location):
    reg = new_register(location)
    blocks = {n: reg.issue(t, "RSM", key=key("RSM"), at_h=0).token for n, t in nz700_tokens().items()}
    reg.settle(from_clock_auction(nz700.run(), {"700MHz": blocks}, payee="RSM"), key=key("RSM"), at_h=1)
    first, second = reg.split(blocks[9], "time", 70128, key=key("C"), at_h=2).tokens
    reg.transfer(second, "D", key=key("C"), at_h=3, price="5000000")
    assert reg.holdings().groupby("holder").size().to_dict() == {"A": 4, "B": 3, "C": 2, "D": 1}
    report = reg.verify()
    assert report.entries == 17
    reg.rebuild()
    assert reg.verify() == report
    assert Register.open(location).holdings().equals(reg.holdings())
    reg.close()


def test_threads_on_postgres(location):
    race_in_threads(location)


@pytest.mark.slow
def test_processes_on_postgres(location):
    race_in_processes(location)


def test_a_writer_killed_inside_its_transaction_on_postgres(location, tmp_path):
    reg = new_register(location)
    token = reg.issue(box(700, 705), "A", key=key("RSM"), at_h=0).token
    before, marker = reg.entries(), str(tmp_path / "inside")
    worker = run_worker("pause_inside_the_transaction", location, token, "B", marker)
    try:
        wait_for(marker)
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        worker.kill()
    assert reg.verify().entries == before and reg.holdings()["holder"].tolist() == ["A"]
    reg.transfer(token, "C", key=key("A"), at_h=2)  # the server rolled the dead session back and freed its lock
    assert reg.verify().entries == before + 1


def test_an_entry_edited_in_the_database_is_found(location):
    import sqlalchemy

    reg = new_register(location)
    token = reg.issue(box(700, 705), "A", key=key("RSM"), at_h=0).token
    reg.transfer(token, "B", key=key("A"), at_h=1)
    engine = sqlalchemy.create_engine(location.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE entries SET payload = replace(payload, '\"to\":\"B\"', '\"to\":\"C\"') "
                                           "WHERE seq = 7"))
    engine.dispose()
    with pytest.raises(VerificationError, match="entry 7: its hash does not match its content") as error:
        reg.verify()
    assert error.value.entry == 7
