"""Tests of the leaderboard: ranking rules, files, and the book's published tables."""

from __future__ import annotations

import csv
import io
import json
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.atomic import write_json_atomic
from inpaintbench.scoring import leaderboard as lbmod
from inpaintbench.scoring.leaderboard import (
    BOOK_TABLES,
    DEFAULT_DIRECTIONS,
    METRIC_RANGES,
    NON_METRIC_KEYS,
    PRESETS,
    Entry,
    Leaderboard,
    build_leaderboard,
    leaderboard_from_files,
    leaderboard_table,
    load_book_table,
    parse_directions,
    rank_values,
    read_score_file,
    read_score_files,
    resolve_directions,
    shorten,
    write_leaderboard,
)
from inpaintbench.tracks import Track

HISTORICAL = {"preset": "historical-2018", "ties": "ordinal"}


def cells(mismatches) -> set[tuple[str, str]]:
    """(name, column) of every mismatch, for exact set comparisons."""
    return {(m.name, m.column) for m in mismatches}


def captions(name: str, mse: float, psnr: float, dssim: float, **extra: float) -> Entry:
    return Entry(name, {"mse": mse, "psnr": psnr, "dssim": dssim, **extra})


# --- rank_values ------------------------------------------------------------------


@pytest.mark.parametrize(("ties", "expected"), [
    ("min", [2.0, 1.0, 2.0, 4.0]),
    ("average", [2.5, 1.0, 2.5, 4.0]),
    ("ordinal", [2.0, 1.0, 3.0, 4.0]),
])
def test_tie_rules(ties, expected):
    assert rank_values([0.2, 0.1, 0.2, 0.3], "lower", ties) == expected


def test_ordinal_ties_follow_input_order_in_both_directions():
    assert rank_values([5.0, 5.0, 5.0], "higher", "ordinal") == [1.0, 2.0, 3.0]
    assert rank_values([1.0, 5.0, 5.0], "higher", "ordinal") == [3.0, 1.0, 2.0]


def test_direction_reverses_ranks():
    values = [0.3, 0.1, 0.2]
    assert rank_values(values, "lower") == [3.0, 1.0, 2.0]
    assert rank_values(values, "higher") == [1.0, 3.0, 2.0]


def test_ranks_use_full_precision():
    # 0.01584 and 0.01581 both print as 0.0158; the hidden digits decide.
    assert rank_values([0.01584, 0.01581], "lower") == [2.0, 1.0]


def test_infinite_penalty_ranks_last_when_lower_is_better():
    assert rank_values([math.inf, 0.02, 0.01], "lower") == [3.0, 2.0, 1.0]
    assert rank_values([math.inf, math.inf, 0.01], "lower") == [2.0, 2.0, 1.0]


def test_infinite_psnr_of_a_perfect_prediction_ranks_first():
    assert rank_values([30.0, math.inf, 0.0], "higher") == [2.0, 1.0, 3.0]
    assert rank_values([-math.inf, 1.0], "higher") == [2.0, 1.0]


@pytest.mark.parametrize("direction", ["lower", "higher"])
def test_nan_ranks_last_whatever_the_direction(direction):
    ranks = rank_values([math.nan, 0.5, math.inf, -math.inf, math.nan], direction, "min")
    assert ranks[0] == ranks[4] == 4.0  # NaNs tie with each other, after all numbers
    assert sorted(ranks[1:4]) == [1.0, 2.0, 3.0]


def test_bad_direction_and_tie_rule_are_refused():
    with pytest.raises(ValueError, match="'lower' or 'higher'"):
        rank_values([1.0], "smaller")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tie rule"):
        rank_values([1.0], "lower", "dense")  # type: ignore[arg-type]


# --- directions -------------------------------------------------------------------


def test_default_directions_are_the_correct_ones():
    assert dict(DEFAULT_DIRECTIONS) == {
        "mse": "lower", "psnr": "higher", "dssim": "lower", "ssim": "higher",
        "ssim_dr1": "higher", "wnjd": "lower", "seconds_per_clip": "lower",
        "clips_in_budget": "higher",
    }


def test_default_directions_rank_the_closer_prediction_first():
    """A perfect and a slightly noisy prediction beat a noisier one on every metric."""
    from inpaintbench.scoring.metrics import FINGERPRINT_SSIM, dssim, mse, psnr, ssim

    rng = np.random.default_rng(2018)
    truth = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)

    def noisy(amplitude: int) -> np.ndarray:
        noise = rng.integers(-amplitude, amplitude + 1, truth.shape)
        return np.clip(truth.astype(int) + noise, 0, 255).astype(np.uint8)

    predictions = [noisy(60), truth, noisy(8)]  # worst, perfect, good
    figures = {
        "mse": [mse(truth, p) for p in predictions],
        "psnr": [psnr(truth, p) for p in predictions],  # inf for the perfect one
        "dssim": [dssim(truth, p) for p in predictions],
        "ssim": [ssim(truth, p) for p in predictions],
        "ssim_dr1": [ssim(truth[..., 0], p[..., 0], FINGERPRINT_SSIM) for p in predictions],
    }
    for metric, values in figures.items():
        assert rank_values(values, DEFAULT_DIRECTIONS[metric]) == [3.0, 1.0, 2.0], metric


def test_direction_override_and_preset():
    assert resolve_directions("captions")["dssim"] == "lower"
    assert resolve_directions("captions", preset="historical-2018")["dssim"] == "higher"
    # The 2018 track-1 and track-3 leaderboards used the correct directions.
    assert resolve_directions("humans", preset="historical-2018") == dict(DEFAULT_DIRECTIONS)
    assert resolve_directions("fingerprints", preset="historical-2018") == dict(DEFAULT_DIRECTIONS)
    # Explicit overrides win over the preset.
    both = resolve_directions("captions", {"dssim": "lower"}, preset="historical-2018")
    assert both["dssim"] == "lower"
    assert resolve_directions(Track.HUMANS, {"wnjd": "higher"})["wnjd"] == "higher"
    assert "historical-2018" in PRESETS
    with pytest.raises(ValueError, match="unknown preset"):
        resolve_directions("captions", preset="2019")
    with pytest.raises(ValueError, match="bad direction"):
        resolve_directions("captions", {"dssim": "up"})


def test_override_flips_a_leaderboard():
    entries = [captions("a", 0.001, 33.0, 0.04), captions("b", 0.002, 32.0, 0.06)]
    assert [r.name for r in build_leaderboard("captions", entries).rows] == ["a", "b"]
    flipped = build_leaderboard("captions", entries, directions={"dssim": "higher"})
    assert flipped.row("b").ranks == {"mse": 2.0, "psnr": 2.0, "dssim": 1.0}
    assert flipped.directions["dssim"] == "higher"


