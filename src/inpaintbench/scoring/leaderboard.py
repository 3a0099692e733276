"""The leaderboard: one rank per metric, final rank = mean of the ranks.

This is how the challenge ranked every track (book of the challenge, Tables 4 and
8–11): each metric ranks the submissions (best = 1), and the final rank of a
submission is the mean of its per-metric ranks. The secondary figures (WNJD for
humans, speed for captions) join the mean when every submission has them.

The defaults are the *correct* directions (lower MSE, DSSIM, WNJD and time are
better; higher PSNR and SSIM are better) and ties sharing the best rank. The 2018
leaderboards did not all follow them; ``docs/book-discrepancies.md`` lists where
and how :func:`build_leaderboard`'s options reproduce the published ranks:

* ``preset="historical-2018"`` ranks track 2's DSSIM as if higher were better, as
  the published track-2 tables do;
* ``ties="ordinal"`` breaks ties in input order, which stands in for the digits the
  book's 4-decimal figures hide;
* ``reference=("baseline",)`` ranks the participants among themselves and slots
  the baseline in among them, as the track-3 test tables do.

The published tables themselves ship as package data: :data:`BOOK_TABLES`,
:func:`load_book_table`, and ``book:<name>`` wherever a score file is expected.

Example
-------
>>> from inpaintbench.tracks import Track
>>> entries = [Entry("a", {"mse": 0.0011, "psnr": 33.35, "dssim": 0.0404}),
...            Entry("b", {"mse": 0.0012, "psnr": 33.02, "dssim": 0.0424})]
>>> lb = build_leaderboard(Track.CAPTIONS, entries)
>>> [(r.name, r.mean_rank, r.ranks["dssim"]) for r in lb.rows]
[('a', 1.0, 1.0), ('b', 2.0, 2.0)]
>>> lb = build_leaderboard(Track.CAPTIONS, entries, preset="historical-2018")
>>> [(r.name, round(r.mean_rank, 2), r.ranks["dssim"]) for r in lb.rows]
[('a', 1.33, 2.0), ('b', 1.67, 1.0)]
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from rich.table import Table
from rich.text import Text

from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.atomic import from_jsonable, write_json_atomic, write_text_atomic
from inpaintbench.scoring.result import SCORES_JSON
from inpaintbench.tracks import Track

Direction = Literal["lower", "higher"]
TieRule = Literal["min", "average", "ordinal"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
TIE_RULES: tuple[TieRule, ...] = get_args(TieRule)

# Which way is better, for every figure the challenge reports. These are the
# correct directions (MSE, DSSIM = (1 − SSIM)/2, WNJD and time are errors or costs;
# PSNR and SSIM are similarities). Book §2.3, §3.4, §4.3; CHALLENGE.md.
DEFAULT_DIRECTIONS: Mapping[str, Direction] = MappingProxyType({
    "mse": "lower",
    "psnr": "higher",
    "dssim": "lower",
    "ssim": "higher",
    "ssim_dr1": "higher",
    "wnjd": "lower",
    "seconds_per_clip": "lower",
    "clips_in_budget": "higher",
})


@dataclass(frozen=True)
class ValueRange:
    """The values a metric can take: ``low <= value <= high``, never NaN.

    Attributes
    ----------
    low, high : float
        Inclusive bounds; an infinite bound admits that infinity unless ``finite``.
    finite : bool
        Refuse ``inf`` and ``-inf`` whatever the bounds.
    """

    low: float
    high: float
    finite: bool = False

    def __contains__(self, value: float) -> bool:
        if math.isnan(value) or (self.finite and math.isinf(value)):
            return False
        return self.low <= value <= self.high

    def __str__(self) -> str:
        if self.finite and math.isinf(self.low) and math.isinf(self.high):
            return "finite"
        if self.finite and math.isinf(self.high):
            return f"finite and ≥ {self.low:g}"
        return f"in [{self.low:g}, {self.high:g}]"


# The values a score file may give each known metric; any other value is a broken
# file, refused rather than ranked (NaN never passes). MSE = +inf is the challenge's
# penalty for a missing prediction (ranks last: inpaintbench.scoring.result.PENALTY);
# PSNR = +inf is a perfect match (ranks first); SSIM lies in [-1, 1] and DSSIM =
# (1 − SSIM)/2 in [0, 1] (book §2.3, §3.4, §4.3); WNJD (a distance) and seconds per
# clip are finite and never negative.
METRIC_RANGES: Mapping[str, ValueRange] = MappingProxyType({
    "mse": ValueRange(0.0, math.inf),
    "psnr": ValueRange(0.0, math.inf),
    "dssim": ValueRange(0.0, 1.0),
    "ssim": ValueRange(-1.0, 1.0),
    "ssim_dr1": ValueRange(-1.0, 1.0),
    "wnjd": ValueRange(0.0, math.inf, finite=True),
    "seconds_per_clip": ValueRange(0.0, math.inf, finite=True),
    "clips_in_budget": ValueRange(0.0, math.inf, finite=True),
})
# A metric not in METRIC_RANGES (a custom one) is ranked only when asked for by
# name, and then only with finite values.
CUSTOM_METRIC_RANGE = ValueRange(-math.inf, math.inf, finite=True)
# Numbers a score file holds that are not metrics: scores.json's sample counts
# (inpaintbench.scoring.result) and the book tables' printed mean rank.
NON_METRIC_KEYS: tuple[str, ...] = ("n_samples", "n_penalised", "published_rank")

# The metrics each track ranks by (book §2.3, §3.4, §4.3: "mean rank of MSE, PSNR
# and (D)SSIM"). Track 1's published Table 4 has no PSNR column: a metric joins the
# mean only when every entry has it.
PRIMARY_METRICS: Mapping[Track, tuple[str, ...]] = MappingProxyType({
    Track.HUMANS: ("mse", "psnr", "dssim"),
    Track.CAPTIONS: ("mse", "psnr", "dssim"),
    Track.FINGERPRINTS: ("mse", "psnr", "ssim"),
})

# Secondary rankings: WNJD for humans (book §2.3, Table 4 ranks it with the others),
# speed for captions as the challenge measured it: the number of clips a method
# processed within a fixed time (CHALLENGE.md, track 2; `inpaintbench run --time-budget`).
SECONDARY_METRICS: Mapping[Track, tuple[str, ...]] = MappingProxyType({
    Track.HUMANS: ("wnjd",),
    Track.CAPTIONS: ("clips_in_budget",),
    Track.FINGERPRINTS: (),
})

# Shown, never ranked by default: track 3's SSIM with data range 1 (the challenge
# ranked the data-range-2 SSIM; see inpaintbench.scoring.fingerprints), and track 2's
# seconds per clip (the budget's count ranks speed; the seconds say by how much).
EXTRA_COLUMNS: Mapping[Track, tuple[str, ...]] = MappingProxyType({
    Track.HUMANS: (),
    Track.CAPTIONS: ("seconds_per_clip",),
    Track.FINGERPRINTS: ("ssim_dr1",),
})

METRIC_LABELS: Mapping[str, str] = MappingProxyType({
    "mse": "MSE", "psnr": "PSNR", "dssim": "DSSIM", "ssim": "SSIM",
    "ssim_dr1": "SSIM (L=1)", "wnjd": "WNJD", "seconds_per_clip": "s/clip",
    "clips_in_budget": "clips in budget",
})
VALUE_DECIMALS = 4  # the book prints every metric with 4 decimals (Tables 4, 8–11)
METRIC_DECIMALS: Mapping[str, int] = MappingProxyType({"seconds_per_clip": 2,
                                                        "clips_in_budget": 0})
MEAN_RANK_DECIMALS = 2  # the book prints 1 (Tables 4, 8–11) or 4 (FPD-M-net Table 5)

BOOK_PREFIX = "book:"  # read_score_file("book:track2_test_table9") reads a packaged table
DUPLICATE_SEPARATOR = "#"  # a second "foo" becomes "foo#2"
LEADERBOARD_FORMAT = "inpaintbench.leaderboard/1"
_MEAN_RANK_TOLERANCE = 1e-9  # mean ranks are sums of ranks / n: equal when within this


@dataclass(frozen=True)
class Preset:
    """A named set of direction overrides, per track.

    Attributes
    ----------
    name : str
    description : str
    directions : mapping of Track to mapping of metric to Direction
        Overrides of :data:`DEFAULT_DIRECTIONS`; tracks absent keep the defaults.
    """

    name: str
    description: str
    directions: Mapping[Track, Mapping[str, Direction]]

    def directions_for(self, track: Track) -> dict[str, Direction]:
        """The overrides this preset makes on ``track``."""
        return dict(self.directions.get(track, {}))


# How the 2018 leaderboards ranked: track 2 ranked DSSIM as if higher were better
# (book Tables 8 and 9: the largest DSSIM gets rank 1, and Table 9's mean ranks only
# follow that way); tracks 1 and 3 used the correct directions (Tables 4, 10, 11).
HISTORICAL_2018 = Preset(
    name="historical-2018",
    description="the 2018 leaderboards: track 2 ranked DSSIM higher-is-better "
                "(book Tables 8-9); tracks 1 and 3 as the defaults",
    directions=MappingProxyType({Track.CAPTIONS: MappingProxyType({"dssim": "higher"})}),
)
PRESETS: Mapping[str, Preset] = MappingProxyType({HISTORICAL_2018.name: HISTORICAL_2018})


@dataclass(frozen=True)
class Entry:
    """One submission to rank: a name and its metric values.

    Attributes
    ----------
    name : str
    values : mapping of str to float
        Metric values (non-finite allowed: ``inf`` MSE is the challenge's penalty;
        :func:`read_score_file` refuses values outside :data:`METRIC_RANGES`).
    source : str or None
        The file it was read from, for error messages and the output.
    """

    name: str
    values: Mapping[str, float]
    source: str | None = None


@dataclass(frozen=True)
class Row:
    """One line of a :class:`Leaderboard`.

    Attributes
    ----------
    position : int
        1 + the number of rows with a strictly better mean rank (ties share it).
    name : str
    mean_rank : float
        Mean of :attr:`ranks` over the leaderboard's ranked metrics, full precision.
    values : mapping of str to float or None
        Value of every shown column (``None`` where the entry lacks it).
    ranks : mapping of str to float
        Rank per ranked metric (best = 1; halves possible with ``ties="average"``).
    reference : bool
        Ranked against the others without displacing them (see
        :func:`build_leaderboard`).
    source : str or None
        The file the entry came from.
    """

    position: int
    name: str
    mean_rank: float
    values: Mapping[str, float | None]
    ranks: Mapping[str, float]
    reference: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Leaderboard:
    """A ranked table of submissions of one track.

    Attributes
    ----------
    track : Track
    metrics : tuple of str
        The ranked metrics, whose ranks are averaged.
    columns : tuple of str
        Every metric shown: the ranked ones first, then the others present.
    directions : mapping of str to Direction
        The direction used for every column.
    ties : {"min", "average", "ordinal"}
    rows : tuple of Row
        Best first: by mean rank, ties in mean rank kept in input order.
    preset : str or None
        The preset applied, if any.
    notes : tuple of str
        What the ranking left out and why (e.g. a metric some entries lack).
    """

    track: Track
    metrics: tuple[str, ...]
    columns: tuple[str, ...]
    directions: Mapping[str, Direction]
    ties: TieRule
    rows: tuple[Row, ...]
    preset: str | None = None
    notes: tuple[str, ...] = ()

    def row(self, name: str) -> Row:
        """The row named ``name``.

        Raises
        ------
        KeyError
            When no row has that name.
        """
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no row named {name!r}; rows: {', '.join(r.name for r in self.rows)}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (non-finite floats stay floats; see :meth:`to_json`)."""
        return {
            "format": LEADERBOARD_FORMAT,
            "track": self.track.value,
            "metrics": list(self.metrics),
            "columns": list(self.columns),
            "directions": dict(self.directions),
            "ties": self.ties,
            "preset": self.preset,
            "notes": list(self.notes),
            "rows": [
                {"position": r.position, "name": r.name, "mean_rank": r.mean_rank,
                 "values": dict(r.values), "ranks": dict(r.ranks),
                 "reference": r.reference, "source": r.source}
                for r in self.rows
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Leaderboard:
        """Inverse of :meth:`to_dict`."""
        return cls(
            track=Track.parse(data["track"]),
            metrics=tuple(data["metrics"]),
            columns=tuple(data["columns"]),
            directions=dict(data["directions"]),
            ties=data["ties"],
            preset=data.get("preset"),
            notes=tuple(data.get("notes", ())),
            rows=tuple(
                Row(position=int(r["position"]), name=r["name"], mean_rank=float(r["mean_rank"]),
                    values={k: None if v is None else float(v) for k, v in r["values"].items()},
                    ranks={k: float(v) for k, v in r["ranks"].items()},
                    reference=bool(r.get("reference", False)), source=r.get("source"))
                for r in data["rows"]
            ),
        )

    def to_json(self, path: str | Path) -> Path:
        """Write the leaderboard as strict JSON, atomically (``inf`` as ``"inf"``)."""
        return write_json_atomic(path, self.to_dict())

    @classmethod
    def from_json(cls, path: str | Path) -> Leaderboard:
        """Read a leaderboard written by :meth:`to_json`.

        Names and sources are kept as written (a submission named ``"inf"`` stays a
        string); :meth:`from_dict` turns the ``"inf"`` values back into floats.
        """
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_csv_text(self) -> str:
        """The CSV :meth:`to_csv` writes.

        Columns: ``position, name, mean_rank``, then ``<metric>, <metric>_rank`` per
        ranked metric, then the other shown columns, then ``reference`` when any row
        is a reference. Values are written at full precision (``repr``), ``inf`` and
        ``nan`` as such, missing values empty.
        """
        extra = [c for c in self.columns if c not in self.metrics]
        header = ["position", "name", "mean_rank"]
        for metric in self.metrics:
            header += [metric, f"{metric}_rank"]
        header += extra
        with_reference = any(r.reference for r in self.rows)
        if with_reference:
            header.append("reference")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for r in self.rows:
            line = [str(r.position), r.name, repr(r.mean_rank)]
            for metric in self.metrics:
                line += [_csv_number(r.values.get(metric)), format_rank(r.ranks[metric])]
            line += [_csv_number(r.values.get(c)) for c in extra]
            if with_reference:
                line.append("yes" if r.reference else "")
            writer.writerow(line)
        return buffer.getvalue()

    def to_csv(self, path: str | Path) -> Path:
        """Write :meth:`to_csv_text` to ``path``, atomically."""
        return write_text_atomic(path, self.to_csv_text())


def _csv_number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


# --- Ranking ----------------------------------------------------------------------


def rank_values(values: Sequence[float], direction: Direction = "lower",
                ties: TieRule = "min") -> list[float]:
    """Rank ``values``, best = 1, by their full-precision value.

    Parameters
    ----------
    values : sequence of float
        One value per entry, in input order. ``inf`` and ``-inf`` order as numbers
        (an ``inf`` MSE ranks last, an ``inf`` PSNR first); ``nan`` ranks last
        whatever the direction.
    direction : {"lower", "higher"}
        Which values are better.
    ties : {"min", "average", "ordinal"}
        Equal values share the best of their ranks (``min``: 1, 1, 3), the mean of
        them (``average``: 1.5, 1.5, 3) or get them in input order (``ordinal``:
        1, 2, 3). NaNs tie with each other.

    Returns
    -------
    list of float
        The rank of each value, in input order.

    Examples
    --------
    >>> rank_values([0.2, 0.1, 0.2])
    [2.0, 1.0, 2.0]
    >>> rank_values([0.2, 0.1, 0.2], ties="min", direction="higher")
    [1.0, 3.0, 1.0]
    >>> rank_values([0.2, 0.1, 0.2], ties="ordinal")
    [2.0, 1.0, 3.0]
    """
    _check_direction(direction, option="direction")
    _check_ties(ties)
    keys = [_sort_key(float(v), direction) for v in values]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: input order in ties
    ranks = [0.0] * len(keys)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and keys[order[end + 1]] == keys[order[start]]:
            end += 1
        for offset, index in enumerate(order[start:end + 1]):
            if ties == "min":
                ranks[index] = float(start + 1)
            elif ties == "average":
                ranks[index] = (start + end) / 2 + 1
            else:
                ranks[index] = float(start + 1 + offset)
        start = end + 1
    return ranks


def _sort_key(value: float, direction: Direction) -> tuple[int, float]:
    if math.isnan(value):
        return (1, 0.0)  # after every number, equal to every other NaN
    return (0, value if direction == "lower" else -value)


def resolve_directions(track: Track | str, overrides: Mapping[str, str] | None = None,
                       preset: str | Preset | None = None) -> dict[str, Direction]:
    """The direction of every known metric: defaults, then the preset, then overrides.

    Parameters
    ----------
    track : Track or str
    overrides : mapping of str to {"lower", "higher"}, optional
        E.g. ``{"dssim": "higher"}``. Metrics unknown to :data:`DEFAULT_DIRECTIONS`
        may be given (to rank a custom metric).
    preset : str or Preset, optional
        A name in :data:`PRESETS` (``"historical-2018"``) or a :class:`Preset`.

    Raises
    ------
    OptionError
        For an unknown ``track`` or ``preset``, or a direction other than
        ``lower``/``higher`` (option ``directions``).
    """
    track = _track_option(track)
    directions: dict[str, Direction] = dict(DEFAULT_DIRECTIONS)
    if preset is not None:
        directions.update(_preset_option(preset).directions_for(track))
    for metric, direction in (overrides or {}).items():
        _check_direction(direction, metric)
        directions[metric] = direction
    return directions


def _track_option(track: Any) -> Track:
    try:
        return Track.parse(track)
    except ValueError as error:
        raise OptionError("track", str(error)) from None


def _preset_option(preset: Any) -> Preset:
    if isinstance(preset, Preset):
        return preset
    if isinstance(preset, str) and preset in PRESETS:
        return PRESETS[preset]
    raise OptionError("preset", f"unknown preset {preset!r}",
                      f"use one of {', '.join(PRESETS)}, or none for the correct directions")


def parse_directions(texts: Iterable[str]) -> dict[str, Direction]:
    """Parse ``METRIC=higher|lower`` strings (the CLI's ``--direction``).

    >>> parse_directions(["dssim=higher", "mse = lower"])
    {'dssim': 'higher', 'mse': 'lower'}

    Raises
    ------
    OptionError
        (option ``directions``) When a string is not ``METRIC=lower`` or
        ``METRIC=higher``.
    """
    result: dict[str, Direction] = {}
    for text in texts:
        metric, sep, direction = (part.strip() for part in str(text).partition("="))
        if not sep or not metric:
            raise OptionError("directions", f"bad direction {text!r}",
                              "write METRIC=lower or METRIC=higher, e.g. dssim=higher")
        _check_direction(direction.lower(), metric)
        result[metric] = direction.lower()  # type: ignore[assignment]
    return result


def _check_direction(direction: Any, metric: str | None = None,
                     option: str = "directions") -> None:
    if direction not in DIRECTIONS:
        where = f" for {metric!r}" if metric else ""
        raise OptionError(option, f"bad direction {direction!r}{where}",
                          "use 'lower' or 'higher'")


def _check_ties(ties: Any) -> None:
    if ties not in TIE_RULES:
        raise OptionError("ties", f"bad tie rule {ties!r}", f"use one of {', '.join(TIE_RULES)}")


def build_leaderboard(
    track: Track | str,
    entries: Sequence[Entry],
    *,
    metrics: Sequence[str] | None = None,
    directions: Mapping[str, str] | None = None,
    preset: str | Preset | None = None,
    ties: TieRule = "min",
    reference: Iterable[str] = (),
) -> Leaderboard:
    """Rank ``entries`` on each metric and order them by their mean rank.

    Parameters
    ----------
    track : Track or str
    entries : sequence of Entry
        Names must be unique. Input order breaks ties (see ``ties`` and Returns).
    metrics : sequence of str, optional
        The metrics to rank by (one name may be given as a string). Default: the
        track's primary then secondary metrics (:data:`PRIMARY_METRICS`,
        :data:`SECONDARY_METRICS`) that *every* entry has; the others are shown
        unranked and noted. Given explicitly, every entry must have every metric.
    directions : mapping of str to {"lower", "higher"}, optional
        Overrides, applied after the preset (see :func:`resolve_directions`).
    preset : str or Preset, optional
        ``"historical-2018"`` reproduces the 2018 leaderboards' directions.
    ties : {"min", "average", "ordinal"}
        How equal values share ranks (see :func:`rank_values`). ``ordinal`` breaks
        ties in input order: use it to reproduce a published table from its
        rounded figures, listed in the published order.
    reference : iterable of str
        Names of entries (baselines; one name may be given as a string) shown for
        reference: the other entries are
        ranked among themselves, and each reference entry gets, per metric, the
        rank it would have if it alone were added to them.

    Returns
    -------
    Leaderboard
        Rows sorted by mean rank; equal mean ranks share a position and keep
        their input order.

    Raises
    ------
    InputError
        When names repeat, a requested metric is missing from an entry, or no
        metric is present in every entry.
    OptionError
        Named by the keyword at fault (a ``ValueError``): an unknown ``track`` or
        ``preset``, a bad direction or a ranked metric without one
        (``directions``), a bad ``ties`` rule, an empty or malformed ``metrics``
        list, an unknown ``reference`` name.
    """
    track = _track_option(track)
    _check_ties(ties)
    requested = _metrics_option(metrics)
    if not entries:
        raise InputError(None, "no entries to rank", "give at least one score file")
    _check_unique_names(entries)
    resolved = resolve_directions(track, directions, preset)
    ranked, notes = _choose_metrics(track, entries, requested)
    for metric in ranked:
        if metric not in resolved:
            raise OptionError("directions", f"no direction for metric {metric!r}",
                              f"give one, e.g. {metric}=lower; the known metrics have "
                              f"theirs: {', '.join(DEFAULT_DIRECTIONS)}")
    columns = ranked + tuple(
        m for m in (*PRIMARY_METRICS[track], *SECONDARY_METRICS[track], *EXTRA_COLUMNS[track])
        if m not in ranked and any(_has_value(e, m) for e in entries)
    )
    is_reference = _reference_flags(entries, reference)

    ranks_by_metric = {m: _rank_metric([e.values[m] for e in entries], resolved[m], ties,
                                       is_reference)
                       for m in ranked}
    means = [sum(ranks_by_metric[m][i] for m in ranked) / len(ranked)
             for i in range(len(entries))]
    order = sorted(range(len(entries)), key=means.__getitem__)  # stable: input order in ties
    rows = tuple(
        Row(position=1 + sum(1 for other in means if other < means[i] - _MEAN_RANK_TOLERANCE),
            name=entries[i].name,
            mean_rank=means[i],
            values={c: _value_or_none(entries[i], c) for c in columns},
            ranks={m: ranks_by_metric[m][i] for m in ranked},
            reference=is_reference[i],
            source=entries[i].source)
        for i in order
    )
    preset_name = preset.name if isinstance(preset, Preset) else preset
    return Leaderboard(track=track, metrics=ranked, columns=columns,
                       directions={c: resolved[c] for c in columns}, ties=ties, rows=rows,
                       preset=preset_name, notes=tuple(notes))


def _has_value(entry: Entry, metric: str) -> bool:
    return entry.values.get(metric) is not None


def _value_or_none(entry: Entry, metric: str) -> float | None:
    value = entry.values.get(metric)
    return None if value is None else float(value)


def _check_unique_names(entries: Sequence[Entry]) -> None:
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.name in seen:
            first = seen[entry.name]
            raise InputError(entry.source, f"the name {entry.name!r} is already used"
                             + (f" by {first.source}" if first.source else ""),
                             "give each submission a distinct name")
        seen[entry.name] = entry


def _metrics_option(metrics: Any) -> tuple[str, ...] | None:
    """``metrics`` as distinct, stripped names; ``None`` for the track's default."""
    if metrics is None:
        return None
    try:
        names = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    except TypeError:
        raise OptionError("metrics", f"expected a list of metric names, got {metrics!r}",
                          f"e.g. {', '.join(DEFAULT_DIRECTIONS)}") from None
    if not names:
        raise OptionError("metrics", "the metric list is empty",
                          f"name at least one metric, e.g. {', '.join(DEFAULT_DIRECTIONS)}")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise OptionError("metrics", f"bad metric name {name!r}",
                              f"use names such as {', '.join(DEFAULT_DIRECTIONS)}")
        if name.strip() in NON_METRIC_KEYS:
            raise OptionError("metrics", f"{name.strip()!r} is bookkeeping, not a metric",
                              f"use names such as {', '.join(DEFAULT_DIRECTIONS)}")
    return tuple(dict.fromkeys(name.strip() for name in names))


def _common_metrics(entries: Sequence[Entry]) -> list[str]:
    """The metrics every entry has, known ones first."""
    keys = dict.fromkeys([*DEFAULT_DIRECTIONS, *(k for e in entries for k in e.values)])
    return [k for k in keys if k not in NON_METRIC_KEYS
            and all(_has_value(e, k) for e in entries)]


_LISTED_NAMES = 10  # error messages list at most this many entries, then "… and N more"


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_LISTED_NAMES])
    return shown + (f" … and {len(items) - _LISTED_NAMES} more" if len(items) > _LISTED_NAMES
                    else "")


