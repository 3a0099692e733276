"""WNJD as a pure function: hand-computed values, the penalties, the per-joint table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inpaintbench.data.humans.joints import SCORED_JOINTS, Joint, JointType, Person, Side
from inpaintbench.pose.wnjd import (
    SCORED_CODES,
    WNJD_PENALTY,
    image_wnjd,
    penalised_wnjd,
    per_joint_table,
    scored_joints,
    wnjd,
)

CODE = {code: (type_, side) for code, type_, side in SCORED_JOINTS}


def person(pid: str = "p", **joints: tuple[float, float]) -> Person:
    """A person with the scored joints named by their Table-7 codes: ``RK=(x, y)``."""
    return Person(pid, tuple(Joint(*CODE[code], x, y) for code, (x, y) in joints.items()))


def test_hand_computed_value_with_a_lost_joint():
    # 60 × 80 image: diagonal 100. RK is off by (3, 4) = 5 px, LS is exact, P is lost.
    o = person(RK=(10, 10), LS=(20, 20), P=(30, 30))
    p = person(RK=(13, 14), LS=(20, 20))
    result = wnjd([o], [p], width=60, height=80)
    assert result.per_joint == {"RK": 0.05, "LS": 0.0, "P": WNJD_PENALTY}
    assert list(result.per_joint) == ["RK", "P", "LS"]  # Table 7's column order
    assert result.value == pytest.approx((5 / 100 + 0 + 1) / 3, abs=1e-15)
    assert result.lost == ("P",) and result.n_joints == 3


def test_identical_poses_score_exactly_zero():
    o = person(RK=(1.5, 2.25), RW=(7, 9), T=(5, 5), LA=(0, 0))
    result = wnjd([o], [o], width=10, height=10)
    assert result.value == 0.0 and result.lost == ()


def test_nobody_on_the_reconstruction_loses_every_joint():
    o = person(RK=(1, 1), T=(5, 5))
    for nobody in ([], None):
        result = wnjd([o], nobody, width=10, height=10)
        assert result.value == WNJD_PENALTY == 1.0
        assert result.lost == ("RK", "T")
    assert penalised_wnjd(o, width=10, height=10) == wnjd(o, None, width=10, height=10)


def test_no_scored_joint_on_the_original_is_not_scored():
    face = Person("f", (Joint(JointType.NOSE, None, 5, 5), Joint(JointType.EYE, Side.LEFT, 4, 4)))
    assert wnjd([], [person(RK=(1, 1))], width=10, height=10) is None
    assert wnjd(None, None, width=10, height=10) is None
    assert wnjd([face], [face], width=10, height=10) is None  # nose and eyes are not scored
    assert penalised_wnjd([face], width=10, height=10) is None


def test_sides_must_match():
    o = person(LW=(5, 5))
    result = wnjd([o], [person(RW=(5, 5))], width=10, height=10)
    assert result.per_joint == {"LW": 1.0}


def test_joints_outside_the_image_or_occluded_are_not_found_on_the_original():
    inside, outside = (9.5, 3.0), (10.0, 3.0)  # width 10: x must be < 10
    o = Person("o", (Joint(*CODE["RK"], *inside), Joint(*CODE["LK"], *outside),
                     Joint(*CODE["RA"], 2, 2, visible=False)))
    assert set(scored_joints(o, width=10, height=10)) == {"RK"}
    # On the reconstruction every joint is the estimator's guess, visible or not,
    # inside the image or not; a distance is capped at the penalty.
    unsure = Person("p", (Joint(*CODE["RK"], 9.5, 7.0, visible=False),))
    assert set(scored_joints(unsure, width=10, height=10, found_only=False)) == {"RK"}
    result = wnjd([o], [unsure], width=10, height=10)
    assert result.per_joint == {"RK": pytest.approx(4 / math.hypot(10, 10))}
    assert result.lost == ()
    far = wnjd([o], [person(RK=(500.0, 3.0))], width=10, height=10)
    assert far.per_joint == {"RK": 1.0} and far.lost == ()


def test_only_the_first_person_counts_and_extra_joints_are_ignored():
    o = person("o", RK=(0, 0))
    near, far = person("near", RK=(3, 4), LA=(9, 9)), person("far", RK=(30, 40))
    assert wnjd([o, far], [near, far], width=30, height=40).per_joint == {"RK": 0.1}
    assert wnjd([o], [far, near], width=30, height=40).per_joint == {"RK": 1.0}


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.data())
def test_value_is_the_thesis_formula(width, height, data):
    codes = data.draw(st.lists(st.sampled_from(SCORED_CODES), min_size=1, unique=True))
    xs = st.floats(0, width, exclude_max=True)
    ys = st.floats(0, height, exclude_max=True)
    o = {c: (data.draw(xs), data.draw(ys)) for c in codes}
    p = {c: (data.draw(xs), data.draw(ys)) for c in codes}
    result = wnjd(person(**o), person(**p), width=width, height=height)
    distances = [math.dist(o[c], p[c]) for c in codes]
    expected = sum(distances) / (len(codes) * np.hypot(width, height))
    assert result.value == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert 0.0 <= result.value <= 1.0
    assert wnjd(person(**p), person(**o), width=width, height=height).value == \
        pytest.approx(result.value, rel=1e-12, abs=1e-15)


def test_per_joint_table_is_in_table7_order_with_counts():
    table = per_joint_table([{"LA": 0.5, "RK": 0.1}, {"RK": 0.3, "T": 1.0}, {}])
    assert list(table) == ["RK", "RH", "RW", "RE", "RS", "RA", "P",
                           "LE", "LS", "LK", "LH", "LW", "T", "LA"]
    assert table["RK"] == {"mean": pytest.approx(0.2), "count": 2}
    assert table["T"] == {"mean": 1.0, "count": 1} and table["LA"]["mean"] == 0.5
    assert table["P"] == {"mean": None, "count": 0}
    with pytest.raises(ValueError, match="unknown joint code 'XX'"):
        per_joint_table([{"XX": 0.1}])


class _ColumnPose:
    """A stand-in estimator: the right knee at the first column holding a white pixel."""

    name = "column"

    def estimate(self, image):
        cols = np.flatnonzero((image == 255).all(axis=2).any(axis=0))
        return [person(RK=(float(cols[0]), 0.0))] if len(cols) else []


def test_image_wnjd_poses_both_images_and_checks_their_size():
    original = np.zeros((3, 4, 3), np.uint8)
    original[0, 0] = 255
    moved = np.roll(original, 3, axis=1)
    assert image_wnjd(original, moved, _ColumnPose()).value == pytest.approx(3 / 5)
    assert image_wnjd(original, original, _ColumnPose()).value == 0.0
    assert image_wnjd(original, moved, _ColumnPose(),
                      reference=[person(RK=(3, 0))]).value == 0.0
    with pytest.raises(ValueError, match="one size"):
        image_wnjd(original, original[:2], _ColumnPose())


def test_a_size_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="positive"):
        wnjd([person(RK=(0, 0))], [], width=0, height=10)
