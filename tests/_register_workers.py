"""Work that the register's concurrency and crash tests run in other threads and processes."""

from __future__ import annotations

import os
import sys
import time

from xlspectrum.register import Refused, Register

from _register_support import CLOCK, key


def split_and_hand_back(location: str, party: str, tokens: list[str], results) -> None:
    """Split each of the party's tokens by time and transfer the later half to the regulator."""
    reg = Register.open(location, clock=CLOCK)
    try:
        done = 0
        for token in tokens:
            first, second = reg.split(token, "time", 50, key=key(party)).tokens
            reg.transfer(second, "RSM", key=key(party))
            done += 2
        results.put((party, done, None))
    except Exception as error:  # noqa: BLE001 - reported to the parent
        results.put((party, 0, repr(error)))
    finally:
        reg.close()


def race_for(location: str, token: str, to: str, results) -> None:
    """Try to transfer A's token to ``to``; report whether it went through."""
    reg = Register.open(location, clock=CLOCK)
    try:
        reg.transfer(token, to, key=key("A"))
        results.put((to, True, None))
    except Refused as refusal:
        results.put((to, False, str(refusal)))
    except Exception as error:  # noqa: BLE001
        results.put((to, False, "unexpected: " + repr(error)))
    finally:
        reg.close()


def pause_inside_the_transaction(location: str, token: str, to: str, marker: str) -> None:
    """Transfer a token, but stop after the entry is written and before the commit, until killed."""
    from xlspectrum.register import core

    original = core._append

    def stalled(*args, **kwargs):
        receipt = original(*args, **kwargs)
        with open(marker, "w") as handle:
            handle.write(str(receipt.seq))
        time.sleep(600)  # the parent kills the process here, inside the write transaction
        return receipt

    core._append = stalled
    reg = Register.open(location, clock=CLOCK)
    reg.transfer(token, to, key=key("A"), at_h=2)


def transfer_back_and_forth(location: str, token: str, marker: str) -> None:
    """Pass a token between A and B until killed, noting each accepted entry."""
    reg = Register.open(location, clock=CLOCK)
    holder, other = "A", "B"
    while True:
        receipt = reg.transfer(token, other, key=key(holder), at_h=2)
        with open(marker, "a") as handle:
            handle.write(f"{receipt.seq}\n")
        holder, other = other, holder


if __name__ == "__main__":  # python _register_workers.py FUNCTION ARGS...
    globals()[sys.argv[1]](*sys.argv[2:])
    os._exit(0)