def _check_present(entries: Sequence[Entry], metric: str) -> None:
    lacking = [e for e in entries if not _has_value(e, metric)]
    if not lacking:
        return
    sources = list(dict.fromkeys(e.source for e in lacking))
    one_file = len(sources) == 1 and sources[0] is not None
    names = [repr(e.name) if one_file or e.source is None else f"{e.name!r} ({e.source})"
             for e in lacking]
    subject = (f"entry {names[0]} has" if len(lacking) == 1 else
               f"{'all' if len(lacking) == len(entries) else len(lacking)} of the "
               f"{len(entries)} entries ({_listing(names)}) have")
    common = _common_metrics(entries)
    hint = f"leave {metric} out of the metrics to rank" + (
        f"; every entry has {', '.join(common)}" if common else "")
    raise InputError(sources[0] if one_file else None,
                     f"{subject} no {metric!r} value", hint)


def _choose_metrics(track: Track, entries: Sequence[Entry],
                    metrics: tuple[str, ...] | None) -> tuple[tuple[str, ...], list[str]]:
    notes: list[str] = []
    if metrics is not None:
        for metric in metrics:
            _check_present(entries, metric)
        return metrics, notes
    chosen = []
    for metric in (*PRIMARY_METRICS[track], *SECONDARY_METRICS[track]):
        lacking = [e.name for e in entries if not _has_value(e, metric)]
        if not lacking:
            chosen.append(metric)
        elif len(lacking) < len(entries):
            notes.append(f"{metric} is not ranked: missing from {', '.join(lacking)}")
    if not chosen:
        raise InputError(None, f"no {track.value} metric is present in every entry",
                         f"expected some of {', '.join(PRIMARY_METRICS[track])}")
    return tuple(chosen), notes


