"""Sensitivity and uncertainty of the chapter 8 values of 28 GHz spectrum.

The thesis concludes that the value of the spectrum is a range (sections 8.4-8.7); this
module puts numbers on the range, running the cost models over a scenario axis
(:mod:`xlspectrum.models.costmodel`), so thousands of input sets cost one model run each:

* :func:`presets` — the thesis' own sensitivities: the volatility sigma (section 8.5),
  28 GHz base stations 38 % cheaper with demand brought forward 5 years (section 8.4),
  each demand forecast (section 10.3.4, Table 12), and the WACC (an xlspectrum choice of
  +-2 points; the thesis prints 9 % only);
* :func:`tornado` — one input at a time to its low and high value, the swing in each
  output, sorted;
* :func:`monte_carlo` — Latin hypercube samples of input distributions (uniform,
  triangular, PERT, normal, lognormal; optionally correlated by a Gaussian copula), with
  the mean, P5, P50, P95, the probability that each value is positive and the
  convergence of the mean;
* :func:`sobol` — first- and total-order Sobol indices by SALib (optional extra
  ``sensitivity``).

The outputs are the model-basis values of :mod:`xlspectrum.models.chapter8` (:data:`OUTPUTS`);
the base case is the thesis' Table 11 setting (:data:`BASE`: Cisco VNI linear demand).

References: thesis [1] sections 8.4-8.6 and Tables 8-12; M. D. McKay, R. J. Beckman and
W. J. Conover, "A comparison of three methods for selecting values of input variables",
Technometrics 21(2), 1979 (Latin hypercube); I. M. Sobol', "Global sensitivity indices
for nonlinear mathematical models", Math. Comput. Simul. 55, 2001; A. Saltelli et al.,
"Variance based sensitivity analysis of model output", Comput. Phys. Commun. 181, 2010
(the estimators SALib implements); D. Vose, *Risk Analysis*, 3rd ed., Wiley 2008,
section 9.1 (the PERT distribution).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd
from xlspectrum.core.normal import ndtr, ndtri

from xlspectrum.core.validation import MissingExtraError, OutOfRangeError
from xlspectrum.models.costmodel.inputs import INPUTS, Input, resolve

#: output key -> (label, the chapter 8 row whose model-basis value it is)
OUTPUTS: dict[str, tuple[str, str]] = {
    "pv_cost": ("PV of total cost, 28 GHz + 700 MHz network", "pv_cost_mmwave"),
    "dcf": ("DCF value (NPV, Table 8)", "npv_mmwave"),
    "option": ("Real-option value (eq. 18)", "option"),
    "project": ("Project value, NPV + option (eq. 17)", "project"),
    "deprival": ("Deprival value (Table 10)", "deprival"),
}
#: the base case: the thesis' Table 11 setting
BASE: dict[str, Any] = {"demand_forecast": "cisco_vni_linear"}
#: inputs the default tornado and Monte Carlo vary (+-20 % around the base value)
DEFAULT_INPUTS: tuple[str, ...] = (
    "wacc", "cisco_vni_step", "cisco_vni_first_year", "cost_enb_pico", "cost_enb_macro", "radius_pico_km",
    "network_cost_change", "opex_rate", "indirect_rate", "spectral_efficiency_growth", "market_share_cellular",
    "revenue_pv_target", "volatility", "risk_free_rate",
)
DEFAULT_FRACTION = 0.2
#: how many scenarios one model run evaluates at most (bounds memory at about 50 MB)
CHUNK = 2_000
#: section 8.4: "if the base station costs reduce by 38 %"
MMWAVE_BASE_STATION_CUT = 0.38

Progress = Callable[[int, int], None]


class SensitivityError(ValueError):
    """A sensitivity specification that cannot be run (names the file, row and value)."""


def _number_input(key: str, where: str = "") -> Input:
    if key not in INPUTS:
        raise SensitivityError(f"{where}unknown input {key!r}; `xlspectrum inputs` lists the valid keys")
    item = INPUTS[key]
    if item.kind != "number":
        raise SensitivityError(f"{where}{key} is a {item.kind} input; only number inputs can vary "
                               "(the demand forecast is a preset: see presets())")
    return item


def evaluate_outputs(samples: Mapping[str, np.ndarray], base: Mapping[str, Any] | None = None,
                     progress: Progress | None = None, chunk: int = CHUNK) -> pd.DataFrame:
    """The :data:`OUTPUTS` for each scenario of ``samples`` (input -> array of N), in runs of
    at most ``chunk`` scenarios; a DataFrame of N rows, one column per output [NZ$]."""
    from xlspectrum.models.chapter8 import value

    base = {**BASE, **(base or {})}
    lengths = {len(v) for v in samples.values()}
    if len(lengths) != 1:
        raise SensitivityError("every sampled input needs the same number of samples")
    count = lengths.pop()
    frames = []
    for start in range(0, count, chunk):
        part = {key: np.asarray(values[start:start + chunk], dtype=float) for key, values in samples.items()}
        valued = value({**base, **part}, line_items=False)
        frames.append(pd.DataFrame({key: np.asarray(valued.get(row, "model"), dtype=float)
                                    for key, (_, row) in OUTPUTS.items()}))
        if progress is not None:
            progress(min(start + chunk, count), count)
    return pd.concat(frames, ignore_index=True)


def base_values(base: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The outputs at the base case [NZ$]."""
    from xlspectrum.models.chapter8 import value

    valued = value({**BASE, **(base or {})})
    return {key: float(valued.get(row, "model")) for key, (_, row) in OUTPUTS.items()}