def test_parse_directions():
    assert parse_directions(["dssim=higher", " MSE = Lower "]) == {"dssim": "higher",
                                                                   "MSE": "lower"}
    for bad in ("dssim", "dssim=up", "=higher"):
        with pytest.raises(ValueError, match="direction"):
            parse_directions([bad])


# --- build_leaderboard ------------------------------------------------------------


def test_mean_rank_position_and_order():
    entries = [captions("a", 0.003, 30.0, 0.05), captions("b", 0.001, 31.0, 0.07),
               captions("c", 0.002, 32.0, 0.04)]
    lb = build_leaderboard("captions", entries)
    # a: 3, 3, 2 → 8/3; b: 1, 2, 3 → 2; c: 2, 1, 1 → 4/3
    assert [(r.name, r.position) for r in lb.rows] == [("c", 1), ("b", 2), ("a", 3)]
    assert lb.row("a").mean_rank == pytest.approx(8 / 3)
    assert lb.metrics == ("mse", "psnr", "dssim")


def test_equal_mean_ranks_share_a_position_and_keep_input_order():
    entries = [captions("x", 0.002, 32.0, 0.05), captions("y", 0.001, 31.0, 0.05),
               captions("z", 0.003, 30.0, 0.06)]
    lb = build_leaderboard("captions", entries)
    # x: 2, 1, 1 → 4/3; y: 1, 2, 1 → 4/3; z: 3, 3, 3
    assert [(r.name, r.position) for r in lb.rows] == [("x", 1), ("y", 1), ("z", 3)]
    swapped = build_leaderboard("captions", entries[1::-1] + entries[2:])
    assert [r.name for r in swapped.rows] == ["y", "x", "z"]


def test_penalised_entry_ranks_last():
    entries = [captions("broken", math.inf, 0.0, 0.5), captions("ok", 0.002, 30.0, 0.05),
               captions("odd", math.nan, math.nan, math.nan)]
    lb = build_leaderboard("captions", entries)
    assert [r.name for r in lb.rows] == ["ok", "broken", "odd"]
    assert lb.row("odd").ranks == {"mse": 3.0, "psnr": 3.0, "dssim": 3.0}


def test_metric_joins_the_mean_only_when_every_entry_has_it():
    entries = [Entry("a", {"mse": 0.01, "dssim": 0.2, "wnjd": 0.15}),
               Entry("b", {"mse": 0.02, "dssim": 0.1, "wnjd": 0.14, "psnr": 20.0})]
    lb = build_leaderboard("humans", entries)
    assert lb.metrics == ("mse", "dssim", "wnjd")
    assert lb.columns == ("mse", "dssim", "wnjd", "psnr")  # psnr shown, not ranked
    assert lb.row("a").values["psnr"] is None
    assert lb.notes == ("psnr is not ranked: missing from a",)


def test_secondary_speed_is_the_clips_done_within_the_budget():
    """The challenge's speed ranking: clips within a fixed time; seconds are only shown."""
    entries = [captions("a", 0.001, 33.0, 0.04, seconds_per_clip=9.0, clips_in_budget=3.0),
               captions("b", 0.002, 32.0, 0.05, seconds_per_clip=1.0, clips_in_budget=20.0)]
    lb = build_leaderboard("captions", entries)
    assert lb.metrics == ("mse", "psnr", "dssim", "clips_in_budget")
    assert lb.columns == (*lb.metrics, "seconds_per_clip")
    assert lb.row("b").ranks["clips_in_budget"] == 1.0
    assert lb.row("a").mean_rank == pytest.approx(5 / 4)
    unbudgeted = build_leaderboard("captions", [
        captions("a", 0.001, 33.0, 0.04, seconds_per_clip=9.0),
        captions("b", 0.002, 32.0, 0.05, seconds_per_clip=1.0)])
    assert unbudgeted.metrics == ("mse", "psnr", "dssim")  # no budget run: speed unranked
    assert unbudgeted.row("b").values["seconds_per_clip"] == 1.0


def test_fingerprints_show_ssim_dr1_without_ranking_it():
    entries = [Entry("a", {"mse": 0.02, "psnr": 17.0, "ssim": 0.84, "ssim_dr1": 0.5}),
               Entry("b", {"mse": 0.03, "psnr": 16.0, "ssim": 0.80, "ssim_dr1": 0.6})]
    lb = build_leaderboard("fingerprints", entries)
    assert lb.metrics == ("mse", "psnr", "ssim")
    assert lb.columns[-1] == "ssim_dr1" and "ssim_dr1" not in lb.row("a").ranks


def test_caller_chooses_the_metrics():
    entries = [captions("a", 0.001, 30.0, 0.05), captions("b", 0.002, 31.0, 0.04)]
    lb = build_leaderboard("captions", entries, metrics=["psnr"])
    assert lb.metrics == ("psnr",) and [r.name for r in lb.rows] == ["b", "a"]
    with pytest.raises(InputError, match="no 'wnjd' value"):
        build_leaderboard("captions", entries, metrics=["mse", "wnjd"])
    custom = [Entry("a", {"lpips": 0.2}), Entry("b", {"lpips": 0.1})]
    with pytest.raises(ValueError, match="no direction for metric 'lpips'"):
        build_leaderboard("captions", custom, metrics=["lpips"])
    lb = build_leaderboard("captions", custom, metrics=["lpips"], directions={"lpips": "lower"})
    assert [r.name for r in lb.rows] == ["b", "a"]


def test_no_common_metric_and_no_entries_are_errors():
    with pytest.raises(InputError, match="no captions metric is present in every entry"):
        build_leaderboard("captions", [Entry("a", {"mse": 1.0}), Entry("b", {"psnr": 1.0})])
    with pytest.raises(InputError, match="no entries"):
        build_leaderboard("captions", [])


def test_duplicate_names_are_refused_by_the_ranker():
    entries = [captions("a", 0.001, 30.0, 0.05), captions("a", 0.002, 31.0, 0.04)]
    with pytest.raises(InputError, match="'a' is already used"):
        build_leaderboard("captions", entries)


def test_reference_entry_does_not_displace_the_others():
    entries = [captions("p1", 0.001, 33.0, 0.04), captions("base", 0.0015, 32.5, 0.045),
               captions("p2", 0.002, 32.0, 0.05)]
    lb = build_leaderboard("captions", entries, reference=["base"])
    assert lb.row("p2").ranks == {"mse": 2.0, "psnr": 2.0, "dssim": 2.0}
    assert lb.row("base").ranks == {"mse": 2.0, "psnr": 2.0, "dssim": 2.0}
    assert lb.row("base").reference and not lb.row("p2").reference
    assert [(r.name, r.position) for r in lb.rows] == [("p1", 1), ("base", 2), ("p2", 2)]
    # Two references are each slotted in among the others, never against each other.
    entries.insert(1, captions("base2", 0.0012, 32.8, 0.042))
    lb = build_leaderboard("captions", entries, reference=["base", "base2"])
    assert lb.row("base").ranks["mse"] == lb.row("base2").ranks["mse"] == 2.0
    with pytest.raises(ValueError, match="unknown reference entry nobody"):
        build_leaderboard("captions", entries, reference=["nobody"])