def _reference_flags(entries: Sequence[Entry], reference: Iterable[str] | str) -> list[bool]:
    try:
        names = {reference} if isinstance(reference, str) else set(reference)
    except TypeError:
        raise OptionError("reference", f"expected a list of entry names, got {reference!r}") \
            from None
    unknown = names - {e.name for e in entries}
    if unknown:
        raise OptionError("reference",
                          f"unknown reference entr{'y' if len(unknown) == 1 else 'ies'} "
                          f"{', '.join(sorted(map(str, unknown)))}",
                          f"names are {_listing([e.name for e in entries])}")
    return [e.name in names for e in entries]


def _rank_metric(values: Sequence[float], direction: Direction, ties: TieRule,
                 is_reference: Sequence[bool]) -> list[float]:
    ranked = [i for i, ref in enumerate(is_reference) if not ref]
    ranks = [0.0] * len(values)
    for i, rank in zip(ranked, rank_values([values[i] for i in ranked], direction, ties),
                       strict=True):
        ranks[i] = rank
    for i in (i for i, ref in enumerate(is_reference) if ref):
        pool = sorted([*ranked, i])  # the others plus this one, in input order
        ranks[i] = rank_values([values[j] for j in pool], direction, ties)[pool.index(i)]
    return ranks


# --- Reading score files ----------------------------------------------------------