# --------------------------------------------------------------------------------- presets


def presets(base: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The thesis' own sensitivities, one row per setting: preset, setting, then the outputs [NZ$].

    * ``volatility``: sigma at the volatility inputs (20, 37.6, 50, 70 %; section 8.5);
    * ``mmwave_base_station_cost``: 28 GHz (pico) base stations 38 % cheaper, alone and with
      demand and revenue brought forward 5 years (section 8.4);
    * ``demand_forecast``: each of the four forecasts of section 10.3.4;
    * ``wacc``: 7, 9 and 11 % (the thesis prints 9 % only).
    """
    base = {**BASE, **(base or {})}
    inputs = resolve(base)
    pico = inputs["cost_enb_pico"]
    cheaper = pico * (1 - MMWAVE_BASE_STATION_CUT)
    settings: list[tuple[str, str, dict[str, Any]]] = []
    for key in ("volatility_low", "volatility", "volatility_high", "volatility_very_high"):
        settings.append(("volatility", f"sigma {inputs[key]:.1%}", {"volatility": inputs[key]}))
    settings += [
        ("mmwave_base_station_cost", f"pico eNodeB NZ$ {pico:,.0f} (base)", {}),
        ("mmwave_base_station_cost", f"38 % lower: NZ$ {cheaper:,.0f}", {"cost_enb_pico": cheaper}),
        ("mmwave_base_station_cost", "38 % lower, demand 5 years forward",
         {"cost_enb_pico": cheaper, "forecast_shift_years": 5.0}),
    ]
    for forecast in INPUTS["demand_forecast"].options:
        settings.append(("demand_forecast", forecast, {"demand_forecast": forecast}))
    for wacc in (inputs["wacc"] - 0.02, inputs["wacc"], inputs["wacc"] + 0.02):
        settings.append(("wacc", f"WACC {wacc:.0%}", {"wacc": wacc}))
    rows = []
    for preset, setting, overrides in settings:
        values = base_values({**base, **overrides})
        rows.append({"preset": preset, "setting": setting, **values})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------- tornado


def default_ranges(keys: Iterable[str] = DEFAULT_INPUTS, base: Mapping[str, Any] | None = None,
                   fraction: float = DEFAULT_FRACTION) -> pd.DataFrame:
    """Low and high values +-``fraction`` around each input's base value, within its valid
    range (whole years for asset lives): columns input, low, high."""
    inputs = resolve({**BASE, **(base or {})})
    rows = []
    for key in keys:
        item = _number_input(key)
        centre = float(inputs[key])
        if centre == 0:
            raise SensitivityError(f"{key} is 0 in the base case, so +-{fraction:.0%} is no range: give its low and "
                                   "high in a tornado file")
        low, high = sorted((centre * (1 - fraction), centre * (1 + fraction)))
        low, high = max(low, item.low), min(high, item.high)
        if item.whole:
            low, high = float(np.floor(low)), float(np.ceil(high))
        rows.append({"input": key, "low": low, "high": high})
    return pd.DataFrame(rows)


def read_ranges(path: str | Path) -> pd.DataFrame:
    """A tornado file: CSV with columns input, low, high (one row per input)."""
    rows = []
    for number, row in enumerate(_read_csv(path, ("input", "low", "high")), start=2):
        where = f"{Path(path).name} row {number}: "
        item = _number_input(row["input"].strip(), where)
        low, high = (_float(row[c], c, where) for c in ("low", "high"))
        for bound in (low, high):
            try:
                item.check_range(np.asarray(bound))
            except OutOfRangeError as error:
                raise SensitivityError(f"{where}{error}") from None
        if low == high:
            raise SensitivityError(f"{where}{item.key} has low = high = {low:g}: no swing to measure")
        rows.append({"input": item.key, "low": low, "high": high})
    if not rows:
        raise SensitivityError(f"{path}: no inputs listed (columns input, low, high)")
    return pd.DataFrame(rows)


def tornado(ranges: pd.DataFrame | None = None, base: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Each input to its low and high value, one at a time, in one model run of 2 x inputs scenarios.

    Returns a tidy table sorted by output, then swing (largest first): output, input,
    label, low, high (the input's values), at_low, at_high, base (the output [NZ$]) and
    ``swing = |at_high - at_low|`` [NZ$].
    """
    ranges = default_ranges(base=base) if ranges is None else ranges
    base = {**BASE, **(base or {})}
    inputs = resolve(base)
    keys = list(ranges["input"])
    if len(set(keys)) != len(keys):
        raise SensitivityError("an input is listed twice in the tornado ranges")
    count = 2 * len(keys)
    samples = {key: np.full(count, float(inputs[key])) for key in keys}
    for i, row in enumerate(ranges.itertuples(index=False)):
        samples[row.input][2 * i], samples[row.input][2 * i + 1] = row.low, row.high
    results = evaluate_outputs(samples, base)
    centre = base_values(base)
    records = []
    for output, (label, _) in OUTPUTS.items():
        for i, row in enumerate(ranges.itertuples(index=False)):
            at_low, at_high = results[output][2 * i], results[output][2 * i + 1]
            records.append({"output": output, "input": row.input, "label": INPUTS[row.input].label,
                            "base_input": float(inputs[row.input]), "low": row.low, "high": row.high,
                            "at_low": at_low, "at_high": at_high, "base": centre[output],
                            "swing": abs(at_high - at_low)})
    table = pd.DataFrame(records)
    order = {key: i for i, key in enumerate(OUTPUTS)}
    return (table.sort_values(["output", "swing"], key=lambda c: c.map(order) if c.name == "output" else -c)
            .reset_index(drop=True))


# --------------------------------------------------------------------------------- distributions

#: distribution -> its parameters, in the order a CSV row gives them
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma_log"),
}


