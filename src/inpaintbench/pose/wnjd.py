"""WNJD, the weakly normalised joint distance of track 1 (thesis §4.2, CHALLENGE.md).

    WNJD = Σ_i ‖O_i − P_i‖₂ / (N · ‖(w, h)‖)

``O`` are the joints found on the original image (by the pose estimator, or the
dataset's annotations), ``P`` the joints the estimator finds on the
reconstruction, ``w, h`` the image size. WNJD is therefore the mean, over the
joints of ``O``, of each joint's distance divided by the image diagonal; that
per-joint *normalised distance* is what book Table 7 averages per joint type.

Which joints: the 14 of book Table 7 (:data:`~inpaintbench.data.humans.joints.SCORED_JOINTS`,
in its column order RK RH RW RE RS RA P LE LS LK LH LW T LA), matched by (type,
side) on the first — most prominent — person of each image. A joint of ``O`` is
*found* when it is present, marked visible, and lies inside the image; ``N`` is
the number of scored joints found in ``O``. On the reconstruction every joint the
estimator returns is its guess and is compared, whatever its visibility — the
challenge's Stacked Hourglass likewise returned every joint (a heatmap maximum),
so a blurred limb moves a joint rather than dropping it.

Decisions the thesis leaves open, fixed here:

* A joint of ``O`` absent from ``P`` — every joint of ``O`` when no person is
  found on the reconstruction — counts :data:`WNJD_PENALTY` = 1, the full
  diagonal: the farthest two in-image points can be apart. A lost joint is never
  skipped, so a reconstruction that hides the person cannot score better than one
  that draws them in the wrong place. A normalised distance is capped at the same
  1, so a wild guess outside the image costs no more than a lost joint.
* A joint found in ``P`` but not in ``O`` is ignored (``N`` counts ``O``'s joints).
* An image where ``O`` has no scored joint has no WNJD (:func:`wnjd` returns
  None): there is nothing to compare, and it is not the method's fault. The scorer
  reports it as a problem and leaves it out of the mean.
* With annotations as ``O``, occluded (``visible=False``) annotated joints are
  left out, as an estimator would not report them either.

Example
-------
>>> from inpaintbench.data.humans.joints import Joint, JointType, Person, Side
>>> o = Person("o", (Joint(JointType.KNEE, Side.RIGHT, 10, 10),
...                  Joint(JointType.HIP, Side.RIGHT, 10, 30)))
>>> p = Person("p", (Joint(JointType.KNEE, Side.RIGHT, 13, 14),))
>>> result = wnjd([o], [p], width=30, height=40)  # diagonal 50; the hip is lost
>>> result.per_joint, result.value, result.lost
({'RK': 0.1, 'RH': 1.0}, 0.55, ('RH',))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inpaintbench.data.humans.joints import SCORED_JOINT_NAMES, SCORED_JOINTS, Joint, Person
from inpaintbench.pose.base import PoseEstimator

# A joint found on the original but not on the reconstruction counts the whole
# image diagonal (normalised distance 1): the largest any in-image joint can be off.
WNJD_PENALTY = 1.0
# Book Table 7's column codes, in its order.
SCORED_CODES: tuple[str, ...] = tuple(code for code, _, _ in SCORED_JOINTS)

Persons = Person | Sequence[Person] | None


@dataclass(frozen=True)
class ImageWnjd:
    """WNJD of one image.

    Attributes
    ----------
    value : float
        The image's WNJD in ``[0, 1]`` for in-image joints: the mean of ``per_joint``.
    per_joint : dict of str to float
        Table-7 code → normalised distance ``‖O_i − P_i‖ / ‖(w, h)‖`` for every
        scored joint found in ``O``, in Table 7's order; lost joints hold
        :data:`WNJD_PENALTY`.
    lost : tuple of str
        The codes found in ``O`` but not in ``P`` (penalised).
    """

    value: float
    per_joint: dict[str, float]
    lost: tuple[str, ...] = ()

    @property
    def n_joints(self) -> int:
        """``N``: the scored joints found in ``O``."""
        return len(self.per_joint)


def first_person(persons: Persons) -> Person | None:
    """The most prominent person: ``persons`` itself, its first item, or None."""
    if persons is None or isinstance(persons, Person):
        return persons
    return persons[0] if len(persons) else None


def scored_joints(persons: Persons, *, width: int, height: int,
                  found_only: bool = True) -> dict[str, Joint]:
    """Table-7 code → joint, for the scored joints of the first person.

    With ``found_only`` (for ``O``), only joints found: present, ``visible``, and
    inside the ``width × height`` image (``0 ≤ x < width``, ``0 ≤ y < height``);
    without it (for ``P``), every joint present.
    """
    person = first_person(persons)
    if person is None:
        return {}
    found = {}
    for code, type_, side in SCORED_JOINTS:
        joint = person.get(type_, side)
        if joint is None:
            continue
        if not found_only or (joint.visible and 0 <= joint.x < width and 0 <= joint.y < height):
            found[code] = joint
    return found


def _check_size(width: int, height: int) -> float:
    if width < 1 or height < 1:
        raise ValueError(f"the image size must be positive, got width {width}, height {height}")
    return math.hypot(width, height)


def wnjd(original: Persons, reconstruction: Persons, *, width: int,
         height: int) -> ImageWnjd | None:
    """WNJD between the poses of an original image and of its reconstruction.

    Parameters
    ----------
    original, reconstruction : Person, sequence of Person, or None
        The people found on (or annotated for) each image, most prominent first;
        only the first person of each is compared.
    width, height : int
        The image size in pixels (both images share it).

    Returns
    -------
    ImageWnjd or None
        None when the original has no scored joint found: the image is not
        scored for WNJD.

    Raises
    ------
    ValueError
        When the size is not positive.

    Examples
    --------
    >>> from inpaintbench.data.humans.joints import Joint, JointType, Person
    >>> o = Person("o", (Joint(JointType.PELVIS, None, 0, 0),))
    >>> wnjd([o], [], width=3, height=4).value  # nobody on the reconstruction
    1.0
    >>> wnjd([], [o], width=3, height=4) is None  # nothing to compare
    True
    """
    diagonal = _check_size(width, height)
    reference = scored_joints(original, width=width, height=height)
    if not reference:
        return None
    predicted = scored_joints(reconstruction, width=width, height=height, found_only=False)
    per_joint, lost = {}, []
    for code, o in reference.items():
        p = predicted.get(code)
        if p is None:
            per_joint[code] = WNJD_PENALTY
            lost.append(code)
        else:
            per_joint[code] = min(math.hypot(o.x - p.x, o.y - p.y) / diagonal, WNJD_PENALTY)
    value = math.fsum(per_joint.values()) / len(per_joint)
    return ImageWnjd(value=value, per_joint=per_joint, lost=tuple(lost))


def penalised_wnjd(original: Persons, *, width: int, height: int) -> ImageWnjd | None:
    """The WNJD of a missing or unreadable reconstruction: every joint of ``O`` lost.

    None, as for :func:`wnjd`, when ``O`` has no scored joint.
    """
    return wnjd(original, None, width=width, height=height)


def image_wnjd(original: np.ndarray, reconstruction: np.ndarray, estimator: PoseEstimator, *,
               reference: Persons = None) -> ImageWnjd | None:
    """WNJD of two ``uint8 (H, W, 3)`` RGB images of one size, posed by ``estimator``.

    ``reference``, when given, replaces the estimator's pose of ``original``
    (e.g. the dataset's annotations); it must be in ``original``'s pixels.
    """
    if original.shape != reconstruction.shape:
        raise ValueError(f"the original is {original.shape} and the reconstruction "
                         f"{reconstruction.shape}: WNJD compares images of one size")
    height, width = original.shape[:2]
    if reference is None:
        reference = estimator.estimate(original)
    return wnjd(reference, estimator.estimate(reconstruction), width=width, height=height)


def per_joint_table(per_image: Iterable[Mapping[str, float]]) -> dict[str, dict[str, Any]]:
    """Book Table 7's row: the mean normalised distance of each joint type over images.

    Parameters
    ----------
    per_image : iterable of mapping code → normalised distance
        :attr:`ImageWnjd.per_joint` of every scored image.

    Returns
    -------
    dict
        ``{code: {"mean": float or None, "count": int}}`` for the 14 codes in
        Table 7's column order; ``count`` is the number of images whose original
        has that joint, ``mean`` is None when it is 0.

    Examples
    --------
    >>> table = per_joint_table([{"RK": 0.1, "P": 0.3}, {"RK": 0.3}])
    >>> table["RK"], table["P"], table["LA"]
    ({'mean': 0.2, 'count': 2}, {'mean': 0.3, 'count': 1}, {'mean': None, 'count': 0})
    >>> list(table)[:4]
    ['RK', 'RH', 'RW', 'RE']
    """
    values: dict[str, list[float]] = {code: [] for code in SCORED_CODES}
    for record in per_image:
        for code, value in record.items():
            if code not in values:
                raise ValueError(f"unknown joint code {code!r}; expected one of "
                                 f"{', '.join(SCORED_CODES)}")
            values[code].append(float(value))
    return {code: {"mean": math.fsum(v) / len(v) if v else None, "count": len(v)}
            for code, v in values.items()}


__all__ = ["SCORED_CODES", "SCORED_JOINT_NAMES", "WNJD_PENALTY", "ImageWnjd", "first_person",
           "image_wnjd", "penalised_wnjd", "per_joint_table", "scored_joints", "wnjd"]