_EXPECTED = ("a scores.json written by `inpaintbench score`, or a table "
             '{"track": ..., "entries": [{"name": ..., "mse": ...}, ...]}')
_SHOWN_CHARS = 60  # a bad value is quoted in an error message up to this length
_ENTRY_FIELDS = ("name", "track")  # an entry's keys that are never values
# What to do about a value out of its range, where there is more to say than the range.
_RANGE_HINTS: Mapping[str, str] = MappingProxyType({
    "mse": 'a missing prediction scores "inf", which ranks last',
    "psnr": 'a perfect match scores "inf", which ranks first',
})


def read_score_file(path: str | Path) -> tuple[Track, list[Entry]]:
    """Read the entries of one score file, table file, or packaged book table.

    Parameters
    ----------
    path : str or Path
        * a ``scores.json`` written by ``inpaintbench score`` (one entry, named by
          its ``"name"``, else by its folder when the file is ``scores.json``, else
          by the file's stem), or a folder holding one;
        * a table file ``{"track": ..., "entries": [{"name": ..., <metric>: ...}]}``;
        * ``book:<name>``, one of :data:`BOOK_TABLES`.

    Returns
    -------
    (Track, list of Entry)
        Every numeric key of an entry but the bookkeeping ones
        (:data:`NON_METRIC_KEYS`) is kept as a value; ``null`` counts as missing.
        The strings ``"inf"``, ``"-inf"``, ``"nan"`` (how
        :func:`~inpaintbench.io.atomic.to_jsonable` writes non-finite floats) are
        read as numbers where a value is expected, and nowhere else: a submission
        named ``"inf"`` keeps its name.

    Raises
    ------
    InputError
        Naming the file (and the entry and metric where one is at fault): the
        file is missing, empty, a folder without a ``scores.json``, not UTF-8, not
        JSON, not an object; ``track`` is missing or names no track; ``entries``
        is not a non-empty list of objects; an entry has no name; a known metric
        is not a number or lies outside its range (:data:`METRIC_RANGES`: NaN
        never passes).
    """
    text = str(path)
    if text.startswith(BOOK_PREFIX):
        name = text.removeprefix(BOOK_PREFIX)
        return _parse_scores(text, _load_book_data(name), default_name=name)
    path = _score_file_path(Path(path))
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    if not raw.strip():
        raise InputError(path, "is empty", f"expected {_EXPECTED}")
    try:
        decoded = raw.decode("utf-8-sig")  # tolerate the BOM some editors write
    except UnicodeDecodeError as error:
        raise InputError(path, f"is not UTF-8 text (byte {error.start}: {error.reason})",
                         f"expected {_EXPECTED}") from None
    try:
        data = json.loads(decoded)  # raw: "inf" stays a string until a value is expected
    except json.JSONDecodeError as error:
        raise InputError(path, f"is not valid JSON ({error.msg}: line {error.lineno} column "
                               f"{error.colno})", f"expected {_EXPECTED}") from None
    except (ValueError, RecursionError) as error:  # a 5000-digit number, deep nesting
        raise InputError(path, f"is not valid JSON ({error})", f"expected {_EXPECTED}") from None
    default = path.parent.name if path.name == SCORES_JSON and path.parent.name else path.stem
    return _parse_scores(str(path), data, default_name=default)