@dataclass(frozen=True)
class Distribution:
    """One input's distribution; :meth:`quantile` maps probabilities in (0, 1) to values."""

    input: str
    kind: str
    parameters: tuple[float, ...]
    names: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in DISTRIBUTIONS:
            raise SensitivityError(f"{self.input}: unknown distribution {self.kind!r} "
                                   f"(one of {', '.join(DISTRIBUTIONS)})")
        names = DISTRIBUTIONS[self.kind]
        object.__setattr__(self, "names", names)
        if len(self.parameters) != len(names):
            raise SensitivityError(f"{self.input}: {self.kind} takes {len(names)} parameters ({', '.join(names)}), "
                                   f"got {len(self.parameters)}")
        p = dict(zip(names, self.parameters))
        if self.kind in ("uniform", "triangular", "pert"):
            mode = p.get("mode", p["low"])
            if not (p["low"] <= mode <= p["high"] and p["low"] < p["high"]):
                raise SensitivityError(f"{self.input}: {self.kind} needs low <= mode <= high and low < high, "
                                       f"got {self.describe()}")
        elif self.kind == "normal" and not p["sd"] > 0:
            raise SensitivityError(f"{self.input}: normal needs sd > 0, got {p['sd']:g}")
        elif self.kind == "lognormal" and not (p["median"] > 0 and p["sigma_log"] > 0):
            raise SensitivityError(f"{self.input}: lognormal needs median > 0 and sigma_log > 0, got {self.describe()}")

    def describe(self) -> str:
        return f"{self.kind}({', '.join(f'{n}={v:g}' for n, v in zip(self.names, self.parameters))})"

    def quantile(self, probability: np.ndarray) -> np.ndarray:
        """The inverse CDF [the input's unit] at ``probability`` (each in (0, 1))."""
        from scipy import stats  # imported here: only sampling needs it

        u = np.asarray(probability, dtype=float)
        p = dict(zip(self.names, self.parameters))
        if self.kind == "uniform":
            return p["low"] + u * (p["high"] - p["low"])
        if self.kind == "normal":
            return p["mean"] + p["sd"] * ndtri(u)
        if self.kind == "lognormal":
            return p["median"] * np.exp(p["sigma_log"] * ndtri(u))
        span = p["high"] - p["low"]
        if self.kind == "triangular":
            return stats.triang.ppf(u, (p["mode"] - p["low"]) / span, loc=p["low"], scale=span)
        # PERT (Vose, section 9.1): a beta with these shapes, scaled to [low, high]
        alpha = 1 + 4 * (p["mode"] - p["low"]) / span
        beta = 1 + 4 * (p["high"] - p["mode"]) / span
        return p["low"] + span * stats.beta.ppf(u, alpha, beta)


