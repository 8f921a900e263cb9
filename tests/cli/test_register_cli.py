"""`xlspectrum register ...`: one-line errors, keys never overwritten, exports whose user text stays text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from xlspectrum.cli import main
from xlspectrum.workbooks.register_export import ooxml_text

from test_cli import assert_one_line_failure


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XLSPECTRUM_REGISTER", raising=False)

    def invoke(*args):
        return CliRunner().invoke(main, ["register", *args])

    return invoke


@pytest.fixture
def ready(run):
    for party in ("rsm", "a", "b"):
        assert run("keygen", f"{party}.key", f"{party}.pub").exit_code == 0
    assert run("init", "--regulator", "RSM", "--key", "rsm.key").exit_code == 0
    for party in ("a", "b"):
        assert run("enrol", party.upper(), f"{party}.pub", "--key", "rsm.key", "--at", "0").exit_code == 0
    result = run("issue", "--key", "rsm.key", "--holder", "A", "--band", "700", "710", "--area", "0", "0", "10", "10",
                 "--window", "0", "100", "--licence", "L1", "--at", "0")
    assert result.exit_code == 0, result.output
    token = result.output.split("new token ")[1].strip()
    return run, token


def test_keygen_never_replaces_a_file(run, tmp_path):
    assert run("keygen", "k.key", "k.pub").exit_code == 0
    before = (tmp_path / "k.key").read_bytes()
    assert (tmp_path / "k.key").stat().st_mode & 0o777 == 0o600
    assert_one_line_failure(run("keygen", "k.key", "other.pub"), "k.key exists; a key file is never replaced")
    assert_one_line_failure(run("keygen", "new.key", "k.pub"), "k.pub exists")
    assert (tmp_path / "k.key").read_bytes() == before and not (tmp_path / "new.key").exists()


def test_an_encrypted_key_needs_its_passphrase(run, tmp_path, monkeypatch):
    result = CliRunner().invoke(main, ["register", "keygen", "e.key", "e.pub", "--passphrase"], input="s3cret\ns3cret\n")
    assert result.exit_code == 0, result.output
    assert b"ENCRYPTED" in (tmp_path / "e.key").read_bytes()
    assert_one_line_failure(run("init", "--regulator", "RSM", "--key", "e.key"), "e.key is encrypted: set XLSPECTRUM_KEY_PASSPHRASE")
    monkeypatch.setenv("XLSPECTRUM_KEY_PASSPHRASE", "s3cret")
    assert run("init", "--regulator", "RSM", "--key", "e.key").exit_code == 0


@pytest.mark.parametrize("args, fragments", [
    (["split", "TOKEN", "--x", "5000", "--key", "a.key", "--at", "1"], ["at=5000 km is outside the token's area's x 0-10 km"]),
    (["split", "TOKEN", "--band", "800", "--key", "a.key", "--at", "1"], ["at=800 MHz is outside the token's band 700-710 MHz"]),
    (["lease", "TOKEN", "B", "--window", "-5", "10", "--key", "a.key", "--at", "1"], ["lease start=-5 h must be >= 0"]),
    (["transfer", "TOKEN", "B", "--key", "a.key", "--at", "-1"], ["at_h=-1 h must be >= 0"]),
    (["transfer", "TOKEN", "B", "--key", "b.key", "--at", "1"], ["refused (holder): B does not hold token"]),
    (["transfer", "deadbeef00", "B", "--key", "a.key"], ["token='deadbeef00': no token of this register starts with it"]),
    (["issue", "--key", "rsm.key", "--band", "700", "710", "--area", "0", "0", "10", "10", "--window", "-1", "5",
      "--licence", "L9", "--at", "1"], ["window_h=(-1, 5) must start at >= 0"]),
    (["issue", "--key", "a.key", "--band", "800", "810", "--area", "0", "0", "10", "10", "--window", "0", "5",
      "--licence", "L9", "--at", "1"], ["refused (regulator): only the regulator (RSM) may issue; A signed it"]),
    (["issue", "--key", "rsm.key", "--band", "705", "715", "--area", "0", "0", "10", "10", "--window", "0", "5",
      "--licence", "L9", "--at", "1"], ["refused by rule exclusive: the new token (705-715 MHz"]),
    (["transfer", "TOKEN", "B", "--key", "missing.key"], ["cannot read the key file missing.key"]),
    (["--register", "nowhere.sqlite", "holdings"], ["nowhere.sqlite: no register there"]),
    (["--register", "mysql://x/y", "holdings"], ["a register is a SQLite file path or a postgresql:// URL"]),
    (["init", "--regulator", "RSM", "--key", "rsm.key"], ["register.sqlite exists; a new register needs a new file"]),
    (["split", "TOKEN", "--key", "a.key"], ["give exactly one of --band, --x, --y, --time"]),
])
def test_every_failure_is_one_line(ready, args, fragments):
    run, token = ready
    args = [token if a == "TOKEN" else a for a in args]
    assert_one_line_failure(run(*args), *fragments)


def test_operations_verify_and_history_on_the_command_line(ready):
    run, token = ready
    result = run("split", token, "--band", "705", "--key", "a.key", "--at", "1")
    assert result.exit_code == 0 and result.output.startswith("entry 5: token") and "new tokens" in result.output
    low, high = result.output.strip().split("new tokens ")[1].split(", ")
    assert run("transfer", high, "B", "--key", "a.key", "--at", "2", "--price", "250000").exit_code == 0
    assert run("lease", low, "B", "--window", "10", "20", "--key", "a.key", "--at", "3").exit_code == 0
    assert_one_line_failure(run("transfer", low, "B", "--key", "a.key", "--at", "4"), "is leased out to B from 10 to 20 h")
    table = run("holdings", "--at", "15")
    assert table.exit_code == 0 and table.output.splitlines()[1].split()[1:3] == ["A", "B"]
    history = run("history", token)
    assert [line.split()[2] for line in history.output.splitlines()[1:]] == ["issue", "split"]
    assert "250000" in run("payments").output
    verified = run("verify")
    assert verified.exit_code == 0 and verified.output.startswith("register verified: 7 entries")


HOSTILE = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+2", "-3", "@SUM(1)", "\tTAB", "\rCR"]


def test_export_keeps_user_text_text(ready, tmp_path):
    run, token = ready
    for k, name in enumerate(HOSTILE):
        (tmp_path / f"p{k}").mkdir()
        assert run("keygen", f"p{k}/k.key", f"p{k}/k.pub").exit_code == 0
        assert run("enrol", "--key", "rsm.key", "--at", "1", "--", name, f"p{k}/k.pub").exit_code == 0
        result = run("issue", "--key", "rsm.key", f"--holder={name}", "--band", str(800 + 10 * k), str(805 + 10 * k),
                     "--area", "0", "0", "10", "10", "--window", "0", "100", f"--licence={name}", f"--area-name={name}",
                     "--at", "1")
        assert result.exit_code == 0, result.output
    result = run("export", "--csv", "holdings.csv", "--xlsx", "holdings.xlsx")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "holdings.csv").read_bytes().decode("utf-8"), newline="")))
    by_band = {row["band low [MHz]"]: row for row in rows}
    for k, name in enumerate(HOSTILE):
        row = by_band[str(800 + 10 * k)]
        for column in ("holder", "area", "licences"):
            assert row[column] == "'" + name, (column, row[column])
    assert by_band["700"]["holder"] == "A"  # ordinary text untouched
    book = load_workbook(tmp_path / "holdings.xlsx")
    sheet = book["Holdings"]
    assert sheet["A1"].value.startswith("=IF(Checks!$C$4")  # the house style's status line
    cells = [c for row in sheet.iter_rows(min_row=6) for c in row if isinstance(c.value, str)]
    for name in HOSTILE:
        found = [c for c in cells if c.value == ooxml_text(name)]
        assert found and all(c.data_type == "s" for c in found), name
    with zipfile.ZipFile(tmp_path / "holdings.xlsx") as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert sheet_xml.count("<f>") == 1  # only the status line is a formula
    assert run("export", "--csv", "holdings.csv").exit_code == 0  # the same content: left as it is


def test_xlsx_text_escapes_read_back_as_the_text():
    assert ooxml_text("\rCR") == "_x000D_CR" and ooxml_text("a_x0041_b") == "a_x005F_x0041_b"
    assert ooxml_text("=1+1") == "=1+1"  # a string cell already; nothing to escape


def test_export_never_replaces_a_users_file(ready, tmp_path):
    run, _ = ready
    (tmp_path / "mine.csv").write_text("my notes\n")
    assert_one_line_failure(run("export", "--csv", "mine.csv"), "mine.csv exists and differs")
    assert (tmp_path / "mine.csv").read_text() == "my notes\n"


def test_settle_a_csv_auction_in_one_entry(ready, tmp_path):
    run, _ = ready
    lots = []
    for low in (800, 805):
        result = run("issue", "--key", "rsm.key", "--band", str(low), str(low + 5), "--area", "0", "0", "10", "10",
                     "--window", "0", "100", "--licence", f"lot {low}", "--at", "1")
        lots.append(result.output.split("new token ")[1].strip())
    (tmp_path / "bids.csv").write_text("bidder,value,x,y\nA,8,1,0\nB,6,0,1\nC,10,1,1\n")
    assert_one_line_failure(run("settle", "bids.csv", "--lot", f"x={lots[0]}", "--key", "rsm.key", "--at", "2"),
                            "lot 'y' of the bids has no tokens")
    result = run("settle", "bids.csv", "--lot", f"x={lots[0]}", "--lot", f"y={lots[1]}", "--key", "rsm.key", "--at", "2")
    assert result.exit_code == 0, result.output + result.stderr
    assert "2 tokens to 2 winners, 2 payments of 6 NZD in all" in result.output  # A and B win; VCG: 4 + 2
    assert "pays 4 NZD" in result.output and "B: 1 token (" in result.output and "pays 2 NZD" in result.output