def _score_file_path(path: Path) -> Path:
    """``path``, or the ``scores.json`` in the folder ``path``; checked to be a file."""
    try:
        is_dir = path.is_dir()
        if is_dir and (path / SCORES_JSON).is_file():
            path, is_dir = path / SCORES_JSON, False
        is_file, exists = path.is_file(), path.exists()
    except (OSError, ValueError) as error:  # a name too long, a NUL byte
        raise InputError(path, f"cannot be read ({getattr(error, 'strerror', None) or error})") \
            from None
    if is_file:
        return path
    if is_dir:
        raise InputError(path, f"is a folder without a {SCORES_JSON}", f"expected {_EXPECTED}")
    if exists:
        raise InputError(path, "is not a regular file", f"expected {_EXPECTED}")
    raise InputError(path, "no such file", f"expected {_EXPECTED}")


def _json_kind(value: Any) -> str:
    """What a JSON value is, in words, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    kinds = ((str, "a string"), (int | float, "a number"), (list, "a list"), (dict, "an object"))
    return next((word for kind, word in kinds if isinstance(value, kind)), type(value).__name__)


def _shown(value: Any) -> str:
    """``value`` as JSON, shortened, for error messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS - 1] + "…"


def _parse_scores(source: str, data: Any, default_name: str) -> tuple[Track, list[Entry]]:
    if not isinstance(data, dict):
        raise InputError(source, f"is not a JSON object (it is {_json_kind(data)})",
                         f"expected {_EXPECTED}")
    if "track" not in data:
        raise InputError(source, "has no 'track' key", f"expected {_EXPECTED}")
    track_value = data["track"]
    if isinstance(track_value, bool) or not isinstance(track_value, str | int | float):
        raise InputError(source, f"has a bad 'track': a string or a number is expected, got "
                                 f"{_json_kind(track_value)} {_shown(track_value)}",
                         "use humans (1), captions (2) or fingerprints (3)")
    try:
        track = Track.parse(track_value)
    except ValueError as error:
        raise InputError(source, f"has a bad 'track': {error}") from None
    if "entries" not in data:
        name = data.get("name")
        if name is None or name == "":
            name = default_name
        return track, [_parse_entry(source, data, name)]
    items = data["entries"]
    if not isinstance(items, list) or not items:
        got = "an empty list" if isinstance(items, list) else _json_kind(items)
        raise InputError(source, f"'entries' must be a non-empty list of objects, got {got}",
                         f"expected {_EXPECTED}")
    entries = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(source, f"entry {number} is not an object (it is "
                                     f"{_json_kind(item)} {_shown(item)})",
                             f"expected {_EXPECTED}")
        if item.get("name") is None:
            raise InputError(source, f"entry {number} has no 'name' (a non-empty string)")
        entries.append(_parse_entry(source, item, item["name"], number))
    return track, entries