# --- files ------------------------------------------------------------------------


def score_file(folder, track="captions", **metrics):
    path = folder / "scores.json"
    write_json_atomic(path, {"track": track, **metrics, "n_samples": 10, "n_penalised": 0,
                             "per_sample": [], "problems": [], "settings": {}})
    return path


def test_score_files_are_named_by_key_folder_or_stem(tmp_path):
    named = score_file(tmp_path / "one", mse=0.001, psnr=33.0, dssim=0.04, name="Team A")
    unnamed = score_file(tmp_path / "two", mse=0.002, psnr=32.0, dssim=0.05)
    other = tmp_path / "three.json"
    write_json_atomic(other, {"track": "2", "mse": 0.003, "psnr": 31.0, "dssim": 0.06})
    track, entries = read_score_files([named, unnamed.parent, other])
    assert track is Track.CAPTIONS
    assert [e.name for e in entries] == ["Team A", "two", "three"]
    assert entries[1].source == str(unnamed)
    assert entries[0].values["mse"] == 0.001


def test_duplicate_names_across_files_get_a_suffix(tmp_path):
    paths = [score_file(tmp_path / f"run{i}" / "sub", mse=0.001 * (i + 1), psnr=30.0, dssim=0.05)
             for i in range(3)]
    _, entries = read_score_files(paths)
    assert [e.name for e in entries] == ["sub", "sub#2", "sub#3"]


def test_infinite_penalty_survives_the_file(tmp_path):
    path = score_file(tmp_path / "broken", track="fingerprints", mse=math.inf, psnr=0.0, ssim=0.0)
    assert '"inf"' in path.read_text()
    _, [entry] = read_score_files([path])
    assert entry.values["mse"] == math.inf


def test_mixed_tracks_are_refused(tmp_path):
    a = score_file(tmp_path / "a", track="captions", mse=0.001, psnr=30.0, dssim=0.05)
    b = score_file(tmp_path / "b", track="fingerprints", mse=0.02, psnr=16.0, ssim=0.8)
    with pytest.raises(InputError, match="fingerprints file, but .* captions file") as info:
        read_score_files([a, b])
    assert info.value.path == b


@pytest.mark.parametrize(("content", "rule"), [
    (None, "no such file"),
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "is not a JSON object"),
    ('{"mse": 0.1}', "has no 'track' key"),
    ('{"track": "video", "mse": 0.1}', "bad 'track'"),
    ('{"track": "captions", "mse": "low"}', "'mse' must be a number"),
    ('{"track": "captions", "entries": []}', "'entries' must be a non-empty list"),
    ('{"track": "captions", "entries": [{"mse": 0.1}]}', "entry 1 has no 'name'"),
])
def test_bad_files_name_the_file_and_the_rule(tmp_path, content, rule):
    path = tmp_path / "scores.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=rule) as info:
        read_score_file(path)
    assert info.value.path == path
    assert str(path) in str(info.value)


def test_folder_without_scores_json_is_an_error(tmp_path):
    with pytest.raises(InputError, match="folder without a scores.json"):
        read_score_file(tmp_path)


def test_table_file_and_book_prefix(tmp_path):
    table = tmp_path / "table.json"
    table.write_text(json.dumps({"track": "captions", "source": "test", "entries": [
        {"name": "a", "mse": 0.001, "psnr": 33.0, "dssim": 0.04, "published_rank": 1.0},
        {"name": "b", "mse": 0.002, "psnr": 32.0, "dssim": 0.05}]}))
    lb = leaderboard_from_files([table])
    assert [r.name for r in lb.rows] == ["a", "b"]
    assert lb.metrics == ("mse", "psnr", "dssim")  # published_rank is never ranked by default
    book = leaderboard_from_files(["book:track2_test_table9"], **HISTORICAL)
    assert [r.name for r in book.rows][:2] == ["SanghyunWoo", "hcilab"]
    with pytest.raises(InputError, match="not a packaged book table"):
        read_score_file("book:table99")


# --- hostile files: values ----------------------------------------------------------


