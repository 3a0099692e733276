"""Scale-out on Dask: a scheduler and two workers on loopback give the local results exactly."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed", reason="needs the dask extra")

from inpaintbench import cluster  # noqa: E402
from inpaintbench.data.fingerprints.build import (  # noqa: E402
    FingerprintsBuildConfig,
    build_fingerprints,
)
from inpaintbench.errors import OptionError  # noqa: E402
from inpaintbench.io.media import write_video  # noqa: E402
from inpaintbench.methods.run import run_method  # noqa: E402
from inpaintbench.scoring.captions import score_captions  # noqa: E402
from inpaintbench.scoring.fingerprints import score_fingerprints  # noqa: E402
from inpaintbench.tracks import Track  # noqa: E402

START_SECONDS = 60


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> str:
    """``dask scheduler`` and ``dask worker --nworkers 2`` as processes; the address."""
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    processes = [subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(file),
             "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder))
        address = json.loads(file.read_text())["address"]
        client = cluster.connect(address)
        try:
            client.wait_for_workers(2, timeout=START_SECONDS)
        finally:
            client.close()
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _same_tree(a: Path, b: Path) -> None:
    compared = filecmp.dircmp(a, b)
    assert not compared.left_only and not compared.right_only, (compared.left_only,
                                                                compared.right_only)
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    assert not mismatch and not errors, mismatch
    for sub in compared.common_dirs:
        _same_tree(a / sub, b / sub)


def _same_scores(a, b) -> None:
    """Two score results agree: the same samples, fields and problems, every figure to
    1e-12 (relative). They are bit for bit equal in practice; one run of the full suite
    once saw a fingerprint SSIM differ in its 16th digit (the fused kernel is built
    with fastmath, and each process compiles it for itself)."""
    assert a.metrics == pytest.approx(b.metrics, rel=1e-12)
    assert [s["name"] for s in a.per_sample] == [s["name"] for s in b.per_sample]
    for x, y in zip(a.per_sample, b.per_sample, strict=True):
        assert x.keys() == y.keys()
        for key, value in x.items():
            if isinstance(value, float):
                assert value == pytest.approx(y[key], rel=1e-12), (x["name"], key)
            else:
                assert value == y[key], (x["name"], key)
    assert [(p.kind, p.sample) for p in a.problems] == [(p.kind, p.sample) for p in b.problems]


def test_a_build_and_a_run_on_the_cluster_are_the_local_ones(scheduler, tmp_path):
    config = FingerprintsBuildConfig(count=4, seed=7)
    build_fingerprints(tmp_path / "local", config, workers=1)
    with cluster.using(scheduler):
        build_fingerprints(tmp_path / "dask", config)
    _same_tree(tmp_path / "local", tmp_path / "dask")

    run_method(Track.FINGERPRINTS, "clahe", tmp_path / "local", tmp_path / "pred-local",
               split="validation", workers=1)
    with cluster.using(scheduler):
        run_method(Track.FINGERPRINTS, "clahe", tmp_path / "local", tmp_path / "pred-dask",
                   split="validation")
    local = sorted(p.name for p in (tmp_path / "pred-local").glob("*.png"))
    assert local and local == sorted(p.name for p in (tmp_path / "pred-dask").glob("*.png"))
    for name in local:
        assert (tmp_path / "pred-local" / name).read_bytes() == \
            (tmp_path / "pred-dask" / name).read_bytes()

    scores = [score_fingerprints(tmp_path / "local", tmp_path / "pred-local",
                                 split="validation")]
    with cluster.using(scheduler):
        scores.append(score_fingerprints(tmp_path / "local", tmp_path / "pred-local",
                                         split="validation"))
    _same_scores(scores[0], scores[1])


def test_captions_scores_on_the_cluster_are_the_local_ones(scheduler, tmp_path):
    rng = np.random.default_rng(0)
    for name in ("a", "b", "c"):
        clean = rng.integers(0, 256, (6, 32, 32, 3), np.uint8)
        write_video(tmp_path / "ref" / "Y" / f"{name}.mp4", clean, lossless=True)
        noisy = np.clip(clean.astype(int) + rng.integers(-20, 20, clean.shape), 0, 255)
        if name != "c":  # c is missing: the penalty, the same on both
            write_video(tmp_path / "pred" / f"{name}.mp4", noisy.astype(np.uint8), lossless=True)
    local = score_captions(tmp_path / "ref", tmp_path / "pred", frames=6)
    with cluster.using(scheduler):
        remote = score_captions(tmp_path / "ref", tmp_path / "pred", frames=6)
    _same_scores(local, remote)


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 0.5)
    with pytest.raises(OptionError, match="cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        with cluster.using("tcp://127.0.0.1:9"):
            build_fingerprints(tmp_path / "x", FingerprintsBuildConfig(count=2))


def test_the_environment_names_the_scheduler(monkeypatch):
    monkeypatch.setenv(cluster.ENV_ADDRESS, "tcp://10.0.0.5:8786")
    assert cluster.scheduler_address(None) == "tcp://10.0.0.5:8786"
    assert cluster.scheduler_address("tcp://h:1") == "tcp://h:1"
    monkeypatch.delenv(cluster.ENV_ADDRESS)
    assert cluster.scheduler_address(None) is None


@pytest.mark.parametrize("pose", ["none", "blazepose"])
def test_humans_scores_on_the_cluster_are_the_local_ones(scheduler, tmp_path, real_data, pose):
    if pose == "blazepose":
        pytest.importorskip("mediapipe", reason="needs the pose extra")
    from PIL import Image

    from inpaintbench.scoring.humans import score_humans

    (tmp_path / "ref" / "Y").mkdir(parents=True)
    (tmp_path / "pred").mkdir()
    maskdata = {}
    rng = np.random.default_rng(0)
    for path in sorted((real_data / "pose" / "coco").glob("*.jpg"))[:3]:
        image = np.asarray(Image.open(path).convert("RGB"))
        h, w = image.shape[:2]
        maskdata[path.stem] = [[h // 4, w // 4, min(h, w) // 4], [10, 10, 40]]
        Image.fromarray(image).save(tmp_path / "ref" / "Y" / f"{path.stem}.png")
        noisy = image.copy()
        for r, c, s in maskdata[path.stem]:
            noisy[r:r + s, c:c + s] = rng.integers(0, 256, (s, s, 3), np.uint8)
        Image.fromarray(noisy).save(tmp_path / "pred" / f"{path.stem}.png")
    (tmp_path / "ref" / "maskdata.json").write_text(json.dumps(maskdata))
    local = score_humans(tmp_path / "ref", tmp_path / "pred", pose=pose)
    with cluster.using(scheduler):
        remote = score_humans(tmp_path / "ref", tmp_path / "pred", pose=pose)
    _same_scores(local, remote)
    assert local.secondary == pytest.approx(remote.secondary, rel=1e-12)
    assert local.tables.keys() == remote.tables.keys()
    assert "notices" not in remote.settings or not any(
        "not the cluster" in n for n in remote.settings["notices"])