def _parse_entry(source: str, data: Mapping[str, Any], name: Any,
                 number: int | None = None) -> Entry:
    """One entry: ``number`` is its place in a table file, ``None`` in a scores.json."""
    if not isinstance(name, str) or not name:
        at = f"entry {number}: " if number else ""
        raise InputError(source, f"{at}'name' must be a non-empty string, got "
                                 f"{_json_kind(name)} {_shown(name)}")
    where = f"entry {number} ({name!r})" if number else f"entry {name!r}"
    values: dict[str, float] = {}
    for key, raw in data.items():
        if key in _ENTRY_FIELDS or key in NON_METRIC_KEYS or raw is None:
            continue
        value = _number(raw)
        if key not in METRIC_RANGES:
            if value is not None:  # a custom metric: checked if asked for
                values[key] = value
            continue
        if value is None:
            raise InputError(source, f"{where}: {key!r} must be a number "
                             f'(or "inf", "-inf", "nan"), got {_json_kind(raw)} {_shown(raw)}')
        if value not in METRIC_RANGES[key]:
            raise InputError(source, f"{where}: {key!r} must be {METRIC_RANGES[key]}, "
                                     f"got {_shown(raw)}", _RANGE_HINTS.get(key, ""))
        values[key] = value
    return Entry(name=name, values=values, source=source)