def default_distributions(keys: Iterable[str] = DEFAULT_INPUTS, base: Mapping[str, Any] | None = None,
                          fraction: float = DEFAULT_FRACTION) -> list[Distribution]:
    """Triangular from the default tornado ranges, peaking at the base value."""
    inputs = resolve({**BASE, **(base or {})})
    return [Distribution(row.input, "triangular", (row.low, float(inputs[row.input]), row.high))
            for row in default_ranges(keys, base, fraction).itertuples(index=False)]


def read_distributions(path: str | Path) -> list[Distribution]:
    """A Monte Carlo file: CSV with columns input, distribution, p1, p2, p3 (p3 empty where unused)."""
    found = []
    for number, row in enumerate(_read_csv(path, ("input", "distribution", "p1", "p2")), start=2):
        where = f"{Path(path).name} row {number}: "
        item = _number_input(row["input"].strip(), where)
        parameters = tuple(_float(row[c], c, where) for c in ("p1", "p2", "p3") if (row.get(c) or "").strip())
        try:
            found.append(Distribution(item.key, row["distribution"].strip().lower(), parameters))
        except SensitivityError as error:
            raise SensitivityError(f"{where}{error}") from None
    if not found:
        raise SensitivityError(f"{path}: no inputs listed (columns input, distribution, p1, p2, p3)")
    if len({d.input for d in found}) != len(found):
        raise SensitivityError(f"{path}: an input is listed twice")
    return found


def read_correlations(path: str | Path, distributions: list[Distribution]) -> np.ndarray:
    """A correlation file: CSV with columns input_a, input_b, correlation (rank-free, of the
    normal scores of a Gaussian copula); returns the matrix over ``distributions``."""
    names = [d.input for d in distributions]
    matrix = np.eye(len(names))
    for number, row in enumerate(_read_csv(path, ("input_a", "input_b", "correlation")), start=2):
        where = f"{Path(path).name} row {number}: "
        a, b = row["input_a"].strip(), row["input_b"].strip()
        for key in (a, b):
            if key not in names:
                raise SensitivityError(f"{where}{key} has no distribution in the Monte Carlo file")
        rho = _float(row["correlation"], "correlation", where)
        if not -1 < rho < 1 or a == b:
            raise SensitivityError(f"{where}correlation={rho:g} between {a} and {b} must be in (-1, 1) for two inputs")
        matrix[names.index(a), names.index(b)] = matrix[names.index(b), names.index(a)] = rho
    return matrix


