"""Every command × every class of bad input: one clear line, the right exit code, no debris.

Each case is a command line built from the hostile :class:`~tests.hostile.corpus.Corpus`,
the exit code it must give (:data:`inpaintbench.cli_common.EXIT_CODES`), and the
texts its output must hold (the file or option at fault, the rule). Every case
also checks that no traceback was printed, that an error is one line, and that
the ``--out`` folder holds no half-written or empty file; a refused option must
leave ``--out`` as it found it, so that a valid rerun is not blocked.

A new command joins by adding its cases to :data:`CASES`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from inpaintbench.cli_common import EXIT_BAD_INPUT, EXIT_BROKEN_REFERENCE, EXIT_BUSY, EXIT_OK
from inpaintbench.io.outdir import FolderLock
from tests.hostile.conftest import read_only
from tests.hostile.corpus import MARKUP_NAME, TINY_CONFIG, Corpus

OK, BAD, BROKEN, BUSY = EXIT_OK, EXIT_BAD_INPUT, EXIT_BROKEN_REFERENCE, EXIT_BUSY
ERROR_LABELS = ("error:", "broken reference:", "busy:")

Argv = Callable[[Corpus, Path], list]


@dataclass(frozen=True)
class Case:
    """One hostile command line.

    ``argv(corpus, out)`` builds it (``out``: a fresh folder path for ``--out``);
    ``names`` are texts the output must hold (``{out}`` stands for ``out``);
    ``option``: a refused option, after which ``out`` must not exist;
    ``setup(corpus, out)`` prepares ``out`` first and ``check(corpus, out)`` runs after.
    """

    id: str
    argv: Argv
    code: int
    names: tuple[str, ...] = ()
    option: bool = False
    setup: Callable[[Corpus, Path], None] | None = None
    check: Callable[[Corpus, Path], None] | None = None
    needs: frozenset[str] = frozenset()  # "pose": the pose extra; "read-only": a folder


def case(id: str, argv: Argv, code: int, *names: str, needs: tuple[str, ...] = (),
         **options) -> pytest.param:
    return pytest.param(Case(id, argv, code, names, needs=frozenset(needs), **options), id=id)


# --- command lines ------------------------------------------------------------------


def score(track: str, ref: Path, pred: Path, *extra) -> list:
    options = ["--pose", "none"] if track == "1" else (["--frames", "5"] if track == "2" else [])
    return ["score", "-t", track, "--ref", ref, "--pred", pred, *options, *extra]


def run(track: str, data: Path, out: Path, method: str, *extra) -> list:
    return ["run", "-t", track, "-m", method, "--data", data, "--out", out, "--workers", "1",
            *extra]


def humans_build(source, out: Path, *extra) -> list:
    return ["data", "humans", "build", source, "--out", out, "--pose", "none", "--workers", "1",
            *extra]


def captions_build(video, out: Path, *extra) -> list:
    return ["data", "captions", "build", *([video] if video else []), "--out", out,
            "--workers", "1", *extra]


def fp_build(_corpus: Corpus, out: Path, *extra) -> list:
    return ["data", "fingerprints", "build", "--count", "2", "--out", out, "--workers", "1",
            *extra]


def scores_json(track: str = "captions", name: str = "team", **values) -> dict:
    return {"track": track, "name": name, **{"mse": 0.01, "psnr": 30.0, "dssim": 0.05,
                                             **values}}


# --- what each class of bad input must get ------------------------------------------

MASKDATA_BAD = {  # a broken reference: maskdata.json breaks its format
    "nan": '{"a": [[NaN, 1, 20]], "b.c": [[5, 5, 30]]}',
    "inf": '{"a": [[1e999, 1, 20]], "b.c": [[5, 5, 30]]}',
    "negative": '{"a": [[-4, 1, 20]], "b.c": [[5, 5, 30]]}',
    "outside": '{"a": [[70, 1, 20]], "b.c": [[5, 5, 30]]}',
    "string": '{"a": [["10", 1, 20]], "b.c": [[5, 5, 30]]}',
    "fraction": '{"a": [[10.5, 1, 20]], "b.c": [[5, 5, 30]]}',
    "bool": '{"a": [[true, 1, 20]], "b.c": [[5, 5, 30]]}',
    "null-entry": '{"a": null, "b.c": [[5, 5, 30]]}',
    "null-block": '{"a": [null], "b.c": [[5, 5, 30]]}',
    "two-numbers": '{"a": [[1, 20]], "b.c": [[5, 5, 30]]}',
    "list": '[[1, 2, 3]]',
    "not-json": '{"a": [[1, 2',
    "empty-file": '',
    "missing-entry": '{"a": [[10, 12, 20]]}',
    "extra-entry": '{"a": [[10, 12, 20]], "b.c": [[5, 5, 30]], "zz": [[1, 1, 5]]}',
}

JOINTS_BAD = {
    "nan": '{"a": {"persons": [{"person_id": "p", "joints": [{"type": "head_top", "x": NaN, '
           '"y": 3}]}]}}',
    "string-x": '{"a": {"persons": [{"person_id": "p", "joints": [{"type": "head_top", "x": "1", '
                '"y": 3}]}]}}',
    "no-persons": '{"a": {"people": []}}',
    "unknown-image": '{"zz": {"persons": []}}',
    "list": "[]",
}

SCORES_BAD = {  # each refused by the leaderboard, naming the file
    "nan-mse": scores_json(mse="nan"),
    "negative-mse": scores_json(mse=-0.1),
    "ssim-above-1": {"track": "fingerprints", "name": "t", "mse": 0.1, "psnr": 10,
                     "ssim": 1.5},
    "negative-seconds": scores_json(seconds_per_clip=-2.0),
    "bool-psnr": scores_json(psnr=True),
    "string-dssim": scores_json(dssim="low"),
    "no-track": {"name": "t", "mse": 0.1},
    "bad-track": scores_json(track="humanz"),
    "list": [1, 2],
    "not-json": "{'track': 'captions'}",
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _lock(_corpus: Corpus, out: Path) -> None:
    """Hold ``out`` as a running command would (released when the test ends)."""
    _LOCKS.append(FolderLock(out, "data humans build (another run)").acquire())


_LOCKS: list[FolderLock] = []


def _foreign(_corpus: Corpus, out: Path) -> None:
    _write(out / "holiday.jpg", "not ours")


def _file(_corpus: Corpus, out: Path) -> None:
    _write(out, "a file where a folder goes")


def _scores(corpus: Corpus, out: Path) -> dict:
    return json.loads((out / "scores.json").read_text())


def _penalised(*names: str) -> Callable[[Corpus, Path], None]:
    def check(_corpus: Corpus, out: Path) -> None:
        scores = _scores(_corpus, out)
        penalised = {s["name"] for s in scores["per_sample"] if s["penalised"]}
        assert penalised == set(names), scores["problems"]
    return check


def _incomplete(_corpus: Corpus, out: Path) -> None:
    assert json.loads((out / "dataset.json").read_text())["complete"] is False


def _out_cases(prefix: str, argv: Callable[[Corpus, Path], list], *,
               foreign: bool = True, lock: bool = True) -> list:
    """The --out classes for one command: a file, under a file, read-only, busy, not ours."""
    cases = [
        case(f"{prefix}/out-is-file", argv, BAD, "out", "is a file", setup=_file),
        case(f"{prefix}/out-under-a-file",
             lambda c, o, argv=argv: argv(c, o / "blocker" / "deeper"), BAD, "blocker",
             "is a file", setup=lambda c, o: _write(o / "blocker", "a file")),
        case(f"{prefix}/out-read-only", argv, BAD, "out", "not writable", needs=("read-only",)),
        case(f"{prefix}/out-under-read-only",
             lambda c, o, argv=argv: argv(c, o / "new"), BAD, "new", "cannot be created",
             needs=("read-only",)),
    ]
    if lock:
        cases.append(case(f"{prefix}/busy", argv, BUSY, "in use", "out", setup=_lock))
    if foreign:
        cases.append(case(f"{prefix}/out-holds-other-files", argv, BAD, "out", setup=_foreign))
    return cases


HUMANS_PRED_BAD = {  # a prediction that breaks a rule gets the penalty, listed
    "zero-bytes": "zero", "text": "text", "truncated": "truncated", "huge-header": "huge-header",
    "html": "html",
}


def _humans_cases() -> list:
    cases = []
    for kind, image in HUMANS_PRED_BAD.items():
        cases.append(case(
            f"score-humans/pred-{kind}",
            lambda c, o, image=image, kind=kind: score(
                "1", c.humans_set(), c.humans_pred(kind, {"a.png": c.image(image)}), "--out", o),
            OK, "a.png", "penalty", check=_penalised("a")))
    cases += [
        case("score-humans/pred-wrong-size",
             lambda c, o: score("1", c.humans_set(), c.humans_pred(
                 "wrong-size", {"a.png": c.image("png", (40, 32))}), "--out", o),
             OK, "a.png", "40×32", check=_penalised("a")),
        case("score-humans/pred-png-and-jpg",
             lambda c, o: score("1", c.humans_set(), c.humans_pred(
                 "png-and-jpg", {"a.jpg": c.image("jpg")}), "--out", o),
             OK, "a.png", "a.jpg"),
        case("score-humans/pred-folder-named-png",
             lambda c, o: score("1", c.humans_set(), c.humans_pred("dir-png", {}), "--out", o),
             OK, setup=lambda c, o: (c.humans_pred("dir-png", {}) / "zz.png").mkdir(
                 exist_ok=True)),
        case("score-humans/markup-names",
             lambda c, o: score("1", c.humans_set(), c.humans_pred("markup", name=MARKUP_NAME),
                                "--out", o / MARKUP_NAME),
             OK, MARKUP_NAME.split("/")[-1], f"{MARKUP_NAME}/scores.json"),
        case("score-humans/pred-missing", lambda c, o: score("1", c.humans_set(), c.missing()),
             BAD, "nowhere"),
        case("score-humans/pred-empty", lambda c, o: score("1", c.humans_set(), c.empty_folder()),
             BAD, "empty", "no prediction"),
        case("score-humans/pred-is-file",
             lambda c, o: score("1", c.humans_set(), c.file("pred.png", c.image("png"))),
             BAD, "pred.png"),
        case("score-humans/ref-missing", lambda c, o: score("1", c.missing(), c.humans_pred()),
             BROKEN, "nowhere"),
        case("score-humans/ref-empty", lambda c, o: score("1", c.empty_folder(), c.humans_pred()),
             BROKEN, "empty"),
        case("score-humans/ref-huge-header",
             lambda c, o: score("1", c.humans_set("huge", y={"a.png": c.image("huge-header")}),
                                c.humans_pred()),
             BROKEN, "a.png", "30000×30000"),
        case("score-humans/ref-zero-bytes",
             lambda c, o: score("1", c.humans_set("zero", y={"a.png": b""}), c.humans_pred()),
             BROKEN, "a.png"),
        case("score-humans/pose-unknown",
             lambda c, o: ["score", "-t", "1", "--ref", c.humans_set(), "--pred",
                           c.humans_pred(), "--pose", "openpose"], BAD, "--pose", "openpose"),
        case("score-humans/pose-reference-unknown",
             lambda c, o: [*score("1", c.humans_set(), c.humans_pred()), "--pose-reference",
                           "guess"], BAD, "--pose-reference"),
        case("score/track-unknown", lambda c, o: score("9", c.humans_set(), c.humans_pred()),
             BAD, "--track", "9"),
    ]
    for kind, text in MASKDATA_BAD.items():
        cases.append(case(f"score-humans/maskdata-{kind}",
                          lambda c, o, kind=kind, text=text: score(
                              "1", c.humans_set(f"mask-{kind}", maskdata=text), c.humans_pred()),
                          BROKEN, "maskdata.json"))
        cases.append(case(f"run-humans/maskdata-{kind}",
                          lambda c, o, kind=kind, text=text: run(
                              "1", c.humans_set(f"mask-{kind}", maskdata=text), o, "mean-fill"),
                          BAD, "maskdata.json"))
    for kind, text in JOINTS_BAD.items():
        cases.append(case(f"score-humans/joints-{kind}",
                          lambda c, o, kind=kind, text=text: [*score(
                              "1", c.humans_set(f"joints-{kind}", joints=text), c.humans_pred()),
                              "--pose-reference", "annotations", "--pose", "blazepose"],
                          BROKEN, "joints.json", needs=("pose",)))
        cases.append(case(f"stats-humans/joints-{kind}",
                          lambda c, o, kind=kind, text=text: [
                              "data", "humans", "stats", c.humans_set(f"joints-{kind}",
                                                                      joints=text), "--out", o],
                          BAD, "joints.json"))
    return cases


def _captions_cases() -> list:
    cases = []
    for kind in ("zero", "text", "truncated", "huge", "wrong-size", "short"):
        penalised = _penalised("c1")
        cases.append(case(
            f"score-captions/pred-{kind}",
            lambda c, o, kind=kind: score("2", c.captions_set(), c.captions_pred(
                kind, {"c1.mp4": c.video(kind)}), "--out", o),
            OK, "c1.mp4", "penalty", check=penalised))
    cases += [
        case("score-captions/pred-mp4-and-avi",
             lambda c, o: score("2", c.captions_set(), c.captions_pred(
                 "mp4-and-avi", {"c1.avi": c.video("text")}), "--out", o),
             OK, "c1.avi", "c1.mp4"),
        case("score-captions/frames-zero",
             lambda c, o: [*score("2", c.captions_set(), c.captions_pred()), "--frames", "0"],
             BAD, "--frames"),
        case("score-captions/frames-too-many",
             lambda c, o: [*score("2", c.captions_set(), c.captions_pred()), "--frames", "1501"],
             BAD, "--frames"),
        case("score-captions/frames-text",
             lambda c, o: [*score("2", c.captions_set(), c.captions_pred()), "--frames", "many"],
             BAD, "--frames"),
        case("score-captions/ref-short",
             lambda c, o: ["score", "-t", "2", "--ref", c.captions_set(), "--pred",
                           c.captions_pred()], BROKEN, "frames"),
        case("score-captions/ref-huge",
             lambda c, o: score("2", c.captions_set("ref-huge", y={"c1.mp4": c.video("huge")}),
                                c.captions_pred()), BROKEN, "c1.mp4", "2048×2048"),
        case("score-captions/ref-corrupt",
             lambda c, o: score("2", c.captions_set("ref-zero", y={"c1.mp4": c.video("zero")}),
                                c.captions_pred()), BROKEN, "c1.mp4"),
        case("score-captions/timing-not-json",
             lambda c, o: score("2", c.captions_set(), c.captions_pred("timing-bad",
                                                                       timing="{oops")),
             BAD, "timing.json"),
        case("score-captions/timing-negative",
             lambda c, o: score("2", c.captions_set(), c.captions_pred(
                 "timing-negative", timing='{"per_sample": {"c1": -3, "c2": 1}}')),
             BAD, "timing.json", "c1"),
        case("score-captions/timing-nan",
             lambda c, o: score("2", c.captions_set(), c.captions_pred(
                 "timing-nan", timing='{"per_sample": {"c1": NaN}}')),
             BAD, "timing.json"),
        case("run-captions/x-huge",
             lambda c, o: run("2", c.captions_set("x-huge", x={"c1.mp4": c.video("huge")}), o,
                              "identity"), OK, "c1", "2048×2048"),
        case("run-captions/x-corrupt",
             lambda c, o: run("2", c.captions_set("x-zero", x={"c1.mp4": c.video("zero")}), o,
                              "identity"), OK, "c1"),
        case("run-captions/crf-negative",
             lambda c, o: run("2", c.captions_set(), o, "identity", "--crf", "-1"), BAD, "--crf",
             option=True),
        case("run-captions/crf-too-high",
             lambda c, o: run("2", c.captions_set(), o, "identity", "--crf", "99"), BAD, "--crf",
             option=True),
    ]
    return cases


def _prints_cases() -> list:
    cases = []
    for kind in ("zero", "text", "truncated", "huge-header"):
        cases.append(case(
            f"score-prints/pred-{kind}",
            lambda c, o, kind=kind: score("3", c.prints_set(), c.prints_pred(
                kind, {"p0.png": c.image(kind)}), "--out", o),
            OK, "p0.png", "penalty", check=_penalised("p0")))
    cases += [
        case("score-prints/pred-16-bit-copy",
             lambda c, o: [*score("3", c.prints_set(), c.prints_pred(
                 "16-bit", {"p0.png": c.prints_truth_16bit()})), "-q"], OK, "mse=0 "),
        case("score-prints/split-unknown",
             lambda c, o: [*score("3", c.prints_set(), c.prints_pred()), "--split", "dev"],
             BAD, "--split", "dev", "it has test"),
        case("score-prints/several-splits",
             lambda c, o: score("3", c.prints_set("two-splits", splits=("test", "validation")),
                                c.prints_pred()), BROKEN, "--split"),
        case("score-prints/ref-huge-header",
             lambda c, o: score("3", c.prints_set("huge", truth={"p0.png": c.image(
                 "huge-header")}), c.prints_pred()), BROKEN, "p0.png"),
        case("score-prints/ref-real-12000",
             lambda c, o: score("3", c.prints_set("big", truth={"p0.png": c.image("big")}),
                                c.prints_pred()), BROKEN, "p0.png", "12000×12000"),
        case("run-prints/input-huge",
             lambda c, o: run("3", c.prints_set("huge-input"), o, "identity"), OK, "p0",
             setup=lambda c, o: (c.prints_set("huge-input") / "test_input" / "p0.jpg")
             .write_bytes(c.image("huge-header"))),
        case("run-prints/split-unknown",
             lambda c, o: run("3", c.prints_set(), o, "identity", "--split", "dev"), BAD,
             "--split", "dev", option=True),
        case("run-prints/data-other-track",
             lambda c, o: run("3", c.humans_set(), o, "identity"), BAD, "humans"),
    ]
    return cases


def _run_cases() -> list:
    humans = lambda c, o, *extra: run("1", c.humans_set(), o, "mean-fill", *extra)  # noqa: E731
    return [
        case("run/method-unknown", lambda c, o: run("1", c.humans_set(), o, "magic"), BAD,
             "--method", "magic", option=True),
        case("run/track-unknown", lambda c, o: run("x", c.humans_set(), o, "mean-fill"), BAD,
             "--track", option=True),
        case("run/workers-zero", lambda c, o: [*humans(c, o), "--workers", "0"], BAD,
             "--workers", option=True),
        case("run/workers-negative", lambda c, o: [*humans(c, o), "--workers", "-3"], BAD,
             "--workers", option=True),
        case("run/data-missing", lambda c, o: run("1", c.missing(), o, "mean-fill"), BAD,
             "nowhere", option=True),
        case("run/data-empty", lambda c, o: run("1", c.empty_folder(), o, "mean-fill"), BAD,
             "empty", option=True),
        case("run-humans/dotted-names-end-to-end", humans, OK,
             check=lambda c, o: {p.name for p in o.glob("*.png")} == {"a.png", "b.c.png"}),
        case("run-humans/x-huge-header",
             lambda c, o: run("1", c.humans_set("x-huge", y={"a.png": c.image("huge-header")}),
                              o, "mean-fill"), OK, "a", "30000×30000"),
        case("run-humans/out-with-another-run",
             lambda c, o: run("1", c.humans_set(), o, "telea"), BAD, "run.json",
             setup=lambda c, o: _write(o / "run.json", json.dumps(
                 {"track": "humans", "method": "mean-fill"}))),
        case("run-humans/out-run-json-corrupt", humans, BAD, "run.json",
             setup=lambda c, o: _write(o / "run.json", "{not json")),
        case("run-humans/out-timing-corrupt", humans, BAD, "timing.json",
             setup=lambda c, o: (humans_rerun_ready(c, o), _write(o / "timing.json", "[1,"))),
        case("run/markup-paths", lambda c, o: run("1", c.humans_set(), o / MARKUP_NAME,
                                                  "mean-fill"), OK, f"{MARKUP_NAME} ("),
        case("run/markup-paths-refused", lambda c, o: run("1", c.missing(MARKUP_NAME),
                                                          o, "mean-fill"), BAD, MARKUP_NAME),
        *_option_cases("run", humans, {"--time-budget": ("0", "-1", "nan", "soon", "1e9")}),
        *_out_cases("run", humans),
    ]


def humans_rerun_ready(corpus: Corpus, out: Path) -> None:
    """``out`` as a first, interrupted mean-fill run over the humans set left it."""
    from inpaintbench.methods.run import run_method

    run_method("humans", "mean-fill", corpus.humans_set(), out, workers=1)


def _leaderboard_cases() -> list:
    cases = []
    for kind, data in SCORES_BAD.items():
        cases.append(case(f"leaderboard/{kind}",
                          lambda c, o, kind=kind, data=data: [
                              "leaderboard", c.scores("ok", scores_json()),
                              c.scores(kind, data)], BAD, f"{kind}.json"))
    ok = lambda c: c.scores("ok", scores_json())  # noqa: E731
    other = lambda c: c.scores("other", scores_json(name="other"))  # noqa: E731
    cases += [
        case("leaderboard/mixed-tracks",
             lambda c, o: ["leaderboard", ok(c), c.scores("fp", {
                 "track": "fingerprints", "name": "f", "mse": 0.1, "psnr": 9, "ssim": 0.5})],
             BAD, "fp.json"),
        case("leaderboard/missing-file", lambda c, o: ["leaderboard", c.missing("s.json")], BAD,
             "s.json"),
        case("leaderboard/zero-bytes", lambda c, o: ["leaderboard", c.scores("zero", "")], BAD,
             "zero.json"),
        case("leaderboard/name-inf",
             lambda c, o: ["leaderboard", ok(c), c.scores("inf", scores_json(name="inf")),
                           c.scores("nan", scores_json(name="nan", mse=0.2))], OK, "inf", "nan"),
        case("leaderboard/markup-name",
             lambda c, o: ["leaderboard", ok(c), c.scores("markup", scores_json(
                 name="[/]a[bold]b"))], OK, "[/]a[bold]b"),
        case("leaderboard/inf-mse-is-the-penalty-ranked-last",
             lambda c, o: ["leaderboard", c.scores("penalised", scores_json(
                 name="zz-penalised", mse="inf", psnr=0, dssim=0.5)), ok(c), "--out", o], OK,
             check=lambda c, o: json.loads((o / "leaderboard.json").read_text())["rows"][-1][
                 "name"] == "zz-penalised"),
        case("leaderboard/direction-bad", lambda c, o: ["leaderboard", ok(c), other(c), "-d",
                                                        "mse=up"], BAD, "--direction"),
        case("leaderboard/direction-no-equals", lambda c, o: ["leaderboard", ok(c), "-d", "mse"],
             BAD, "--direction"),
        case("leaderboard/preset-unknown", lambda c, o: ["leaderboard", ok(c), "--preset", "x"],
             BAD, "--preset"),
        case("leaderboard/ties-unknown", lambda c, o: ["leaderboard", ok(c), "--ties", "coin"],
             BAD, "--ties"),
        case("leaderboard/metrics-empty", lambda c, o: ["leaderboard", ok(c), "--metrics", ",,"],
             BAD, "--metrics"),
        case("leaderboard/metrics-unknown",
             lambda c, o: ["leaderboard", ok(c), "--metrics", "fid"], BAD, "fid"),
        case("leaderboard/reference-unknown",
             lambda c, o: ["leaderboard", ok(c), other(c), "--reference", "nobody"], BAD,
             "--reference", "nobody"),
        *_out_cases("leaderboard", lambda c, o: ["leaderboard", ok(c), "--out", o],
                    lock=False, foreign=False),
        case("methods/track-unknown", lambda c, o: ["methods", "--track", "5"], BAD, "--track"),
    ]
    return cases


def _option_cases(prefix: str, argv: Callable[[Corpus, Path], list],
                  options: dict[str, tuple[str, ...]]) -> list:
    """A refused value of each option: exit 2 naming it, and nothing left in --out."""
    return [case(f"{prefix}/{flag.strip('-')}={value}", lambda c, o, flag=flag, value=value: [
                 *argv(c, o), flag, value], BAD, flag, option=True)
            for flag, values in options.items() for value in values]


SEEDS = ("-1", "4294967296", "1.5", "seed")
WORKERS = ("0", "-2", "two", "257", "99999999999999999999999")


def _data_cases() -> list:
    hb = lambda c, o: humans_build(c.coco_source(), o)  # noqa: E731
    cb = lambda c, o: captions_build(c.video("long-source"), o)  # noqa: E731
    fb = fp_build  # noqa: E731
    imp = lambda c, o: ["data", "captions", "import", c.release(), "--out", o,  # noqa: E731
                        "--workers", "1"]
    srt_ok = "1\n00:00:01,000 --> 00:00:03,000\nHello there\n"
    return [
        # data humans build
        case("humans-build/valid-control", hb, OK, check=lambda c, o: json.loads(
            (o / "dataset.json").read_text())["complete"] is True),
        case("humans-build/markup-out", lambda c, o: humans_build(c.coco_source(),
                                                                  o / MARKUP_NAME), OK,
             f"wrote {{out}}/{MARKUP_NAME} ("),
        case("humans-build/source-missing", lambda c, o: humans_build(c.missing("k.json"), o),
             BAD, "k.json", option=True),
        case("humans-build/source-not-json",
             lambda c, o: humans_build(c.file("bad.json", "{oops"), o), BAD, "bad.json",
             option=True),
        case("humans-build/source-wrong-layout",
             lambda c, o: humans_build(c.file("list.json", "[1, 2]"), o), BAD, "list.json",
             option=True),
        case("humans-build/source-unknown-suffix",
             lambda c, o: humans_build(c.file("notes.txt", "hi"), o), BAD, "notes.txt",
             option=True),
        case("humans-build/photos-without-estimator",
             lambda c, o: humans_build(c.folder_with("photos", {"x.png": c.image("png")}), o),
             BAD, "photos", "estimator", option=True),
        case("humans-build/every-person-too-small",
             lambda c, o: humans_build(c.coco_source("small", person_side=40), o), BAD,
             "no crop", "64 px", check=_incomplete),
        case("humans-build/photo-huge-header",
             lambda c, o: humans_build(c.coco_source("huge"), o), BAD, "no crop", "30000",
             setup=lambda c, o: (c.coco_source("huge").parent / "photo.jpg").write_bytes(
                 c.image("huge-header")), check=_incomplete),
        case("humans-build/image-root-missing",
             lambda c, o: [*hb(c, o), "--image-root", c.missing("imgs")], BAD, "--image-root",
             option=True),
        *_option_cases("humans-build", hb, {
            "--seed": SEEDS, "--workers": WORKERS, "--pose": ("openpose",),
            "--split": ("1/-1/1", "a/b/c", "60/40", "0/0/0", "nan/1/1")}),
        *_out_cases("humans-build", hb),
        # data humans stats
        case("humans-stats/folder-missing",
             lambda c, o: ["data", "humans", "stats", c.missing()], BAD, "nowhere"),
        case("humans-stats/maskdata-nan",
             lambda c, o: ["data", "humans", "stats", c.humans_set(
                 "mask-nan", maskdata=MASKDATA_BAD["nan"])], BAD, "maskdata.json"),
        case("humans-stats/dotted-names", lambda c, o: [
            "data", "humans", "stats", c.humans_set(), "--out", o], OK),
        *_out_cases("humans-stats", lambda c, o: ["data", "humans", "stats", c.humans_set(),
                                                  "--out", o], lock=False, foreign=False),
        # data captions build
        case("captions-build/valid-control", cb, OK, check=lambda c, o: json.loads(
            (o / "dataset.json").read_text())["complete"] is True),
        case("captions-build/video-missing",
             lambda c, o: captions_build(c.missing("film.mp4"), o), BAD, "film.mp4",
             option=True),
        case("captions-build/video-not-a-video",
             lambda c, o: captions_build(c.video("text"), o), BAD, "text.mp4"),
        case("captions-build/video-zero-bytes",
             lambda c, o: captions_build(c.video("zero"), o), BAD, "zero.mp4"),
        case("captions-build/video-too-short",
             lambda c, o: captions_build(c.video("short"), o), BAD, "short.mp4"),
        case("captions-build/photo-missing",
             lambda c, o: [*cb(c, o), "--photo", c.missing("p.png")], BAD, "p.png",
             option=True),
        case("captions-build/photo-huge-header",
             lambda c, o: captions_build(None, o, "--photo", c.file("huge.png", c.image(
                 "huge-header"))), BAD, "huge.png"),
        case("captions-build/srt-bad-time",
             lambda c, o: [*captions_build(c.srt("film.srt", srt_ok).with_suffix(".mp4"), o),
                           "--srt", c.srt("film.srt", srt_ok).parent / "bad.srt"], BAD,
             "bad.srt", setup=lambda c, o: (c.srt("film.srt", srt_ok).parent / "bad.srt")
             .write_text("1\n00:00:01,000 -> 00:00:03\nHello\n"), option=True),
        case("captions-build/srt-binary",
             lambda c, o: [*captions_build(c.srt("film.srt", srt_ok).with_suffix(".mp4"), o),
                           "--srt", c.file("junk.srt", bytes(range(256)))], BAD, "junk.srt",
             option=True),
        case("captions-build/srt-unmatched",
             lambda c, o: [*captions_build(c.srt("film.srt", srt_ok).with_suffix(".mp4"), o),
                           c.video("long-source"), "--srt", c.srt("other.srt", srt_ok)], BAD,
             "other.srt", option=True),
        *_option_cases("captions-build", cb, {
            "--seed": SEEDS, "--workers": WORKERS, "--keep": ("0", "1.5", "-0.2", "nan"),
            "--difficulty": ("extreme",), "--max-clips": ("0", "-1")}),
        *_out_cases("captions-build", cb),
        # data captions import
        case("captions-import/valid-control", imp, OK),
        case("captions-import/test-archive-without-y",
             lambda c, o: ["data", "captions", "import", c.release("no-y", without_y=True),
                           "--out", o, "--workers", "1"], OK),
        case("captions-import/no-masks-no-link",
             lambda c, o: [*imp(c, o), "--no-masks", "--no-link"], OK,
             check=lambda c, o: not any(p.stat().st_nlink > 1 for p in o.rglob("*.mp4"))),
        case("captions-import/clip-zero-bytes",
             lambda c, o: ["data", "captions", "import", c.release(
                 "zero", x={"X00002.mp4": c.video("zero")}), "--out", o, "--workers", "1"],
             OK, "X00002.mp4"),
        case("captions-import/clip-huge",
             lambda c, o: ["data", "captions", "import", c.release(
                 "huge", x={"X00002.mp4": c.video("huge")}), "--out", o, "--workers", "1"],
             OK, "X00002.mp4", "2048×2048"),
        case("captions-import/release-missing",
             lambda c, o: ["data", "captions", "import", c.missing(), "--out", o], BAD,
             "nowhere", option=True),
        case("captions-import/release-empty",
             lambda c, o: ["data", "captions", "import", c.empty_folder(), "--out", o], BAD,
             "empty", option=True),
        *_option_cases("captions-import", imp, {"--split": ("dev2",), "--workers": WORKERS}),
        *_out_cases("captions-import", imp),
        # data captions stats
        case("captions-stats/folder-missing",
             lambda c, o: ["data", "captions", "stats", c.missing()], BAD, "nowhere"),
        *[case(f"captions-stats/metadata-{kind}",
               lambda c, o, kind=kind, text=text: ["data", "captions", "stats", c.captions_built(
                   f"meta-{kind}", metadata=text), "--out", o], BAD, "metadata.json")
          for kind, text in METADATA_BAD.items()],
        *_out_cases("captions-stats", lambda c, o: ["data", "captions", "stats",
                                                    c.captions_built(), "--out", o],
                    lock=False, foreign=False),
        # data fingerprints build and stats
        case("prints-build/valid-control", fb, OK),
        *_option_cases("prints-build", fb, {
            "--seed": SEEDS, "--workers": WORKERS,
            "--count": ("0", "-5", "many", "1000001"), "--impressions": ("0", "-1", "101")}),
        case("prints-build/real-missing", lambda c, o: [*fb(c, o), "--real", c.missing()], BAD,
             "--real", option=True),
        *_out_cases("prints-build", fb),
        case("prints-stats/folder-missing",
             lambda c, o: ["data", "fingerprints", "stats", c.missing()], BAD, "nowhere"),
        *[case(f"prints-stats/metadata-{kind}",
               lambda c, o, kind=kind, text=text: ["data", "fingerprints", "stats",
                                                   c.folder_with(f"fp-meta-{kind}", {
                                                       "metadata.json": text})], BAD,
               "metadata.json")
          for kind, text in METADATA_BAD.items()],
        # demo
        *_option_cases("demo", lambda c, o: ["demo", "--out", o], {
            "--size": ("huge",), "--workers": WORKERS}),
        *_out_cases("demo", lambda c, o: ["demo", "--out", o]),
    ]


def _train_cases() -> list:
    tr = lambda c, o, *extra: ["train", c.train_config(), "--data", c.train_set(),  # noqa: E731
                               "--out", o, "--threads", "1", *extra]
    ex = lambda c, o: ["export", c.trained_run(), "--out", o / "w.pt"]  # noqa: E731
    return [
        case("train/valid-control", tr, OK, "2 steps"),
        case("train/config-missing", lambda c, o: ["train", c.missing("c.toml"), "--out", o],
             BAD, "c.toml", option=True),
        case("train/config-not-toml", lambda c, o: ["train", c.train_config(
            "broken", "[method\nname = 1"), "--out", o], BAD, "broken.toml", "TOML",
             option=True),
        case("train/config-unknown-key", lambda c, o: ["train", c.train_config(
            "unknown", "[method]\nname = 'x'\ntrack = '3'\n[arch]\nname = 'cvxtz-unet'\n"
                       "widht = 2\n"), "--out", o], BAD, "unknown.toml", "widht", option=True),
        case("train/config-bad-value", lambda c, o: ["train", c.train_config(
            "negative", "[method]\nname = 'x'\ntrack = '3'\n[arch]\nname = 'cvxtz-unet'\n"
                        "[optim]\nlr = -1\n"), "--out", o], BAD, "negative.toml", "optim.lr",
             option=True),
        case("train/data-not-a-set", lambda c, o: ["train", c.train_config(), "--data",
                                                   c.empty_folder(), "--out", o], BAD,
             "empty"),
        case("train/resume-another-config", lambda c, o: [
            "train", c.train_config("other", TINY_OTHER), "--data", c.train_set(), "--out",
            o, "--resume"], BAD, "another config",
             setup=lambda c, o: shutil.copytree(c.trained_run(), o)),
        case("train/run-without-resume", tr, BAD, "--resume",
             setup=lambda c, o: shutil.copytree(c.trained_run(), o)),
        *_option_cases("train", tr, {"--max-minutes": ("0", "-1", "nan"),
                                     "--max-steps": ("0", "-4"), "--device": ("tpu",),
                                     "--threads": ("0", "257"), "--workers": ("0",)}),
        *_out_cases("train", tr),
        case("export/valid-control", ex, OK, "w.pt", "MB"),
        case("export/run-missing", lambda c, o: ["export", c.missing(), "--out", o / "w.pt"],
             BAD, "checkpoint.pt", "not found"),
        case("export/not-a-pt", lambda c, o: ["export", c.trained_run(), "--out", o / "w.bin"],
             BAD, "--out", ".pt"),
        case("export/truncated-checkpoint", lambda c, o: ["export", o / "run", "--out",
                                                          o / "w.pt"], BAD, "truncated",
             setup=lambda c, o: _truncated_run(c, o)),
        case("export/out-under-a-file", lambda c, o: ["export", c.trained_run(), "--out",
                                                      o / "blocker" / "w.pt"], BAD, "blocker",
             setup=lambda c, o: _write(o / "blocker", "a file")),
        case("export/out-read-only", ex, BAD, "out", "not writable", needs=("read-only",)),
    ]


def clean(video, out: Path, *extra) -> list:
    return ["clean", video, "--out", out, *extra]


def _mask_png(corpus: Corpus, size: tuple[int, int]) -> Path:
    return corpus.folder_with(f"mask-{size[0]}x{size[1]}", {"mask.png": corpus.image(
        "png", size)}) / "mask.png"


def _clean_cases() -> list:
    source = "long-source"  # 130 frames 64×64

    def cl(c: Corpus, o: Path) -> list:
        return clean(c.video(source), o)

    return [
        case("clean/valid-control", cl, OK, "130 frames", check=lambda c, o: (
            (o / "long-source.mp4").stat().st_size > 0
            and not any(p.name.endswith(".parts") for p in o.iterdir()))),
        case("clean/valid-file-out", lambda c, o: clean(c.video(source), o / "v.mkv"), OK,
             "v.mkv"),
        case("clean/input-missing", lambda c, o: clean(c.missing("gone.mp4"), o), BAD,
             "gone.mp4", "not found"),
        case("clean/input-text", lambda c, o: clean(c.video("text"), o), BAD, "text.mp4",
             "not a readable video"),
        case("clean/input-zero-bytes", lambda c, o: clean(c.video("zero"), o), BAD,
             "zero.mp4"),
        case("clean/input-truncated", lambda c, o: clean(c.video("truncated"), o), BAD,
             "truncated.mp4"),
        case("clean/folder-without-videos", lambda c, o: clean(c.empty_folder(), o), BAD,
             "holds no video file"),
        case("clean/box-outside-frame", lambda c, o: [*cl(c, o), "--box", "40,40,30,30"], BAD,
             "--box", "reaches past", "64×64"),
        case("clean/mask-missing", lambda c, o: [*cl(c, o), "--mask", c.missing("m.png")],
             BAD, "m.png"),
        case("clean/mask-wrong-size", lambda c, o: [*cl(c, o), "--mask",
                                                    _mask_png(c, (32, 32))], BAD,
             "mask.png", "32×32", "64×64"),
        case("clean/out-avi", lambda c, o: clean(c.video(source), o / "v.avi"), BAD,
             "--out", ".avi", option=True),
        case("clean/out-is-input", lambda c, o: clean(c.video(source), c.video(source)), BAD,
             "the input itself"),
        *_option_cases("clean", cl, {"--box": ("1,2,3", "a,b,c,d", "0,0,0,5", "-1,0,5,5"),
                                     "--crf": ("-1", "52"),
                                     "--dilate": ("-1", "65"), "--detector": ("magic",),
                                     "--start": ("-1", "nan"), "--end": ("0",)}),
        case("clean/force-without-area", lambda c, o: [*cl(c, o), "--force"], BAD, "--force",
             "--box", option=True),
        case("clean/end-before-start", lambda c, o: [*cl(c, o), "--start", "3", "--end", "1"],
             BAD, "--end", option=True),
        case("clean/range-holds-no-frame", lambda c, o: [*cl(c, o), "--start", "60"], BAD,
             "no decodable frame"),
        *_out_cases("clean", cl, lock=False, foreign=False),
        case("score/scheduler-not-an-address", lambda c, o: score(
            "1", c.humans_set(), c.humans_pred(), "--out", o, "--scheduler", "bogus://x:1"),
             BAD, "--scheduler", "not a Dask scheduler address", option=True),
    ]


def _tool_cases() -> list:
    def photo(c: Corpus) -> Path:
        return c.folder_with("photo", {"p.png": c.image("png", (96, 80))})

    def ip(c: Corpus, o: Path) -> list:
        return ["inpaint", photo(c) / "p.png", "--box", "10,10,20,20", "--out", o, "-m", "telea"]

    def rs(c: Corpus, o: Path) -> list:
        return ["restore", photo(c) / "p.png", "--out", o, "-m", "gabor-enhance"]

    return [
        case("inpaint/valid-control", ip, OK, "p.png", "filled"),
        case("inpaint/image-missing", lambda c, o: ["inpaint", c.missing("g.png"), "--box",
                                                    "1,1,5,5", "--out", o], BAD, "g.png",
             "not found"),
        case("inpaint/image-text", lambda c, o: ["inpaint", c.file("t.png", "not an image"),
                                                 "--box", "1,1,5,5", "--out", o], BAD, "t.png"),
        case("inpaint/nothing-to-fill", lambda c, o: ["inpaint", photo(c) / "p.png", "--out",
                                                      o], BAD, "--mask", "--box"),
        case("inpaint/box-outside", lambda c, o: [*ip(c, o), "--box", "90,70,20,20"], BAD,
             "--box", "reaches past"),
        case("inpaint/mask-wrong-size", lambda c, o: [*ip(c, o), "--mask",
                                                      _mask_png(c, (32, 32))], BAD,
             "mask.png", "32×32"),
        case("inpaint/method-unknown", lambda c, o: [*ip(c, o), "-m", "magic"], BAD,
             "--method", "magic"),
        *_option_cases("inpaint", ip, {"--box": ("1,2,3", "0,0,0,5")}),
        *_out_cases("inpaint", ip, lock=False, foreign=False),
        case("restore/valid-control", rs, OK, "p.png", "ridge period"),
        case("restore/print-missing", lambda c, o: ["restore", c.missing("f.png"), "--out", o],
             BAD, "f.png", "not found"),
        case("restore/print-text", lambda c, o: ["restore", c.file("f.png", "not an image"),
                                                 "--out", o], BAD, "f.png"),
        case("restore/folder-empty", lambda c, o: ["restore", c.empty_folder(), "--out", o],
             BAD, "holds no image"),
        case("restore/method-unknown", lambda c, o: [*rs(c, o), "-m", "magic"], BAD,
             "--method", "magic"),
        *_option_cases("restore", rs, {"--period": ("0", "100", "nan")}),
        *_out_cases("restore", rs, lock=False, foreign=False),
    ]


def _truncated_run(corpus: Corpus, out: Path) -> None:
    shutil.copytree(corpus.trained_run(), out / "run")
    checkpoint = out / "run" / "checkpoint.pt"
    checkpoint.write_bytes(checkpoint.read_bytes()[:3000])


TINY_OTHER = TINY_CONFIG.replace("steps = 2", "steps = 3")


METADATA_BAD = {
    "not-json": "{oops",
    "list": "[]",
    "no-clips": '{"frames": 125}',
    "clips-list": '{"clips": [1, 2], "images": [1, 2]}',
    "nan": '{"clips": {"c": {"split": "test", "coverage": NaN}}, "images": {"p": {"split": '
           'NaN}}}',
}


CASES = [
    *_humans_cases(),
    *_out_cases("score", lambda c, o: score("1", c.humans_set(), c.humans_pred(), "--out", o),
                lock=False, foreign=False),
    *_captions_cases(),
    *_prints_cases(),
    *_run_cases(),
    *_leaderboard_cases(),
    *_data_cases(),
    *_train_cases(),
    *_clean_cases(),
    *_tool_cases(),
]


@pytest.mark.parametrize("case", CASES)
def test_hostile(case: Case, corpus: Corpus, cli, tmp_path: Path) -> None:
    if "pose" in case.needs:
        pytest.importorskip("mediapipe", reason="needs the pose extra")
    out = tmp_path / "out"
    if case.setup is not None:
        case.setup(corpus, out)
    argv = case.argv(corpus, out)
    existed = out.exists()
    try:
        if "read-only" in case.needs:
            with read_only(out):
                outcome = cli(argv)
        else:
            outcome = cli(argv)
    finally:
        while _LOCKS:
            _LOCKS.pop().release()
    assert "Traceback" not in outcome.text, outcome.text
    assert outcome.code == case.code, outcome.text
    errors = [line for line in outcome.err.splitlines() if line.startswith(ERROR_LABELS)]
    if case.code == OK:
        assert not errors, outcome.err
    else:
        assert len(errors) == 1, outcome.err
    shown = errors[0] if errors else outcome.text
    for name in case.names:
        name = str(name).replace("{out}", str(out))
        assert name in shown, f"{name!r} not in: {shown}"
    if out.is_dir():
        debris = [p for p in out.rglob("*") if p.is_file()
                  and (".part" in p.name or p.stat().st_size == 0 or p.name.startswith(".inp"))]
        assert not debris, debris
    if case.option and not existed:
        assert not out.exists() or not any(out.iterdir()), sorted(out.rglob("*"))
    if case.check is not None:
        assert case.check(corpus, out) is not False, f"{case.id}: the check failed"
