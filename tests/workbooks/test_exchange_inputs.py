"""The exchange's inputs in and out (issue 26, exchange kind): its lots and bids as a template, and an edited workbook read back."""

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xlspectrum.workbooks import exchange as exchange_workbook
from xlspectrum.models import rights_market
from xlspectrum.cli import DEFAULT_WORKBOOKS, main
from xlspectrum.workbooks.inputs_file import (TEMPLATE_HEADER_ROW, InputsFileError, exchange_template_csv,
                                    exchange_template_workbook, read_exchange)
from xlspectrum.market.combinatorial import PAYMENT_RULES
from xlspectrum.workbooks.package import workbook_bytes

from conftest import requires_addin, requires_libreoffice

COMMITTED = Path(__file__).parents[2] / DEFAULT_WORKBOOKS["exchange"]
FIRST = exchange_workbook.FIRST_ROW


def invoke(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    return result


def edited_tables():
    """The edits of :func:`edited_workbook` made in Python: S1 doubles its customers, TV-1 earns US$ 12 a viewer."""
    lots, bids = rights_market.register().copy(), rights_market.bids().copy()  # the example is cached: never edit it
    lots.loc["IR-50", "income_per_viewer"] = 12.0
    from xlspectrum.formulas.interference import reservation_price_ir, secondary_value

    lots["reserve_price"] = reservation_price_ir(lots["viewers_before"], lots["viewers_after"], lots["income_per_viewer"],
                                                 lots["energy_cost_per_kwh"], lots["duration_h"], lots["power_before_kw"],
                                                 lots["power_after_kw"])
    bids["capacity"] = bids["capacity"].astype(float)
    bids.loc[bids.index[0], "capacity"] = 50_000.0
    bids["value"] = secondary_value(bids["penetration"], bids["capacity"], bids["revenue_per_unit"],
                                    bids["operating_cost"]).clip(lower=0.0)
    return lots, bids


@pytest.fixture
def edited(tmp_path):
    """The exchange workbook as built, with a bid's capacity and a lot's income per viewer typed over, as a user would."""
    path = tmp_path / "edited.xlsx"
    invoke("build", "--model", "exchange", "-o", tmp_path / "built.xlsx")
    book = load_workbook(tmp_path / "built.xlsx")
    book["Bids"]["G6"].value = 50_000
    book["Register"]["G6"].value = 12
    book.save(path)
    return path


def same_tables(read, lots, bids):
    pd.testing.assert_frame_equal(read.lots, lots, check_dtype=False, rtol=1e-15)
    pd.testing.assert_frame_equal(read.bids, bids, check_dtype=False, rtol=1e-15)


# ------------------------------------------------------------------------------------------ out and back
def test_the_template_reads_back_as_the_example_and_builds_the_committed_workbook(tmp_path):
    invoke("inputs", "--model", "exchange", "-o", tmp_path / "t.xlsx")
    read = read_exchange(tmp_path / "t.xlsx")
    same_tables(read, rights_market.register(), rights_market.bids())
    assert read.changes == [] and read.sources == {"lots": "t.xlsx, Lots!A5:M7", "bids": "t.xlsx, Bids!A5:I9"}
    invoke("build", "--model", "exchange", "--inputs", tmp_path / "t.xlsx", "-o", tmp_path / "b.xlsx")
    assert (tmp_path / "b.xlsx").read_bytes() == COMMITTED.read_bytes()


def test_the_xlsx_template_is_styled_and_validated(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(exchange_template_workbook())
    book = load_workbook(path)
    assert book.sheetnames == ["Lots", "Bids"] and book.properties.keywords == "xlspectrum inputs template: exchange"
    bids = book["Bids"]
    assert [c.value for c in bids[TEMPLATE_HEADER_ROW]][:5] == ["bid", "bidder", "IR-50", "IR-70", "IR-100"]
    assert bids.cell(TEMPLATE_HEADER_ROW + 1, 6).font.color.rgb.endswith("0000FF")
    ranges = {str(v.sqref).split(":")[0]: (v.type, v.formula1, v.formula2) for v in bids.data_validations.dataValidation}
    assert ranges[f"F{TEMPLATE_HEADER_ROW + 1}"] == ("decimal", "0", "1")  # penetration, a fraction
    assert ranges[f"C{TEMPLATE_HEADER_ROW + 1}"][0] == "whole"


def test_the_csv_template_is_what_auction_reads(tmp_path):
    path = tmp_path / "bids.csv"
    invoke("inputs", "--model", "exchange", "-o", path)
    assert path.read_bytes() == exchange_template_csv()
    lots = rights_market.register()
    reserves = [f"--reserve={lot}={price!r}" for lot, price in lots["reserve_price"].items()]
    from_csv = invoke("auction", path, *reserves, "--format", "csv").output
    from_inputs = invoke("auction", "--inputs", COMMITTED, "--format", "csv").output
    assert pd.read_csv(io.StringIO(from_csv))["payment"].tolist() == pytest.approx(
        pd.read_csv(io.StringIO(from_inputs))["payment"].tolist(), rel=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_valid_edits_written_to_a_template_read_back_the_same(tmp_path, data):
    lots, bids = rights_market.register().copy(), rights_market.bids().copy()  # the example is cached: never edit it
    bids = bids.astype({"capacity": float})
    for bid in bids.index:
        bids.loc[bid, "penetration"] = data.draw(st.floats(0, 1))
        bids.loc[bid, "capacity"] = data.draw(st.floats(0, 1e6))
        bids.loc[bid, "operating_cost"] = data.draw(st.floats(0, 1e7))
    lots.loc["IR-70", "income_per_viewer"] = data.draw(st.floats(0, 100))
    from xlspectrum.formulas.interference import reservation_price_ir, secondary_value

    lots["reserve_price"] = reservation_price_ir(lots["viewers_before"], lots["viewers_after"], lots["income_per_viewer"],
                                                 lots["energy_cost_per_kwh"], lots["duration_h"], lots["power_before_kw"],
                                                 lots["power_after_kw"])
    bids["value"] = secondary_value(bids["penetration"], bids["capacity"], bids["revenue_per_unit"],
                                    bids["operating_cost"]).clip(lower=0.0)
    path = tmp_path / "h.xlsx"
    path.write_bytes(exchange_template_workbook(lots, bids))
    same_tables(read_exchange(path), lots, bids)


# ------------------------------------------------------------------------------------------ an edited workbook
def test_an_edited_workbook_gives_its_edits_with_their_cells(edited):
    read = read_exchange(edited)
    same_tables(read, *edited_tables())
    assert read.changes == ["lot IR-50 income_per_viewer = 12 (from edited.xlsx, Register!G6)",
                            "bid S1 single capacity = 50000 (from edited.xlsx, Bids!G6)"]
    output = invoke("auction", "--inputs", edited).output
    assert "Inputs from edited.xlsx: 3 lots (from edited.xlsx, Register!A6:M8); 5 bids" in output
    assert "  bid S1 single capacity = 50000 (from edited.xlsx, Bids!G6)" in output


def test_build_from_the_edited_workbook_is_byte_identical_to_a_build_of_the_same_tables(edited, tmp_path):
    invoke("build", "--model", "exchange", "--inputs", edited, "-o", tmp_path / "new.xlsx")
    assert (tmp_path / "new.xlsx").read_bytes() == workbook_bytes(exchange_workbook.build_workbook(*edited_tables()))
    assert (tmp_path / "new.xlsx").read_bytes() != COMMITTED.read_bytes()


@pytest.mark.parametrize("rule", PAYMENT_RULES)
def test_auction_with_the_edited_workbook_clears_the_edited_tables(edited, rule):
    lots, bids = edited_tables()
    expected = rights_market.clear(rule, bids, lots)
    got = pd.read_csv(io.StringIO(invoke("auction", "--inputs", edited, "--rule", rule, "--format", "csv").output))
    assert got["won"].tolist() == expected["won"].tolist()
    assert got["payment"].to_numpy() == pytest.approx(expected["payment"].to_numpy(), rel=1e-9, abs=1e-6)


@requires_libreoffice
@requires_addin
@pytest.mark.slow
@pytest.mark.libreoffice
def test_the_edited_workbook_recalculated_shows_what_auction_prints(edited):
    from xlspectrum.recalc import recalculate_libreoffice

    recalculated = recalculate_libreoffice(edited, with_addin=True)
    recalculated.raise_for_problems()
    grid = exchange_workbook.layout()
    for rule in PAYMENT_RULES:
        printed = pd.read_csv(io.StringIO(invoke("auction", "--inputs", edited, "--rule", rule, "--format", "csv").output))
        won, paid = grid.rule_columns(rule)
        for k, row in printed.iterrows():
            r = grid.bid_row + k
            assert bool(recalculated.value("Clearing", f"{exchange_workbook._col(won)}{r}")) == row["won"], (rule, k)
            assert recalculated.value("Clearing", f"{exchange_workbook._col(paid)}{r}") == pytest.approx(
                row["payment"], rel=1e-7, abs=1e-3), (rule, k)
    assert recalculated.value("Checks", "C4") is True


# ------------------------------------------------------------------------------------------ refusals
def edit(path, tmp_path, changes):
    book = load_workbook(path)
    for (sheet, address), value in changes.items():
        book[sheet][address].value = value
    out = tmp_path / "bad.xlsx"
    book.save(out)
    return out


@pytest.mark.parametrize("changes, message", [
    ({("Bids", "F6"): 2}, "bad.xlsx, Bids!F6: penetration=2 must be 0 to 1"),
    ({("Bids", "G7"): "many"}, "bad.xlsx, Bids!G7: capacity='many' is not a number"),
    ({("Bids", "C6"): 1.5}, "bad.xlsx, Bids!C6: units of IR-50=1.5 must be a whole number 0 or more"),
    ({("Bids", "C6"): 0}, "bad.xlsx, Bids!C6:E6: bid S1 single wants no units of any lot"),
    ({("Bids", "A7"): "S1 single"}, "bad.xlsx, Bids!A7: bid 'S1 single' is given again (first in row 6)"),
    ({("Bids", "B6"): None}, "bad.xlsx, Bids!B6: bid S1 single has no bidder"),
    ({("Register", "F6"): 0}, "bad.xlsx, Register!F6: quantity=0 must be a whole number 1 or more"),
    ({("Register", "I6"): 1e12}, "bad.xlsx, Register!A6:M6 (lot IR-50): viewers_after=1e+12 must be <= viewers_before"),
    ({("Register", "C5"): "Where"}, "bad.xlsx, Register!C5: the header reads 'Where' where the build wrote 'Area'"),
    ({("NZ inputs", f"D{exchange_workbook.NZ_BIDS_ROW + 1}"): 90e6}, "bad.xlsx, NZ inputs: the New Zealand 700 MHz"),
])
def test_a_bad_cell_of_an_edited_workbook_is_named(tmp_path, changes, message):
    path = edit(COMMITTED, tmp_path, changes)
    with pytest.raises(InputsFileError, match=re.escape(message)):
        read_exchange(path)
    for command in (["auction", "--inputs", path], ["build", "--model", "exchange", "--inputs", path, "-o",
                                                     tmp_path / "out.xlsx"]):
        result = invoke(*command, ok=False)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.stderr.startswith("error: --inputs bad.xlsx") and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.xlsx").exists()


def test_a_bad_template_is_refused_naming_the_cell(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(exchange_template_workbook())
    row = TEMPLATE_HEADER_ROW
    for changes, message in (({("Bids", f"J{row}"): "colour"}, f"Bids!J{row}: unknown column 'colour'"),
                             ({("Lots", f"B{row}"): "lot_id"}, f"Lots!B{row}: column 'lot_id' appears twice"),
                             ({("Bids", f"E{row}"): "IR-999"}, f"Bids!E{row}: unknown column 'IR-999'")):
        with pytest.raises(InputsFileError, match=re.escape(message)):
            read_exchange(edit(path, tmp_path, changes))


def test_what_the_exchange_cannot_take_is_refused(tmp_path):
    bids = tmp_path / "bids.csv"
    bids.write_bytes(exchange_template_csv())
    result = invoke("build", "--model", "exchange", "--inputs", bids, "-o", tmp_path / "x.xlsx", ok=False)
    assert result.exit_code == 1 and "a CSV of bids holds their values" in result.stderr
    result = invoke("auction", "--inputs", COMMITTED, "--supply", "IR-50=2", ok=False)
    assert result.exit_code == 2 and "with --inputs the lots give them" in result.output
    result = invoke("auction", bids, "--inputs", COMMITTED, ok=False)
    assert result.exit_code == 2 and "give one of" in result.output
    thesis = tmp_path / "thesis.xlsx"
    invoke("inputs", "-o", thesis)
    result = invoke("auction", "--inputs", thesis, ok=False)
    assert result.exit_code == 1 and "holds the thesis model's inputs, not the exchange's" in result.stderr
    result = invoke("value", "--inputs", COMMITTED, ok=False)
    assert result.exit_code == 1 and "exchange" in result.stderr