def latin_hypercube(distributions: list[Distribution], samples: int, seed: int,
                    correlation: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """``samples`` values of each input by Latin hypercube sampling (scipy.stats.qmc), the
    same for the same seed; with ``correlation``, the stratified probabilities are joined
    by a Gaussian copula.  Asset lives are rounded to whole years.

    Raises :class:`SensitivityError` naming the input if any sample falls outside its
    valid range (a normal or lognormal whose tail crosses it: use triangular or PERT).
    """
    from scipy.stats import qmc

    if samples < 2:
        raise SensitivityError(f"samples={samples} must be at least 2")
    probabilities = qmc.LatinHypercube(d=len(distributions), seed=np.random.default_rng(seed)).random(samples)
    if correlation is not None:
        try:
            lower = np.linalg.cholesky(correlation)
        except np.linalg.LinAlgError:
            raise SensitivityError("the correlations are not a valid correlation matrix (not positive definite)") from None
        probabilities = ndtr(ndtri(probabilities) @ lower.T)
    # the ends of (0, 1) would map to infinite normal and lognormal values
    probabilities = np.clip(probabilities, 1e-12, 1 - 1e-12)
    drawn = {}
    for column, distribution in enumerate(distributions):
        item = INPUTS[distribution.input]
        values = distribution.quantile(probabilities[:, column])
        if item.whole:
            values = np.round(values)
        outside = (values < item.low) | (values > item.high)
        if outside.any():
            raise SensitivityError(
                f"{distribution.input}: {int(outside.sum())} of {samples} samples of {distribution.describe()} fall "
                f"outside its valid range {item.range_text()} (e.g. {values[outside][0]:g}); narrow the distribution "
                "or use a bounded one (triangular, pert, uniform)")
        drawn[distribution.input] = values
    return drawn


# --------------------------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class MonteCarlo:
    """A Monte Carlo run: the settings, the samples, the outputs and their summaries."""

    distributions: tuple[Distribution, ...]
    seed: int
    correlated: bool
    samples: pd.DataFrame
    outputs: pd.DataFrame

    @property
    def summary(self) -> pd.DataFrame:
        """Per output: mean, sd, P5, P50, P95 [NZ$] and the probability that it is positive."""
        rows = []
        for key, (label, _) in OUTPUTS.items():
            values = self.outputs[key].to_numpy()
            p5, p50, p95 = np.percentile(values, [5, 50, 95])
            rows.append({"output": key, "label": label, "mean": values.mean(), "sd": values.std(ddof=1),
                         "p5": p5, "p50": p50, "p95": p95, "probability_positive": float((values > 0).mean())})
        return pd.DataFrame(rows)

    @property
    def convergence(self) -> pd.DataFrame:
        """The running mean and its standard error [NZ$] after 100, 200, 500, 1,000, ... samples."""
        count = len(self.outputs)
        steps = sorted({n for n in (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
                        if n < count} | {count})
        rows = []
        for n in steps:
            for key in OUTPUTS:
                head = self.outputs[key].to_numpy()[:n]
                rows.append({"samples": n, "output": key, "mean": head.mean(),
                             "standard_error": head.std(ddof=1) / np.sqrt(n)})
        return pd.DataFrame(rows)


def monte_carlo(distributions: list[Distribution] | None = None, samples: int = 10_000, seed: int = 1,
                correlation: np.ndarray | None = None, base: Mapping[str, Any] | None = None,
                progress: Progress | None = None) -> MonteCarlo:
    """Sample the inputs (Latin hypercube, ``seed``) and value the spectrum for each sample.

    ``distributions`` default to :func:`default_distributions` (triangular, +-20 %).
    """
    distributions = default_distributions(base=base) if distributions is None else distributions
    drawn = latin_hypercube(distributions, samples, seed, correlation)
    outputs = evaluate_outputs(drawn, base, progress)
    return MonteCarlo(tuple(distributions), seed, correlation is not None, pd.DataFrame(drawn), outputs)


# --------------------------------------------------------------------------------- histogram

#: at most this many bins in :func:`histogram` (the Sensitivity sheet's and the chart's)
HISTOGRAM_BINS = 25


def histogram(values: np.ndarray, bins: int = HISTOGRAM_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Counts of ``values`` over bins of a round width, for the sheet's and the chart's histograms.

    Parameters
    ----------
    values : array_like
        Samples of an output [NZ$].
    bins : int
        The most bins wanted.

    Returns
    -------
    edges : numpy.ndarray
        Bin edges [NZ$ M], whole multiples of a width of 1, 2, 2.5 or 5 x 10^k (the smallest
        such width whose ``bins`` bins span the values), the first at or below the least
        value and the last above the greatest: ``bins`` bins, or up to two more where the
        values sit off the round edges.
    counts : numpy.ndarray
        Samples in each bin [-]; bins hold their lower edge, so the counts add up to the
        number of values.
    """
    values = np.asarray(values, dtype=float) / 1e6
    low, high = float(values.min()), float(values.max())
    span = max(high - low, 1e-6 * max(1.0, abs(low), abs(high)))  # equal values: one narrow bin
    raw = span / bins
    power = 10.0 ** math.floor(math.log10(raw))
    width = next(step * power for step in (1, 2, 2.5, 5, 10) if step * power * bins >= span)
    # edges are whole multiples of the width; the division can round either way, so step out
    # until the first edge is at or below the least value and the last above the greatest
    first = math.floor(low / width)
    while first * width > low:
        first -= 1
    last = max(first + 1, math.ceil(high / width))
    while last * width <= high:
        last += 1
    edges = np.arange(first, last + 1) * width
    counts, _ = np.histogram(values, edges)
    return edges, counts


# --------------------------------------------------------------------------------- Sobol


def sobol(distributions: list[Distribution] | None = None, base_samples: int = 1024, seed: int = 1,
          base: Mapping[str, Any] | None = None, progress: Progress | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices of each input for each output, by SALib.

    SALib's Sobol' sequence (Saltelli's scheme, ``base_samples`` x (inputs + 2) model runs)
    gives probabilities, which each input's distribution maps to values.  Returns output,
    input, s1, s1_conf, st, st_conf (the confidence half-widths at 95 %).
    """
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError:
        raise MissingExtraError('Sobol indices need SALib: pip install "xlspectrum[sensitivity]"') from None
    distributions = default_distributions(base=base) if distributions is None else distributions
    if base_samples < 2 or base_samples & (base_samples - 1):
        raise SensitivityError(f"base_samples={base_samples} must be a power of 2 (a Sobol' sequence), e.g. 1024")
    problem = {"num_vars": len(distributions), "names": [d.input for d in distributions],
               "bounds": [[0.0, 1.0]] * len(distributions)}
    probabilities = np.clip(sample.sample(problem, base_samples, calc_second_order=False, seed=seed), 1e-12, 1 - 1e-12)
    drawn = {}
    for column, distribution in enumerate(distributions):
        values = distribution.quantile(probabilities[:, column])
        drawn[distribution.input] = np.round(values) if INPUTS[distribution.input].whole else values
    outputs = evaluate_outputs(drawn, base, progress)
    rows = []
    for key in OUTPUTS:
        indices = analyze.analyze(problem, outputs[key].to_numpy(), calc_second_order=False, seed=seed,
                                  print_to_console=False)
        for i, name in enumerate(problem["names"]):
            rows.append({"output": key, "input": name, "s1": indices["S1"][i], "s1_conf": indices["S1_conf"][i],
                         "st": indices["ST"][i], "st_conf": indices["ST_conf"][i]})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------- files


def _read_csv(path: str | Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SensitivityError(f"cannot read {path}: {error.strerror}") from None
    reader = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise SensitivityError(f"{Path(path).name}: missing column(s) {', '.join(missing)} "
                               f"(needs {', '.join(required)})")
    return list(reader)


def _float(text: str | None, column: str, where: str) -> float:
    try:
        number = float((text or "").strip())
    except ValueError:
        raise SensitivityError(f"{where}{column}={text!r} is not a number") from None
    if not np.isfinite(number):
        raise SensitivityError(f"{where}{column}={text!r} must be finite")
    return number


__all__ = ["BASE", "DEFAULT_INPUTS", "DISTRIBUTIONS", "OUTPUTS", "Distribution", "MonteCarlo", "SensitivityError",
           "default_distributions", "default_ranges", "evaluate_outputs", "latin_hypercube", "monte_carlo", "presets",
           "read_correlations", "read_distributions", "read_ranges", "sobol", "tornado"]
