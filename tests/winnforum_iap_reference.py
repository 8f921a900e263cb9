"""Run the WInnForum reference implementation's IAP loop on the cases of the tests.

The test vectors of ``test_interference.py`` (``WINNFORUM_VECTORS``) were made by this
driver.  It does not copy the reference's code: it reads ``iap.py`` from a clone of
Wireless-Innovation-Forum/Spectrum-Access-System at a given commit and runs its own
function ``iapPointConstraint`` for one protection point and one 5 MHz channel.  The
reference's geography and propagation are replaced by stand-ins, so that each grant's
interference at the point is its EIRP (0 dB of path loss): a grant whose maximum EIRP is
the request [dBm] then causes exactly the requested interference, and each 1 dB the
reference takes off the EIRP takes 1 dB off the interference.  The granted level of a
grant is the EIRP at which the reference last evaluated it (it stops evaluating a grant
once it fits).  The aggregate the reference returns is printed too, as a cross-check.

Usage (numpy is all it needs)::

    python tests/winnforum_iap_reference.py PATH_TO_GIT_DIR [COMMIT]

PATH_TO_GIT_DIR is a clone's ``.git`` (or a bare mirror); COMMIT defaults to the one the
committed vectors were made with.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import subprocess
import sys
import types
from collections import namedtuple

#: The reference commit the committed vectors were made with
COMMIT = "928c3150adf7b31e53a96b695bf1fbdd3284ecb2"
IAP_PATH = "src/harness/reference_models/iap/iap.py"

#: (budget [dBm], requests [dBm]): each case of the tests
CASES = (
    (-100.0, (-120.0, -110.0, -103.0, -103.0)),
    (-100.0, (-100.0,)),
    (-100.0, (-99.5,)),
    (-100.0, (-103.0103, -103.0103)),
    (-80.0, (-95.0, -90.0, -85.0, -84.0, -83.0, -82.0, -60.0)),
    (-129.0, (-140.2, -133.7, -131.9, -128.4, -125.0)),
    (-100.0, (-99.0, -99.0, -99.0, -99.0, -99.0, -99.0, -99.0, -99.0, -99.0, -98.8)),
    (-90.0, (-91.3, -92.6, -88.1, -75.25, -94.0, -90.1)),
    (0.0, (3.0, 2.5, -10.0, -3.0, 7.7)),
    (-100.0, (-130.0, -125.0, -120.0)),
)


def _stand_ins(last_eirp: dict[int, float]) -> dict[str, types.ModuleType]:
    """The modules iap.py imports, reduced to what iapPointConstraint needs for one point."""

    def module(name: str, **attributes) -> types.ModuleType:
        made = types.ModuleType(name)
        made.__dict__.update(attributes)
        return made

    def db_to_linear(x):
        return 10 ** (x / 10.0)

    def linear_to_db(x):
        import numpy as np

        return 10 * np.log10(x)

    def compute_interference(grant, eirp, *args):
        last_eirp[grant.number] = eirp  # interference [dBm] = EIRP: no path loss, no antenna gains
        return eirp

    interference = module(
        "reference_models.interference.interference",
        dbToLinear=db_to_linear, linearToDb=linear_to_db,
        findGrantsInsideNeighborhood=lambda grants, point, entity: list(grants),
        findOverlappingGrants=lambda grants, constraint: list(grants),
        grantFrequencyOverlapCheck=lambda grant, low, high, entity: True,
        computeInterference=compute_interference,
    )
    constraint = namedtuple("ProtectionConstraint", "latitude longitude low_frequency high_frequency entity_type")
    return {
        "six": module("six"), "six.moves": module("six.moves", zip=builtins.zip),
        "reference_models": module("reference_models"),
        "reference_models.common": module("reference_models.common"),
        "reference_models.common.cache": module("reference_models.common.cache",
                                                CacheManager=lambda *args: contextlib.nullcontext()),
        "reference_models.common.data": module("reference_models.common.data", ProtectionConstraint=constraint),
        "reference_models.common.mpool": module("reference_models.common.mpool"),
        "reference_models.geo": module("reference_models.geo"),
        "reference_models.geo.utils": module("reference_models.geo.utils"),
        "reference_models.interference": module("reference_models.interference", interference=interference),
        "reference_models.interference.interference": interference,
        "reference_models.propagation": module("reference_models.propagation"),
        "reference_models.propagation.wf_hybrid": module("reference_models.propagation.wf_hybrid",
                                                         CalcHybridPropagationLoss=None),
    }


def run(git_dir: str, commit: str = COMMIT) -> list[dict]:
    source = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{IAP_PATH}"],
                            capture_output=True, text=True, check=True).stdout
    last_eirp: dict[int, float] = {}
    sys.modules.update(_stand_ins(last_eirp))
    reference = types.ModuleType("iap")
    exec(compile(source, IAP_PATH, "exec"), reference.__dict__)  # the reference's own module, unchanged
    grant = namedtuple("Grant", "number max_eirp is_managed_grant")
    results = []
    for budget, requests in CASES:
        last_eirp.clear()
        grants = [grant(number, request, True) for number, request in enumerate(requests)]
        _, _, managed, aggregate = reference.iapPointConstraint(
            (0.0, 0.0), [(3550e6, 3555e6)], 3550e6, 3555e6, grants, None, None, "URBAN",
            10 ** (budget / 10.0), "ESC")
        results.append({"budget_dbm": budget, "requests_dbm": list(requests),
                        "granted_dbm": [last_eirp[number] for number in range(len(requests))],
                        "aggregate_mw": aggregate[0]})
    return results


if __name__ == "__main__":
    print(json.dumps(run(*sys.argv[1:]), indent=1))
