"""The fingerprint_enhancer adapter: its output conversion always, the package when installed."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from fp_synthetic_prints import clean_print, degraded_print

from inpaintbench.methods.fingerprints.reference import (
    FingerprintEnhancerReference,
    ridges_to_grey,
)


@pytest.mark.parametrize("ridge_value", [True, 1, 255])
def test_white_ridges_become_dark_on_white(ridge_value):
    dtype = bool if ridge_value is True else np.uint8
    enhanced = np.zeros((4, 6), dtype)
    enhanced[:, ::2] = ridge_value
    grey = ridges_to_grey(enhanced, (4, 6))
    assert grey.dtype == np.uint8
    assert (grey[:, ::2] == 0).all() and (grey[:, 1::2] == 255).all()


def test_a_resized_answer_comes_back_at_the_input_size():
    enhanced = np.zeros((350, 240), bool)  # older releases answered at 350 rows
    enhanced[:175] = True
    grey = ridges_to_grey(enhanced, (400, 275))
    assert grey.shape == (400, 275)
    assert (grey[:190] == 0).all() and (grey[210:] == 255).all()


def test_an_empty_answer_is_all_white():
    assert (ridges_to_grey(np.zeros((3, 3), np.uint8), (3, 3)) == 255).all()


def test_a_colour_answer_is_refused():
    with pytest.raises(ValueError, match=r"\(h, w\)"):
        ridges_to_grey(np.zeros((3, 3, 3), np.uint8), (3, 3))


@pytest.mark.parametrize("entry", ["enhance_fingerprint", "enhance_Fingerprint"])
def test_either_release_of_the_package_is_called(monkeypatch, entry):
    """Newer releases name the call enhance_fingerprint, older ones enhance_Fingerprint."""
    seen = []

    def fake(grey):  # ridges where the grey is dark, as the package answers
        seen.append(grey.shape)
        return grey < 128

    monkeypatch.setitem(sys.modules, "fingerprint_enhancer",
                        types.SimpleNamespace(**{entry: fake}))
    clean = clean_print()
    out = FingerprintEnhancerReference().restore(np.repeat(clean[..., None], 3, axis=-1))
    assert seen == [clean.shape]
    assert np.array_equal(out, np.where(clean < 128, 0, 255))


def test_an_unknown_release_is_reported(monkeypatch):
    monkeypatch.setitem(sys.modules, "fingerprint_enhancer", types.SimpleNamespace())
    with pytest.raises(RuntimeError, match="unknown release"):
        FingerprintEnhancerReference().restore(degraded_print(0))


def test_the_package_finds_dark_ridges():
    pytest.importorskip("fingerprint_enhancer")
    clean = clean_print()
    out = FingerprintEnhancerReference().restore(degraded_print(0))
    assert out.shape == clean.shape and out.dtype == np.uint8
    assert set(np.unique(out)) <= {0, 255}
    ridge = clean < 128
    assert (out[ridge] == 0).mean() > (out[~ridge] == 0).mean() + 0.2
