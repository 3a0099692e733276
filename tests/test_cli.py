"""The command line as a user meets it: exit codes, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inpaintbench", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.fixture()
def prints(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "set" / "test_ground-truth").mkdir(parents=True)
    (tmp_path / "pred").mkdir()
    for i in range(3):
        truth = rng.integers(0, 256, (400, 275), dtype=np.uint8)
        Image.fromarray(truth).save(tmp_path / "set" / "test_ground-truth" / f"p{i}.png")
        Image.fromarray(255 - truth).save(tmp_path / "pred" / f"p{i}.png")
    return tmp_path


def test_score_writes_json_and_codalab_txt(prints):
    out = prints / "scores"
    proc = run("score", "--track", "3", "--ref", str(prints / "set"), "--pred",
               str(prints / "pred"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    scores = json.loads((out / "scores.json").read_text())
    assert scores["track"] == "fingerprints" and scores["n_samples"] == 3
    assert set(scores) >= {"mse", "psnr", "ssim", "ssim_dr1", "per_sample", "problems"}
    lines = (out / "scores.txt").read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["mse", "psnr", "ssim", "ssim_dr1"]
    assert float(lines[0].split(": ")[1]) == pytest.approx(scores["mse"])


def test_penalised_sample_still_exits_zero_and_lists_the_problem(prints):
    (prints / "pred" / "p1.png").unlink()
    proc = run("score", "-t", "fingerprints", "--ref", str(prints / "set"), "--pred",
               str(prints / "pred"), "--out", str(prints / "s"))
    assert proc.returncode == 0
    assert "missing" in proc.stdout and "p1" in proc.stdout
    scores = json.loads((prints / "s" / "scores.json").read_text())
    assert scores["mse"] == "inf" and scores["n_penalised"] == 1  # strict JSON: inf as a string


def test_broken_reference_and_bad_input_exit_non_zero_with_the_file_named(prints):
    proc = run("score", "-t", "3", "--ref", str(prints / "nowhere"), "--pred", str(prints / "pred"))
    assert proc.returncode == 3 and "nowhere" in proc.stderr and "broken reference" in proc.stderr
    (prints / "empty").mkdir()
    proc = run("score", "-t", "3", "--ref", str(prints / "set"), "--pred", str(prints / "empty"))
    assert proc.returncode == 2 and "empty" in proc.stderr and "no prediction" in proc.stderr
    proc = run("score", "-t", "7", "--ref", str(prints / "set"), "--pred", str(prints / "pred"))
    assert proc.returncode == 2 and "unknown track" in proc.stderr


def test_leaderboard_reproduces_the_books_table9(tmp_path):
    proc = run("leaderboard", "book:track2_test_table9", "--preset", "historical-2018",
               "--ties", "ordinal", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    names = [row["name"] for row in board["rows"]]
    assert names == ["SanghyunWoo", "hcilab", "ucs", "anubhap93", "arnavkj95", "baseline2"]
    assert (tmp_path / "leaderboard.csv").read_text().startswith("position,")


def test_version_and_help():
    assert run("--version").stdout.startswith("inpaintbench ")
    proc = run("--help")
    assert proc.returncode == 0 and "score" in proc.stdout and "leaderboard" in proc.stdout
