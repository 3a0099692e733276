"""Person-centred crops: one per annotated person, as the thesis cut them.

"A crop is created for every human with joint information contained in the
dataset, except for the ones which were either too small or only contained one
annotated joint. [...] calculating the minimum bounding box containing all
joints, and then enlarging this box enough to fit some of the context of the
image, while keeping a similar aspect ratio." (seed 003 §2.3.1)

Our reading of "enlarged for context, similar aspect": the joints' box is
scaled by :data:`CONTEXT_SCALE` about its centre (same aspect), then its short
side is widened to at least :data:`MIN_ASPECT` of the long side, because joints
mark a body's skeleton, not its width (an upright person's joints can span a
box ten times taller than wide). The crop is then moved, not cut, to lie inside
the photo, and cut only when it is larger than the photo.
"""

from __future__ import annotations

from dataclasses import dataclass

from inpaintbench.data.humans.joints import Joint, Person

MIN_PERSON_SIDE = 64  # px: persons under 64×64 are dropped (CHALLENGE.md, Track 1 — Data)
MIN_JOINTS = 2  # a person with a single annotated joint is dropped (thesis §2.3.1)
CONTEXT_SCALE = 1.4  # our choice: 20 % of the joints' box added on each side
MIN_ASPECT = 0.5  # our choice: the short side is at least half the long one


@dataclass(frozen=True)
class CropConfig:
    """How persons are cropped (see the module doc for the rules)."""

    context_scale: float = CONTEXT_SCALE
    min_aspect: float = MIN_ASPECT
    min_side: int = MIN_PERSON_SIDE
    min_joints: int = MIN_JOINTS


Box = tuple[int, int, int, int]  # (x0, y0, x1, y1), x1 and y1 exclusive


def _fit(center: float, length: float, limit: int) -> tuple[int, int]:
    """An integer interval of about ``length`` around ``center``, moved inside ``[0, limit)``."""
    length = min(round(length), limit)
    start = round(center - length / 2)
    start = min(max(start, 0), limit - length)
    return start, start + length


def joints_in_image(person: Person, width: int, height: int) -> tuple[Joint, ...]:
    """The person's joints that lie inside the photo (annotations can stray outside)."""
    return tuple(j for j in person.joints if 0 <= j.x < width and 0 <= j.y < height)


def person_crop(person: Person, width: int, height: int,
                config: CropConfig = CropConfig()) -> Box | None:
    """The crop box of one person in a ``width × height`` photo, or None if dropped.

    Returns None for a person with fewer than ``config.min_joints`` joints in the
    photo, or whose crop would be under ``config.min_side`` px on a side.

    >>> from inpaintbench.data.humans.joints import JointType, Side
    >>> p = Person("p", (Joint(JointType.HEAD_TOP, None, 300, 100),
    ...                  Joint(JointType.ANKLE, Side.LEFT, 320, 400)))
    >>> person_crop(p, 640, 480)
    (205, 40, 415, 460)
    """
    joints = joints_in_image(person, width, height)
    if len(joints) < config.min_joints:
        return None
    xs = [j.x for j in joints]
    ys = [j.y for j in joints]
    box_w = (max(xs) - min(xs)) * config.context_scale
    box_h = (max(ys) - min(ys)) * config.context_scale
    long_side = max(box_w, box_h)
    box_w = max(box_w, long_side * config.min_aspect)
    box_h = max(box_h, long_side * config.min_aspect)
    x0, x1 = _fit((max(xs) + min(xs)) / 2, box_w, width)
    y0, y1 = _fit((max(ys) + min(ys)) / 2, box_h, height)
    if x1 - x0 < config.min_side or y1 - y0 < config.min_side:
        return None
    return x0, y0, x1, y1


def shift_person(person: Person, box: Box) -> Person:
    """The person's joints in the crop's coordinates, keeping only those inside it."""
    x0, y0, x1, y1 = box
    joints = tuple(
        Joint(j.type, j.side, j.x - x0, j.y - y0, visible=j.visible, derived=j.derived,
              confidence=j.confidence)
        for j in person.joints if x0 <= j.x < x1 and y0 <= j.y < y1)
    return Person(person.person_id, joints)