def write_raw(path, text: str):
    """Write ``text`` as is (no ``to_jsonable``: the file may be malformed on purpose)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def scores_text(track="captions", name=None, **values: str) -> str:
    """A scores.json body; ``values`` are raw JSON texts (``'"inf"'``, ``"NaN"``, ``"-1"``)."""
    fields = [f'"track": "{track}"'] + ([f'"name": {json.dumps(name)}'] if name else [])
    fields += [f'"{key}": {text}' for key, text in values.items()]
    fields += ['"n_samples": 10', '"n_penalised": 0', '"per_sample": []']
    return "{" + ", ".join(fields) + "}"


def table_text(track: str, *entries: str) -> str:
    return f'{{"track": "{track}", "entries": [{", ".join(entries)}]}}'


# The values of every known metric's range that pass, and some that must not.
TRACK_OF = {"mse": "captions", "psnr": "captions", "dssim": "captions", "ssim": "fingerprints",
            "ssim_dr1": "fingerprints", "wnjd": "humans", "seconds_per_clip": "captions",
            "clips_in_budget": "captions"}
IN_RANGE = [("mse", "0", 0.0), ("mse", '"inf"', math.inf), ("mse", "1e999", math.inf),
            ("mse", "1" + "0" * 400, math.inf), ("psnr", "0.0", 0.0),
            ("psnr", '"inf"', math.inf), ("psnr", "Infinity", math.inf), ("dssim", "0", 0.0),
            ("dssim", "1", 1.0), ("ssim", "-1", -1.0), ("ssim", "1", 1.0),
            ("ssim_dr1", "-1.0", -1.0), ("wnjd", "0", 0.0), ("wnjd", "123.5", 123.5),
            ("seconds_per_clip", "0", 0.0), ("clips_in_budget", "0", 0.0),
            ("clips_in_budget", "90000", 90000.0)]
OUT_OF_RANGE = [("mse", '"nan"'), ("mse", "NaN"), ("mse", "-0.001"), ("mse", '"-inf"'),
                ("psnr", "-1"), ("psnr", '"nan"'), ("psnr", '"-inf"'), ("dssim", "-0.1"),
                ("dssim", "1.5"), ("dssim", '"inf"'), ("ssim", "-1.5"), ("ssim", "1.01"),
                ("ssim", '"inf"'), ("ssim_dr1", "2"), ("ssim_dr1", '"NaN"'), ("wnjd", '"inf"'),
                ("wnjd", "-0.1"), ("wnjd", '"nan"'), ("seconds_per_clip", '"inf"'),
                ("seconds_per_clip", "-1"), ("seconds_per_clip", "-Infinity"),
                ("clips_in_budget", "-1"), ("clips_in_budget", '"inf"')]
NOT_A_NUMBER = ["true", "false", '"low"', '"0.1"', "[0.1]", '{"mean": 0.1}', '"Inf"']


def test_every_known_metric_has_a_range():
    assert set(METRIC_RANGES) == set(DEFAULT_DIRECTIONS)
    assert math.inf in METRIC_RANGES["mse"] and math.inf in METRIC_RANGES["psnr"]
    assert math.inf not in METRIC_RANGES["wnjd"] and -0.0 in METRIC_RANGES["wnjd"]
    assert all(math.nan not in r and -math.inf not in r for r in METRIC_RANGES.values())
    assert str(METRIC_RANGES["dssim"]) == "in [0, 1]"
    assert str(METRIC_RANGES["seconds_per_clip"]) == "finite and ≥ 0"


@pytest.mark.parametrize(("metric", "text", "expected"), IN_RANGE)
@pytest.mark.parametrize("layout", ["scores", "table"])
def test_values_in_range_are_read(tmp_path, layout, metric, text, expected):
    track = TRACK_OF[metric]
    body = (scores_text(track, **{metric: text}) if layout == "scores" else
            table_text(track, f'{{"name": "x", "{metric}": {text}}}'))
    _, [entry] = read_score_file(write_raw(tmp_path / "scores.json", body))
    assert entry.values[metric] == expected


@pytest.mark.parametrize(("metric", "text"), OUT_OF_RANGE)
@pytest.mark.parametrize("layout", ["scores", "table"])
def test_values_out_of_range_are_refused_naming_file_entry_and_metric(tmp_path, layout, metric,
                                                                      text):
    track = TRACK_OF[metric]
    body = (scores_text(track, name="team", **{metric: text}) if layout == "scores" else
            table_text(track, '{"name": "ok", "mse": 0.1}',
                       f'{{"name": "team", "{metric}": {text}}}'))
    path = write_raw(tmp_path / "sub" / "scores.json", body)
    with pytest.raises(InputError, match=f"'{metric}' must be ") as info:
        leaderboard_from_files([path])
    assert info.value.path == path and str(path) in str(info.value)
    assert "'team'" in str(info.value) and str(METRIC_RANGES[metric]) in str(info.value)
    if layout == "table":
        assert "entry 2 ('team')" in str(info.value)


@pytest.mark.parametrize("text", NOT_A_NUMBER)
@pytest.mark.parametrize("layout", ["scores", "table"])
def test_known_metric_that_is_no_number_is_refused(tmp_path, layout, text):
    body = (scores_text(name="team", mse=text, psnr="30", dssim="0.1") if layout == "scores"
            else table_text("captions", f'{{"name": "team", "mse": {text}}}'))
    path = write_raw(tmp_path / "scores.json", body)
    with pytest.raises(InputError, match="'mse' must be a number") as info:
        read_score_file(path)
    assert info.value.path == path and "'team'" in str(info.value)
    if text in ("true", "false"):
        assert f"a boolean {text}" in str(info.value)


def test_null_is_a_missing_value_not_an_error(tmp_path):
    path = write_raw(tmp_path / "a.json", scores_text(mse="null", psnr="30", dssim="0.1"))
    _, [entry] = read_score_file(path)
    assert "mse" not in entry.values


def test_penalised_and_perfect_entries_rank_from_files(tmp_path):
    """The two infinities the challenge produces are accepted, and rank where they must."""
    paths = [write_raw(tmp_path / "missing.json", scores_text(mse='"inf"', psnr="0",
                                                              dssim="0.5")),
             write_raw(tmp_path / "good.json", scores_text(mse="0.002", psnr="30", dssim="0.05")),
             write_raw(tmp_path / "perfect.json", scores_text(mse="0", psnr='"inf"', dssim="0"))]
    lb = leaderboard_from_files(paths)
    assert [r.name for r in lb.rows] == ["perfect", "good", "missing"]
    assert lb.row("missing").values["mse"] == math.inf
    assert lb.row("perfect").values["psnr"] == math.inf


def test_the_scorers_own_file_reads_back(tmp_path):
    from inpaintbench.scoring.result import ScoreResult

    result = ScoreResult(track=Track.HUMANS, name="inf", metrics={"mse": math.inf, "psnr": 0.0,
                                                                  "dssim": 0.5},
                         per_sample=[{"name": "0001", "penalised": True}],
                         secondary={"wnjd": 1.0})
    path, _ = result.write(tmp_path / "run")
    _, [entry] = read_score_file(path)
    assert entry.name == "inf"
    assert entry.values == {"mse": math.inf, "psnr": 0.0, "dssim": 0.5, "wnjd": 1.0}


def test_bookkeeping_keys_are_not_metrics(tmp_path):
    path = score_file(tmp_path / "a", mse=0.001, psnr=30.0, dssim=0.05)  # n_samples = 10 ...
    _, [entry] = read_score_file(path)
    assert set(entry.values) == {"mse", "psnr", "dssim"}
    assert not set(NON_METRIC_KEYS) & set(entry.values)
    for key in ("n_samples", "n_penalised"):
        with pytest.raises(OptionError, match="not a metric") as info:
            leaderboard_from_files([path], metrics=[key], directions={key: "higher"})
        assert info.value.option == "metrics"
    _, [book] = read_score_file(write_raw(tmp_path / "t.json", table_text(
        "captions", '{"name": "a", "mse": 0.1, "published_rank": 1.0}')))
    assert book.values == {"mse": 0.1}


def test_custom_metrics_are_ranked_only_when_asked_for_and_finite(tmp_path):
    a = write_raw(tmp_path / "a.json", scores_text(mse="0.1", psnr="30", dssim="0.1",
                                                   lpips="0.2", note='"nan"', flag="true"))
    b = write_raw(tmp_path / "b.json", scores_text(mse="0.2", psnr="20", dssim="0.2",
                                                   lpips="0.1", note="3"))
    lb = leaderboard_from_files([a, b])
    assert lb.metrics == ("mse", "psnr", "dssim") and "lpips" not in lb.columns
    _, [entry] = read_score_file(a)
    assert "flag" not in entry.values  # a boolean that is no known metric is no value
    asked = leaderboard_from_files([a, b], metrics=["lpips"], directions={"lpips": "lower"})
    assert [r.name for r in asked.rows] == ["b", "a"]
    with pytest.raises(InputError, match="'note' must be finite") as info:
        leaderboard_from_files([a, b], metrics=["note"], directions={"note": "lower"})
    assert info.value.path == a and "entry 'a'" in str(info.value)
    c = write_raw(tmp_path / "c.json", scores_text(mse="0.3", psnr="10", dssim="0.3",
                                                   lpips='"inf"'))
    with pytest.raises(InputError, match="'lpips' must be finite") as info:
        leaderboard_from_files([a, c], metrics=["mse", "lpips"], directions={"lpips": "lower"})
    assert info.value.path == c and "entry 'c'" in str(info.value)


# --- hostile files: structure -------------------------------------------------------


MALFORMED: list[tuple[str, bytes, str]] = [
    ("empty", b"", "is empty"),
    ("blank", b" \n\t", "is empty"),
    ("latin-1", '{"track": "captions", "name": "é"}'.encode("latin-1"), "is not UTF-8"),
    ("utf-16", '{"track": "captions"}'.encode("utf-16"), "is not UTF-8"),
    ("binary", bytes(range(256)), "is not UTF-8"),
    ("truncated", b'{"track": "captions", "mse": 0.1', "is not valid JSON"),
    ("huge number", b'{"track": "captions", "mse": ' + b"9" * 5000 + b"}", "is not valid JSON"),
    ("deep", b"[" * 100_000, "is not valid JSON"),
    ("list", b'[{"track": "captions"}]', "is not a JSON object .it is a list"),
    ("number", b"3.5", "is not a JSON object .it is a number"),
    ("null", b"null", "is not a JSON object .it is null"),
    ("string", b'"captions"', "is not a JSON object .it is a string"),
    ("no track", b'{"mse": 0.1}', "has no 'track' key"),
    ("unknown track", b'{"track": "video", "mse": 0.1}', "bad 'track'"),
    ("track list", b'{"track": [2], "mse": 0.1}', "bad 'track': a string or a number"),
    ("track object", b'{"track": {"id": 2}, "mse": 0.1}', "bad 'track': a string or a number"),
    ("track boolean", b'{"track": true, "mse": 0.1}', "bad 'track': a string or a number"),
    ("track null", b'{"track": null, "mse": 0.1}', "bad 'track': a string or a number"),
    ("track nan", b'{"track": NaN, "mse": 0.1}', "bad 'track'"),
    ("name number", b'{"track": "captions", "name": 5, "mse": 0.1}',
     "'name' must be a non-empty string, got a number 5"),
    ("name list", b'{"track": "captions", "name": ["a"], "mse": 0.1}',
     "'name' must be a non-empty string"),
    ("name false", b'{"track": "captions", "name": false, "mse": 0.1}',
     "'name' must be a non-empty string"),
    ("entries empty", b'{"track": "captions", "entries": []}',
     "'entries' must be a non-empty list of objects, got an empty list"),
    ("entries object", b'{"track": "captions", "entries": {"a": {"mse": 0.1}}}',
     "'entries' must be a non-empty list of objects, got an object"),
    ("entries string", b'{"track": "captions", "entries": "a"}',
     "'entries' must be a non-empty list of objects, got a string"),
    ("entries null", b'{"track": "captions", "entries": null}',
     "'entries' must be a non-empty list of objects, got null"),
    ("entry number", b'{"track": "captions", "entries": [1]}', "entry 1 is not an object"),
    ("entry null", b'{"track": "captions", "entries": [{"name": "a"}, null]}',
     "entry 2 is not an object"),
    ("entry list", b'{"track": "captions", "entries": [["a", 0.1]]}', "entry 1 is not an object"),
    ("entry nameless", b'{"track": "captions", "entries": [{"mse": 0.1}]}',
     "entry 1 has no 'name'"),
    ("entry name empty", b'{"track": "captions", "entries": [{"name": "", "mse": 0.1}]}',
     "entry 1: 'name' must be a non-empty string"),
    ("entry name number", b'{"track": "captions", "entries": [{"name": 7, "mse": 0.1}]}',
     "entry 1: 'name' must be a non-empty string, got a number 7"),
    ("entry name inf", b'{"track": "captions", "entries": [{"name": Infinity}]}',
     "entry 1: 'name' must be a non-empty string, got a number"),
]


@pytest.mark.parametrize(("content", "rule"), [(c, r) for _, c, r in MALFORMED],
                         ids=[i for i, _, _ in MALFORMED])
def test_malformed_files_are_refused_naming_the_file(tmp_path, content, rule):
    path = tmp_path / "scores.json"
    path.write_bytes(content)
    for read in (read_score_file, lambda p: leaderboard_from_files([p])):
        with pytest.raises(InputError, match=rule) as info:
            read(path)
        assert info.value.path == path and str(path) in str(info.value)


def test_folders_and_special_files_are_refused_naming_them(tmp_path):
    with pytest.raises(InputError, match="folder without a scores.json") as info:
        leaderboard_from_files([tmp_path])
    assert info.value.path == tmp_path
    (tmp_path / "run" / "scores.json").mkdir(parents=True)  # a folder named scores.json
    with pytest.raises(InputError, match="folder without a scores.json"):
        read_score_file(tmp_path / "run")
    with pytest.raises(InputError, match="folder without a scores.json"):
        read_score_file(tmp_path / "run" / "scores.json")
    if hasattr(os, "mkfifo"):  # a pipe would block a reader: refused before reading
        os.mkfifo(tmp_path / "pipe.json")
        with pytest.raises(InputError, match="is not a regular file") as info:
            read_score_file(tmp_path / "pipe.json")
        assert info.value.path == tmp_path / "pipe.json"
    long = tmp_path / ("x" * 5000)
    with pytest.raises(InputError) as info:
        read_score_file(long)
    assert info.value.path == long


def test_no_file_and_a_single_path(tmp_path):
    with pytest.raises(InputError, match="no score file given"):
        read_score_files([])
    path = score_file(tmp_path / "solo", mse=0.001, psnr=30.0, dssim=0.05)
    assert [e.name for e in read_score_files(path)[1]] == ["solo"]  # not its characters
    assert [e.name for e in read_score_files(str(path))[1]] == ["solo"]


def test_a_bom_is_tolerated(tmp_path):
    path = tmp_path / "scores.json"
    path.write_bytes(b"\xef\xbb\xbf" + scores_text(mse="0.1", psnr="30", dssim="0.1").encode())
    assert read_score_file(path)[0] is Track.CAPTIONS


def test_a_table_mixed_with_a_book_table_of_another_track_is_refused(tmp_path):
    table = write_raw(tmp_path / "fp.json", table_text("3", '{"name": "a", "mse": 0.1}'))
    with pytest.raises(InputError, match="fingerprints file, but book:track2_test_table9 is a "
                                         "captions file") as info:
        leaderboard_from_files(["book:track2_test_table9", table])
    assert info.value.path == table


JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats()
                | st.sampled_from(["inf", "-inf", "nan", "NaN", "captions", "2", "", "[/]"]))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                           max_leaves=8)
KEYS = st.sampled_from(["track", "name", "entries", *DEFAULT_DIRECTIONS, "n_samples", "lpips"])
ENTRY = st.dictionaries(KEYS, JSON_VALUES, max_size=6)
DOCUMENT = (st.dictionaries(KEYS, JSON_VALUES | st.lists(ENTRY, max_size=3), max_size=6)
            | JSON_VALUES)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=DOCUMENT)
def test_any_json_is_read_or_refused_with_an_input_error(tmp_path, document):
    """No TypeError, KeyError or AttributeError, whatever the JSON."""
    path = tmp_path / "scores.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    try:
        _, entries = read_score_file(path)
    except InputError as error:
        assert error.path == path
        return
    for entry in entries:
        assert isinstance(entry.name, str) and entry.name
        for metric, value in entry.values.items():
            assert metric not in NON_METRIC_KEYS
            assert metric not in METRIC_RANGES or value in METRIC_RANGES[metric]


# --- names --------------------------------------------------------------------------


HOSTILE_NAMES = ["inf", "-inf", "nan", "NaN", "Infinity", "-Infinity", "[/]", "a[/]b",
                 "[bold]x", "[red]y[/red]", "x[", "]", "foo#2", "#", "0", "1e999"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_are_data(tmp_path, name):
    scores = write_raw(tmp_path / "s.json", scores_text(name=name, mse="0.1", psnr="30",
                                                        dssim="0.1"))
    table = write_raw(tmp_path / "t.json", table_text(
        "captions", json.dumps({"name": name, "mse": 0.2, "psnr": 20, "dssim": 0.2})))
    lb = leaderboard_from_files([scores, table])
    assert [r.name for r in lb.rows] == [name, f"{name}#2"]
    back = Leaderboard.from_json(lb.to_json(tmp_path / "lb.json"))
    assert back == lb and all(isinstance(r.name, str) for r in back.rows)
    rows = list(csv.DictReader(io.StringIO(lb.to_csv_text())))
    assert [r["name"] for r in rows] == [name, f"{name}#2"]
    text = render(leaderboard_table(lb))
    assert name in text and f"{name}#2" in text


def render(table) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(table)
    return console.export_text()


def test_rich_table_shows_markup_literally_in_every_cell_header_and_caption():
    entries = [Entry("[bold]x", {"mse": 0.1, "dssim": 0.1, "[m]": 1.0}),
               Entry("a[/]b", {"mse": 0.2, "dssim": 0.2, "psnr": 20.0, "[m]": 2.0})]
    lb = build_leaderboard("captions", entries, reference="a[/]b")
    text = render(leaderboard_table(lb, title="[red]board[/red] [/]"))
    assert "[bold]x" in text and "a[/]b" in text and "[red]board[/red] [/]" in text
    assert "psnr is not ranked: missing from [bold]x" in text  # a note naming the entry
    custom = build_leaderboard("captions", entries, metrics=["[m]"], directions={"[m]": "lower"})
    text = render(leaderboard_table(custom))
    assert "[m] ↓" in text and "[m]" in text


@pytest.mark.parametrize("names", [
    ["foo", "foo", "foo#2"],
    ["foo#2", "foo", "foo"],
    ["foo", "foo", "foo", "foo#2", "foo#3"],
    ["a#2", "a", "a#2", "a", "a#2#2"],
    ["#", "#", "##2", "#2"],
])
def test_suffixed_names_never_collide(tmp_path, names):
    paths = [write_raw(tmp_path / f"{i}.json", table_text(
        "captions", json.dumps({"name": n, "mse": 0.1 * (i + 1)}))) for i, n in enumerate(names)]
    _, entries = read_score_files(paths)
    got = [e.name for e in entries]
    assert len(set(got)) == len(got)
    assert got[names.index(names[0])] == names[0]  # the first of each name keeps it
    assert all(got[names.index(n)] == n for n in set(names))
    assert all(g.startswith(n) for g, n in zip(got, names, strict=True))
    build_leaderboard("captions", entries)  # the ranker's own uniqueness check passes


@given(names=st.lists(st.text(alphabet="a#23", min_size=1, max_size=4), min_size=1, max_size=8))
def test_disambiguated_names_are_unique_and_keep_first_occurrences(names):
    entries = lbmod._disambiguate([Entry(n, {"mse": 0.1}) for n in names])
    got = [e.name for e in entries]
    assert len(set(got)) == len(got)
    assert all(got[names.index(n)] == n for n in set(names))


# --- options ------------------------------------------------------------------------


def option_error(call, option: str, *words: str) -> OptionError:
    with pytest.raises(OptionError) as info:
        call()
    assert info.value.option == option, info.value
    assert isinstance(info.value, ValueError)  # callers catching ValueError still work
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    return info.value


TWO = [captions("a", 0.001, 30.0, 0.05), captions("b", 0.002, 31.0, 0.04)]


@pytest.mark.parametrize(("options", "option", "words"), [
    ({"preset": "2019"}, "preset", ("'2019'", "historical-2018")),
    ({"preset": ["historical-2018"]}, "preset", ("historical-2018",)),
    ({"directions": {"dssim": "up"}}, "directions", ("'up'", "'dssim'", "'lower' or 'higher'")),
    ({"directions": {"dssim": None}}, "directions", ("'lower' or 'higher'",)),
    ({"ties": "dense"}, "ties", ("'dense'", "min, average, ordinal")),
    ({"metrics": []}, "metrics", ("empty", "mse")),
    ({"metrics": ["mse", " "]}, "metrics", ("bad metric name",)),
    ({"metrics": [3]}, "metrics", ("bad metric name",)),
    ({"metrics": 3}, "metrics", ("list of metric names",)),
    ({"metrics": ["n_penalised"]}, "metrics", ("not a metric",)),
    ({"reference": ["nobody"]}, "reference", ("nobody", "a, b")),
    ({"reference": [["a"]]}, "reference", ()),
])
def test_bad_options_raise_option_errors_naming_the_keyword(options, option, words):
    option_error(lambda: build_leaderboard("captions", TWO, **options), option, *words)


def test_more_option_errors():
    option_error(lambda: build_leaderboard("video", TWO), "track", "humans")
    option_error(lambda: resolve_directions("captions", preset="2019"), "preset",
                 "historical-2018")
    option_error(lambda: parse_directions(["dssim"]), "directions", "METRIC=lower")
    option_error(lambda: parse_directions(["dssim=up"]), "directions", "'lower' or 'higher'")
    option_error(lambda: rank_values([1.0], "up"), "direction", "'lower' or 'higher'")
    option_error(lambda: rank_values([1.0], "lower", "dense"), "ties", "min, average, ordinal")
    custom = [Entry("a", {"lpips": 0.2}), Entry("b", {"lpips": 0.1})]
    option_error(lambda: build_leaderboard("captions", custom, metrics=["lpips"]), "directions",
                 "no direction for metric 'lpips'", "lpips=lower")


def test_metric_names_may_be_one_string_and_are_stripped():
    assert build_leaderboard("captions", TWO, metrics="psnr").metrics == ("psnr",)
    assert build_leaderboard("captions", TWO, metrics=[" mse", "psnr "]).metrics == ("mse", "psnr")
    assert build_leaderboard("captions", TWO, reference="a").row("a").reference


def test_a_requested_metric_missing_names_the_metric_and_the_entries(tmp_path):
    a = write_raw(tmp_path / "a.json", scores_text(mse="0.1", psnr="30", dssim="0.1",
                                                   lpips="0.2"))
    b = write_raw(tmp_path / "b.json", scores_text(mse="0.2", psnr="20", dssim="0.2"))
    options = {"directions": {"lpips": "lower"}}
    with pytest.raises(InputError, match="entry 'b' has no 'lpips' value") as info:
        leaderboard_from_files([a, b], metrics=["mse", "lpips"], **options)
    assert info.value.path == b and "every entry has mse, psnr, dssim" in str(info.value)
    with pytest.raises(InputError, match="all of the 2 entries") as info:
        leaderboard_from_files([a, b], metrics=["wnjd"])
    message = str(info.value)
    assert info.value.path is None and "'wnjd'" in message
    assert f"'a' ({a})" in message and f"'b' ({b})" in message
    table = write_raw(tmp_path / "t.json", table_text(
        "captions", *(json.dumps({"name": f"e{i}", "mse": 0.1}) for i in range(15))))
    with pytest.raises(InputError, match="all of the 15 entries .'e0', .* and 5 more. have no "
                                         "'psnr' value") as info:
        leaderboard_from_files([table], metrics=["psnr"])
    assert info.value.path == table


# --- output -----------------------------------------------------------------------


def sample_leaderboard() -> Leaderboard:
    entries = [captions("a", 0.0011, 33.3527, 0.0404),
               captions("b", 0.0011, 33.0052, 0.0410),
               captions("base", math.inf, 0.0, 0.5),
               captions("c", 0.0012, 32.0021, 0.0499)]
    return build_leaderboard("captions", entries, ties="average", reference=["base"])


def test_json_round_trip(tmp_path):
    lb = sample_leaderboard()
    json_path, csv_path = write_leaderboard(lb, tmp_path / "out")
    assert json_path.name == "leaderboard.json" and csv_path.name == "leaderboard.csv"
    data = json.loads(json_path.read_text())  # strict JSON: inf stored as a string
    assert data["directions"] == {"mse": "lower", "psnr": "higher", "dssim": "lower"}
    assert data["ties"] == "average"
    assert Leaderboard.from_json(json_path) == lb
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left behind


def test_csv_round_trip(tmp_path):
    lb = sample_leaderboard()
    path = lb.to_csv(tmp_path / "lb.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0]) == ["position", "name", "mean_rank", "mse", "mse_rank", "psnr",
                             "psnr_rank", "dssim", "dssim_rank", "reference"]
    assert [r["name"] for r in rows] == [r.name for r in lb.rows]
    for line, row in zip(rows, lb.rows, strict=True):
        assert int(line["position"]) == row.position
        assert float(line["mean_rank"]) == row.mean_rank  # full precision
        for metric in lb.metrics:
            assert float(line[metric]) == row.values[metric] or math.isnan(row.values[metric])
            assert float(line[f"{metric}_rank"]) == row.ranks[metric]
        assert (line["reference"] == "yes") == row.reference
    assert rows[0]["mse_rank"] == "1.5"  # average ties
    assert rows[-1]["mse"] == "inf"


def test_rich_table_shows_values_ranks_and_directions():
    lb = build_leaderboard("captions", load_book_table("track2_test_table9").entries,
                           **HISTORICAL)
    console = Console(record=True, width=200)
    console.print(leaderboard_table(lb))
    text = console.export_text()
    assert "DSSIM ↑" in text and "MSE ↓" in text and "PSNR ↑" in text
    assert "0.0613 (1)" in text and "33.3527 (1)" in text
    assert "2.67" in text and "ties: ordinal" in text and "historical-2018" in text


# --- the book's published tables --------------------------------------------------


def test_every_book_table_loads():
    tracks = {name: load_book_table(name).track for name in BOOK_TABLES}
    assert tracks == {
        "track1_test_table4": Track.HUMANS,
        "track2_validation_table8": Track.CAPTIONS,
        "track2_test_table9": Track.CAPTIONS,
        "track3_validation_table10": Track.FINGERPRINTS,
        "track3_test_table11": Track.FINGERPRINTS,
        "track3_test_fpdmnet_table5": Track.FINGERPRINTS,
    }
    # The book's track-2 "SSIM" column holds DSSIM values (0.04–0.09).
    for name in ("track2_validation_table8", "track2_test_table9"):
        assert all(0.0 < e.values["dssim"] < 0.1 for e in load_book_table(name).entries)


def test_printed_mean_ranks_follow_the_printed_metric_ranks_except_table8():
    """Arithmetic of the book itself: printed mean = mean of printed ranks, shortened."""
    disagree = set()
    for name in BOOK_TABLES:
        table = load_book_table(name)
        for entry in table.entries:
            printed = table.published_metric_ranks[entry.name]
            mean = sum(printed.values()) / len(printed)
            if table.published_ranks[entry.name] not in table.printed_forms(mean):
                disagree.add((name, entry.name))
    assert disagree == {
        ("track2_validation_table8", "anubhap93"),  # 6, 4, 5 → 5.0, printed 4.3
        ("track2_validation_table8", "ucs"),  # 4, 7, 1 → 4.0, printed 4.6
        ("track3_test_fpdmnet_table5", "baseline"),  # 5, 5, 5 → 5.0, printed 4.6666
    }


def test_table4_needs_ordinal_ties_for_the_equal_mse():
    table = load_book_table("track1_test_table4")
    lb = table.leaderboard(ties="ordinal")
    assert lb.metrics == ("mse", "dssim", "wnjd")  # the table has no PSNR
    assert table.compare(lb) == ()
    assert cells(table.compare(table.leaderboard())) == {("Inception", "mse"),
                                                         ("Inception", "mean_rank")}


def test_table4_rounds_but_track2_tables_truncate():
    assert load_book_table("track1_test_table4").published_ranks["Inception"] == 1.7
    assert shorten(5 / 3, 1, "round") == 1.7 and shorten(5 / 3, 1, "truncate") == 1.6
    assert load_book_table("track2_test_table9").published_ranks["SanghyunWoo"] == 2.6
    assert shorten(8 / 3, 1, "truncate") == 2.6 and shorten(8 / 3, 1, "round") == 2.7
    assert load_book_table("track3_test_fpdmnet_table5").published_ranks["baseline"] == 4.6666
    assert shorten(14 / 3, 4, "truncate") == 4.6666


def test_table8_matches_historical_directions_except_two_printed_mse_ranks():
    table = load_book_table("track2_validation_table8")
    historical = table.compare(table.leaderboard(preset="historical-2018"))
    # anubhap93, mcahny01, ucs: MSE 0.0016, 0.0018, 0.0021 print ranks 6, 5, 4; the
    # mean ranks 4.3, 4.6, 4.6 follow the correct ranks 4, 5, 6.
    assert {(m.name, m.column, m.printed, m.computed) for m in historical} == {
        ("anubhap93", "mse", 6, 4.0), ("ucs", "mse", 4, 6.0)}
    correct = cells(table.compare(table.leaderboard()))
    names = [e.name for e in table.entries]
    assert {name for name, column in correct if column == "dssim"} == set(names)
    assert {name for name, column in correct if column == "mean_rank"} == set(names)


def test_table9_matches_only_with_dssim_higher_is_better_and_ordinal_ties():
    table = load_book_table("track2_test_table9")
    lb = table.leaderboard(**HISTORICAL)
    assert table.compare(lb) == ()
    assert [round(r.mean_rank, 2) for r in lb.rows] == [2.67, 3.0, 3.33, 3.67, 4.0, 4.33]
    names = {e.name for e in table.entries}
    # Correct directions: every DSSIM rank and every mean rank differs from the book.
    correct = cells(table.compare(table.leaderboard(ties="ordinal")))
    assert {n for n, c in correct if c == "dssim"} == names
    assert {n for n, c in correct if c == "mean_rank"} == names
    assert {c for _, c in correct} == {"dssim", "mean_rank", "order"}
    # Historical directions but tied MSEs sharing a rank: the tied rows differ.
    shared = cells(table.compare(table.leaderboard(preset="historical-2018")))
    assert shared == {(n, c) for n in ("ucs", "anubhap93", "arnavkj95")
                      for c in ("mse", "mean_rank")}


def test_table9_with_correct_directions_reorders_the_podium():
    lb = load_book_table("track2_test_table9").leaderboard(ties="ordinal")
    assert [r.name for r in lb.rows] == ["SanghyunWoo", "ucs", "hcilab", "arnavkj95",
                                         "anubhap93", "baseline2"]


def test_table10_follows_the_correct_directions():
    table = load_book_table("track3_validation_table10")
    assert table.compare(table.leaderboard()) == ()
    # ... with the baseline ranked among the participants, not as a reference.
    assert table.compare(table.leaderboard(reference=["baseline"])) != ()


def test_table11_baseline_row_does_not_follow_its_numbers():
    table = load_book_table("track3_test_table11")
    together = table.compare(table.leaderboard())
    assert {(m.name, m.column, m.printed, round(m.computed, 2)) for m in together} == {
        ("rgsl888", "ssim", 3, 4.0), ("rgsl888", "mean_rank", 2.3, 2.67),
        ("hcilab", "ssim", 4, 5.0), ("hcilab", "mean_rank", 3.3, 3.67),
        ("sukeshadigav", "mse", 4, 5.0), ("sukeshadigav", "mean_rank", 3.3, 3.67),
        ("baseline", "mse", 5, 4.0), ("baseline", "ssim", 5, 3.0),
        ("baseline", "mean_rank", 5.0, 4.0),
    }
    # The participants' ranks follow when the baseline does not displace them; the
    # baseline row itself (5, 5, 5 → 5.0) follows from no option.
    apart = table.compare(table.leaderboard(reference=["baseline"]))
    assert {(m.name, m.column, m.printed, m.computed) for m in apart} == {
        ("baseline", "mse", 5, 4.0), ("baseline", "ssim", 5, 3.0),
        ("baseline", "mean_rank", 5.0, 4.0),
    }
    for options in ({"ties": "ordinal"}, {"preset": "historical-2018"}):
        assert table.compare(table.leaderboard(reference=["baseline"], **options)) == apart


def test_fpdmnet_table5_matches_with_the_baseline_as_reference():
    table = load_book_table("track3_test_fpdmnet_table5")
    lb = table.leaderboard(reference=["baseline"])
    assert lb.row("baseline").ranks == {"mse": 4.0, "psnr": 5.0, "ssim": 5.0}
    assert lb.row("baseline").mean_rank == pytest.approx(14 / 3)  # printed 4.6666
    # Only the printed MSE rank of the baseline (5) disagrees with its mean rank (4).
    assert cells(table.compare(lb)) == {("baseline", "mse")}
    together = cells(table.compare(table.leaderboard()))
    assert together == {("baseline", "mse"), ("sukeshadigav", "mse"),
                        ("sukeshadigav", "mean_rank"), ("sukeshadigav", "order"),
                        ("hcilab", "order")}


def test_table11_and_table5_disagree_on_the_baseline_figures():
    t11 = {e.name: e.values for e in load_book_table("track3_test_table11").entries}
    t5 = {e.name: e.values for e in load_book_table("track3_test_fpdmnet_table5").entries}
    t10 = {e.name: e.values for e in load_book_table("track3_validation_table10").entries}
    differing = {(name, metric) for name in t11 for metric in ("mse", "psnr", "ssim")
                 if t11[name][metric] != t5[name][metric]}
    assert differing == {("baseline", "psnr"), ("baseline", "ssim")}
    # Table 11's baseline SSIM is sukeshadigav's validation SSIM of Table 10.
    assert t11["baseline"]["ssim"] == t10["sukeshadigav"]["ssim"] == 0.8234


def test_module_constants_name_their_book_tables():
    for name in BOOK_TABLES:
        table = load_book_table(name)
        assert "Table" in table.source and table.rank_rounding in ("round", "truncate", "either")
    assert lbmod.HISTORICAL_2018.directions_for(Track.CAPTIONS) == {"dssim": "higher"}