def _number(raw: Any) -> float | None:
    """A JSON value where a metric is expected, as a float; ``None`` if it is not one.

    Numbers (booleans are not) and the strings :func:`~inpaintbench.io.atomic.to_jsonable`
    writes for non-finite floats; an integer too large for a float is infinite.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        try:
            return float(raw)
        except OverflowError:
            return math.inf if raw > 0 else -math.inf
    if isinstance(raw, float):
        return raw
    if isinstance(raw, str):
        value = from_jsonable(raw)
        return value if isinstance(value, float) else None
    return None


def _check_requested(entries: Sequence[Entry], metrics: Any) -> None:
    """Refuse a non-finite value of a custom metric asked for by name (read from a file)."""
    for metric in _metrics_option(metrics) or ():
        if metric in METRIC_RANGES:
            continue  # checked on reading
        for entry in entries:
            value = entry.values.get(metric)
            if value is not None and value not in CUSTOM_METRIC_RANGE:
                raise InputError(entry.source, f"entry {entry.name!r}: {metric!r} must be "
                                 f"{CUSTOM_METRIC_RANGE} to be ranked, got {value}",
                                 f"leave {metric} out of the metrics to rank")


def read_score_files(paths: Iterable[str | Path] | str | Path) -> tuple[Track, list[Entry]]:
    """Read the entries of several files (or one path); they must all be of one track.

    Names repeated across files get a suffix in input order (``foo``, ``foo#2``),
    so that two ``scores.json`` from folders of the same name can be compared; a
    suffixed name never takes a name some entry already has (``foo#2`` given as a
    name makes the second ``foo`` ``foo#3``).

    Raises
    ------
    InputError
        When no path is given, a file cannot be read (see :func:`read_score_file`),
        or two files are of different tracks.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    track: Track | None = None
    first = ""
    entries: list[Entry] = []
    for path in paths:
        file_track, file_entries = read_score_file(path)
        if track is None:
            track, first = file_track, str(path)
        elif file_track is not track:
            raise InputError(path, f"is a {file_track.value} file, but {first} is a "
                             f"{track.value} file", "a leaderboard ranks one track at a time")
        entries.extend(file_entries)
    if track is None:
        raise InputError(None, "no score file given", f"expected {_EXPECTED}")
    return track, _disambiguate(entries)


def _disambiguate(entries: Sequence[Entry]) -> list[Entry]:
    taken = {e.name for e in entries}
    counts: dict[str, int] = {}
    result = []
    for entry in entries:
        counts[entry.name] = counts.get(entry.name, 0) + 1
        if counts[entry.name] == 1:
            result.append(entry)
            continue
        number = counts[entry.name]
        while (name := f"{entry.name}{DUPLICATE_SEPARATOR}{number}") in taken:
            number += 1
        taken.add(name)
        result.append(Entry(name=name, values=entry.values, source=entry.source))
    return result


def leaderboard_from_files(paths: Iterable[str | Path] | str | Path,
                           **options: Any) -> Leaderboard:
    """Read ``paths`` (:func:`read_score_files`) and rank them (:func:`build_leaderboard`).

    A custom metric (one not in :data:`METRIC_RANGES`) is ranked only when named in
    ``metrics``, and then every value of it must be finite.

    Raises
    ------
    InputError
        For a file (see :func:`read_score_file`), or a custom metric asked for with
        a non-finite value (naming the file, the entry and the metric).
    OptionError
        For a bad option (see :func:`build_leaderboard`).
    """
    track, entries = read_score_files(paths)
    _check_requested(entries, options.get("metrics"))
    return build_leaderboard(track, entries, **options)


def write_leaderboard(lb: Leaderboard, out_dir: str | Path,
                      stem: str = "leaderboard") -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>.csv`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    return lb.to_json(out_dir / f"{stem}.json"), lb.to_csv(out_dir / f"{stem}.csv")


# --- The book's published tables --------------------------------------------------

# Transcribed from the book of the challenge (shared/seeds/001); see each file's
# "source" and docs/book-discrepancies.md.
BOOK_TABLES: tuple[str, ...] = (
    "track1_test_table4",
    "track2_validation_table8",
    "track2_test_table9",
    "track3_validation_table10",
    "track3_test_table11",
    "track3_test_fpdmnet_table5",
)
Rounding = Literal["round", "truncate", "either"]


@dataclass(frozen=True)
class Mismatch:
    """A cell where a computed leaderboard and a published table disagree.

    ``column`` is a metric (its per-metric rank), ``"mean_rank"`` (printed mean
    rank vs the computed one shown as the book would print it) or ``"order"``
    (1-based place in the listing).
    """

    name: str
    column: str
    printed: float
    computed: float


@dataclass(frozen=True)
class BookTable:
    """A published results table of the book, with its printed ranks.

    Attributes
    ----------
    name : str
        One of :data:`BOOK_TABLES`.
    track : Track
    source : str
        Book, chapter and table.
    entries : tuple of Entry
        In the printed order, with the printed (4-decimal) figures.
    published_ranks : mapping of str to float
        Printed mean rank per entry.
    published_metric_ranks : mapping of str to mapping of str to int
        Printed rank per entry and metric.
    rank_decimals : int
        Decimals of the printed mean ranks.
    rank_rounding : {"round", "truncate", "either"}
        How the book shortened the mean ranks; ``either`` when no printed value
        tells the two apart (every mean rank is a whole number or ends in .33).
    notes : tuple of str
    """

    name: str
    track: Track
    source: str
    entries: tuple[Entry, ...]
    published_ranks: Mapping[str, float]
    published_metric_ranks: Mapping[str, Mapping[str, int]]
    rank_decimals: int
    rank_rounding: Rounding
    notes: tuple[str, ...] = ()

    def leaderboard(self, **options: Any) -> Leaderboard:
        """Rank the printed figures with :func:`build_leaderboard` ``options``."""
        return build_leaderboard(self.track, self.entries, **options)

    def printed_forms(self, mean_rank: float) -> set[float]:
        """How the book could print ``mean_rank`` (one value, two for ``either``)."""
        modes = ("round", "truncate") if self.rank_rounding == "either" else (self.rank_rounding,)
        return {shorten(mean_rank, self.rank_decimals, mode) for mode in modes}

    def compare(self, lb: Leaderboard) -> tuple[Mismatch, ...]:
        """Every cell where ``lb`` disagrees with the printed table.

        Compares, per entry: each ranked metric's rank, the mean rank as the book
        prints it (:meth:`printed_forms`), and the place in the listing.
        """
        listed = [e.name for e in self.entries]
        computed_order = [r.name for r in lb.rows]
        mismatches = []
        for row in lb.rows:
            printed = self.published_ranks[row.name]
            if printed not in self.printed_forms(row.mean_rank):
                mismatches.append(Mismatch(row.name, "mean_rank", printed, row.mean_rank))
            for metric in lb.metrics:
                printed = self.published_metric_ranks[row.name][metric]
                if printed != row.ranks[metric]:
                    mismatches.append(Mismatch(row.name, metric, printed, row.ranks[metric]))
            place, computed = listed.index(row.name) + 1, computed_order.index(row.name) + 1
            if place != computed:
                mismatches.append(Mismatch(row.name, "order", place, computed))
        return tuple(mismatches)


def shorten(value: float, decimals: int, mode: Literal["round", "truncate"]) -> float:
    """``value`` rounded half-up or truncated to ``decimals`` decimals, as printed.

    >>> shorten(8 / 3, 1, "round"), shorten(8 / 3, 1, "truncate"), shorten(14 / 3, 4, "truncate")
    (2.7, 2.6, 4.6666)
    """
    quantum = Decimal(1).scaleb(-decimals)
    rounding = ROUND_HALF_UP if mode == "round" else ROUND_DOWN
    return float(Decimal(repr(value)).quantize(quantum, rounding=rounding))


def _load_book_data(name: str) -> Any:
    if name not in BOOK_TABLES:
        raise InputError(f"{BOOK_PREFIX}{name}", "is not a packaged book table",
                         f"use one of {', '.join(BOOK_TABLES)}")
    text = resources.files(__package__).joinpath("book_tables", f"{name}.json").read_text(
        encoding="utf-8")
    return json.loads(text)  # raw, as a score file: _parse_scores reads the values


def load_book_table(name: str) -> BookTable:
    """Load one of :data:`BOOK_TABLES`.

    >>> table = load_book_table("track2_test_table9")
    >>> table.track.value, [e.name for e in table.entries][:2]
    ('captions', ['SanghyunWoo', 'hcilab'])
    """
    data = _load_book_data(name)
    track, entries = _parse_scores(f"{BOOK_PREFIX}{name}", data, default_name=name)
    items = data["entries"]
    return BookTable(
        name=name,
        track=track,
        source=data["source"],
        entries=tuple(entries),
        published_ranks={i["name"]: float(i["published_rank"]) for i in items},
        published_metric_ranks={i["name"]: dict(i["published_metric_ranks"]) for i in items},
        rank_decimals=int(data["rank_decimals"]),
        rank_rounding=data["rank_rounding"],
        notes=tuple(data.get("notes", ())),
    )


# --- Terminal rendering -----------------------------------------------------------


def format_rank(rank: float) -> str:
    """``1`` for whole ranks, ``1.5`` otherwise."""
    return str(int(rank)) if float(rank).is_integer() else f"{rank:g}"


def format_value(metric: str, value: float | None) -> str:
    """A metric value with the book's 4 decimals (``inf``/``nan`` as words, ``–`` if missing)."""
    if value is None:
        return "–"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.{METRIC_DECIMALS.get(metric, VALUE_DECIMALS)}f}"


_ARROWS: Mapping[str, str] = MappingProxyType({"lower": "↓", "higher": "↑"})


def leaderboard_table(lb: Leaderboard, title: str | Text | None = None) -> Table:
    """A rich table of ``lb`` in the book's layout: ``value (rank)`` per metric.

    Headers carry the direction used (``DSSIM ↑`` under the historical preset);
    reference rows are in italics; the caption states the ranked metrics, the tie
    rule, the preset and the notes. Every string from the data (names, metric
    names, notes, a ``str`` title) is shown literally, never read as rich markup:
    a submission named ``[bold]x`` or ``a[/]b`` prints as such. Pass a
    :class:`rich.text.Text` title to style it.
    """
    if title is None:
        title = f"Leaderboard — {lb.track.value} (track {lb.track.number})"
    table = Table(title=Text(title) if isinstance(title, str) else title)
    table.add_column("#", justify="right")
    table.add_column("Name")
    table.add_column("Rank", justify="right")
    for column in lb.columns:
        label = METRIC_LABELS.get(column, column)
        ranked = column in lb.metrics
        table.add_column(Text(f"{label} {_ARROWS[lb.directions[column]]}" if ranked else label),
                         justify="right", style=None if ranked else "dim")
    for row in lb.rows:
        cells = [str(row.position), Text(row.name), f"{row.mean_rank:.{MEAN_RANK_DECIMALS}f}"]
        for column in lb.columns:
            text = format_value(column, row.values.get(column))
            if column in row.ranks:
                text += f" ({format_rank(row.ranks[column])})"
            cells.append(text)
        table.add_row(*cells, style="italic" if row.reference else None)
    caption = [f"rank = mean of the {', '.join(METRIC_LABELS.get(m, m) for m in lb.metrics)} "
               f"ranks; ties: {lb.ties}"]
    if lb.preset:
        caption.append(f"preset: {lb.preset}")
    if any(r.reference for r in lb.rows):
        caption.append("italic: reference entries, ranked without displacing the others")
    table.caption = Text("; ".join(caption) + "".join(f"\n{note}" for note in lb.notes))
    return table


__all__ = [
    "BOOK_TABLES", "CUSTOM_METRIC_RANGE", "DEFAULT_DIRECTIONS", "DIRECTIONS", "EXTRA_COLUMNS",
    "METRIC_RANGES", "NON_METRIC_KEYS", "PRESETS", "PRIMARY_METRICS", "SECONDARY_METRICS",
    "TIE_RULES", "BookTable", "Direction", "Entry", "Leaderboard", "Mismatch", "Preset", "Row",
    "TieRule", "ValueRange", "build_leaderboard",
    "format_rank", "format_value", "leaderboard_from_files", "leaderboard_table",
    "load_book_table", "parse_directions", "rank_values", "read_score_file",
    "read_score_files", "resolve_directions", "shorten", "write_leaderboard",
]
