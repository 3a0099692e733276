"""Build a track-2 set: challenge clips from videos and photos, subtitles burned in.

Output (one folder per split, each a reference the scorer reads as it is)::

    OUT/
      dataset.json                 settings, sources, counts, what was skipped and why
      metadata.json                every clip: split, source, time range, subtitle
                                   events (text, frames, font, size, colours, box,
                                   position, difficulty) and their caption masks
      stats.json, stats.png        the missing-part ratio over the set (book Fig. 3)
      contact_sheet.png            sample frames, captioned above clean
      train/ val/ test/
        X/<clip>.mp4               captioned clip: H.264, 25 fps, 125 frames, 128×128
                                   (the release's size; 256×256 with frame_size=256)
        Y/<clip>.mp4               the clean clip

The build first *plans* every clip: which clips each source yields and, for each,
its subtitle events drawn from a generator seeded by the set's seed and the
clip's name. The caption masks follow from the events alone, so
``keep_fraction`` (the challenge kept the 70 % of clips with the most subtitle
coverage, CHALLENGE.md Track 2) is decided before any frame is decoded. Then the
sources are decoded and written on all cores, each source's results recorded
under ``OUT/.parts``, so an interrupted build resumes where it stopped and gives
the same bytes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.captions.defaults import DefaultSource
from inpaintbench.data.common import (
    DATASET_JSON,
    METADATA_JSON,
    SPLITS,
    Progress,
    building,
    check_fractions,
    hash_split,
    named_rng,
    part_path,
    run_parallel,
)
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import read_json, write_json_atomic
from inpaintbench.io.media import write_video
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, CLIP_SIZE, CLIP_SIZES

CHALLENGE_SPLIT = (0.6, 0.2, 0.2)  # book §3.2: 60/20/20
CHALLENGE_KEEP = 0.7  # book §3.2: the 70 % of clips with the most subtitles were kept
MOTION_KINDS = ("pan", "zoom", "parallax", "handheld")
FORMAT_VERSION = 2  # 2: frame_size (128 by default; version 1 sets were 256×256)



@dataclass(frozen=True)
class CaptionsBuildConfig:
    """Everything that decides a built set's bytes; written into ``dataset.json``.

    Attributes
    ----------
    seed : int
    split : (train, val, test) fractions, by source (every clip of a video in one split)
    keep_fraction : float or None
        Keep only this fraction of the planned clips, those with the most caption
        coverage (the challenge kept 0.7); None keeps every clip.
    lossless : bool
        Write X and Y without codec error (libx264rgb, qp 0), so that the caption
        mask is exactly where X differs from Y.
    crf : int
        x264 quality of the lossy clips.
    difficulty : str or None
        Only ``easy``, ``medium`` or ``hard`` subtitles; None draws the class per clip.
    clips_per_photo : int
        Moving-camera clips made from each photograph (one motion kind each).
    max_clips_per_video : int or None
    frame_size : int
        The frames' side: 128 as the release, or 256 as the book says. Subtitle
        sizes, outlines, margins and box paddings scale with it.
    """

    seed: int = 0
    split: tuple[float, float, float] = CHALLENGE_SPLIT
    keep_fraction: float | None = None
    lossless: bool = False
    crf: int = 18
    difficulty: str | None = None
    clips_per_photo: int = 2
    max_clips_per_video: int | None = None
    frame_size: int = CLIP_SIZE

    def __post_init__(self) -> None:
        check_fractions(self.split)
        if self.keep_fraction is not None and not 0 < self.keep_fraction <= 1:
            raise ValueError(f"keep_fraction must be in (0, 1], got {self.keep_fraction}")
        if self.difficulty not in (None, "easy", "medium", "hard"):
            raise ValueError(f"difficulty must be easy, medium or hard, got {self.difficulty!r}")
        if self.frame_size not in CLIP_SIZES:
            raise ValueError(f"frame_size must be one of {CLIP_SIZES}, got {self.frame_size}")
        if not 1 <= self.clips_per_photo <= len(MOTION_KINDS):
            raise ValueError(f"clips_per_photo must be 1 to {len(MOTION_KINDS)}")

    def to_json(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, **asdict(self), "split": list(self.split)}


def user_sources(videos: Sequence[str | Path] = (), photos: Sequence[str | Path] = (),
                 srts: Sequence[str | Path] = ()) -> list[DefaultSource]:
    """Sources for the user's own files, named after them (``video-<stem>``, ``photo-<stem>``).

    A repeated stem gets ``-2``, ``-3``… so names stay unique. Each SubRip file in
    ``srts`` goes with the video of the same stem (``film.srt`` with ``film.mkv``),
    or with the only video when one video and one file are given.

    Raises
    ------
    InputError
        When a file is missing, a SubRip file breaks the format, or a SubRip file
        matches no video (or two).
    """
    import re

    from inpaintbench.data.captions.text import read_srt

    sources, seen = [], Counter()
    for kind, paths in (("video", videos), ("photo", photos), ("srt", srts)):
        for path in map(Path, paths):
            if not path.is_file():
                raise InputError(path, "not found", f"give an existing {kind} file")
    subtitles: dict[Path, Path] = {}
    for srt in map(Path, srts):
        read_srt(srt)  # a broken file is refused now, naming its line, not mid-build
        matches = [Path(v) for v in videos if Path(v).stem == srt.stem]
        if not matches and len(videos) == 1 and len(srts) == 1:
            matches = [Path(videos[0])]
        if len(matches) != 1:
            raise InputError(srt, f"matches {len(matches)} of the videos given, not one",
                             "name it after its video (film.srt for film.mp4)")
        if matches[0] in subtitles:
            raise InputError(srt, f"{matches[0]} already has {subtitles[matches[0]]}",
                             "give one SubRip file per video")
        subtitles[matches[0]] = srt
    for kind, paths in (("video", videos), ("photo", photos)):
        for path in map(Path, paths):
            stem = re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-") or kind
            base = f"{kind}-{stem}"
            seen[base] += 1
            name = base if seen[base] == 1 else f"{base}-{seen[base]}"
            sources.append(DefaultSource(name, kind, path, subtitles.get(path)))
    return sources


def split_of(source: str, fractions: Sequence[float]) -> str:
    """The split of a source, from a hash of its name: every clip of a video in one split."""
    return hash_split(source, fractions)


clip_rng = named_rng  # one clip's generator: a function of the seed and the clip's name


@dataclass(frozen=True)
class PlannedClip:
    """One clip to build: where its frames come from and its subtitle events."""

    name: str
    source: str
    split: str
    index: int  # clip number within a video, or the motion kind's number for a photo
    motion: str | None
    events: tuple[dict[str, Any], ...]  # SubtitleEvent.to_json() of each event
    coverage: float  # mean over frames of the masked fraction


@dataclass
class SourcePlan:
    """A source and its planned clips."""

    source: DefaultSource
    clips: list[PlannedClip] = field(default_factory=list)
    problem: str | None = None


def _draw(name: str, config: CaptionsBuildConfig, srt: Path | None = None,
          start_s: float = 0.0) -> tuple[tuple[dict[str, Any], ...], float]:
    """A clip's subtitle events with their footprints, and its mean caption coverage.

    With ``srt``, the cues shown between ``start_s`` and 5 s later, at their real
    times; otherwise events drawn from the shipped corpus.
    """
    from inpaintbench.data.captions.clips import CLIP_SECONDS
    from inpaintbench.data.captions.render import decode_masks, events_footprints
    from inpaintbench.data.captions.subtitles import draw_events, events_from_srt

    rng = clip_rng(config.seed, name)
    side = config.frame_size
    if srt is None:
        events = draw_events(rng, difficulty=config.difficulty, n_frames=CLIP_FRAMES,
                             width=side, height=side)
    else:
        events = events_from_srt(srt, start_s, start_s + CLIP_SECONDS, rng=rng,
                                 difficulty=config.difficulty, width=side, height=side)
    events_json = tuple(events_footprints(events, side, side))
    masks = decode_masks(list(events_json), CLIP_FRAMES, side, side)
    return events_json, float(masks.mean())


def plan_sources(sources: Sequence[DefaultSource],
                 config: CaptionsBuildConfig) -> list[SourcePlan]:
    """Every clip the sources yield, with its events; a source that cannot give one is noted."""
    from inpaintbench.data.captions.clips import CLIP_SECONDS, probe_video

    plans = []
    for source in sources:
        plan = SourcePlan(source)
        split = split_of(source.name, config.split)
        if source.kind == "video":
            try:
                info = probe_video(source.path)
            except InputError as exc:
                plan.problem = str(exc)
                plans.append(plan)
                continue
            count = int(info.duration // CLIP_SECONDS)
            if config.max_clips_per_video is not None:
                count = min(count, config.max_clips_per_video)
            if count == 0:
                plan.problem = (f"{source.path}: {info.duration:.2f} s long; a clip needs "
                                f"{CLIP_SECONDS:g} s")
            indices = [(i, None) for i in range(count)]
        else:
            indices = [(i, kind) for i, kind in enumerate(MOTION_KINDS[:config.clips_per_photo])]
        for index, motion in indices:
            name = f"{source.name}_{motion}" if motion else f"{source.name}_{index:04d}"
            try:
                events, coverage = _draw(name, config, source.srt, index * CLIP_SECONDS)
            except InputError as exc:  # a cue that no font covers or that cannot fit
                plan.problem, plan.clips = str(exc), []
                break
            plan.clips.append(PlannedClip(name, source.name, split, index, motion, events,
                                          coverage))
        plans.append(plan)
    if config.keep_fraction is not None:
        everything = sorted((c for p in plans for c in p.clips),
                            key=lambda c: (-c.coverage, c.name))
        kept = {c.name for c in everything[:max(1, round(config.keep_fraction
                                                        * len(everything)))]}
        for plan in plans:
            plan.clips = [c for c in plan.clips if c.name in kept]
    return plans


def _source_frames(plan: SourcePlan, config: CaptionsBuildConfig
                   ) -> Iterator[tuple[PlannedClip, np.ndarray, dict[str, Any]]]:
    """The clean frames of each planned clip of one source, in order."""
    from inpaintbench.data.captions.clips import cut_clips
    from inpaintbench.data.captions.motion import photo_clip

    wanted = {c.index: c for c in plan.clips}
    if plan.source.kind == "video":
        for clip in cut_clips(plan.source.path, max_clips=max(wanted) + 1,
                              size=config.frame_size):
            if clip.index in wanted:
                yield wanted[clip.index], clip.frames, {"start": clip.start, "end": clip.end,
                                                         **clip.details}
    else:
        image = plan.source.load()
        for planned in plan.clips:
            rng = clip_rng(config.seed, planned.name + "/motion")
            frames, params = photo_clip(image, rng, kind=planned.motion, size=config.frame_size)
            yield planned, frames, {"start": 0.0, "end": CLIP_FRAMES / CLIP_FPS, **params}


def build_source(plan: SourcePlan, out: Path, config: CaptionsBuildConfig) -> dict[str, Any]:
    """Decode, caption and write every planned clip of one source; return its part record."""
    from inpaintbench.data.captions.render import burn
    from inpaintbench.data.captions.subtitles import SubtitleEvent

    part: dict[str, Any] = {"source": plan.source.name, "clips": {}, "problem": None}
    try:
        for planned, frames, details in _source_frames(plan, config):
            events = [SubtitleEvent.from_json(e) for e in planned.events]
            result = burn(frames, events)
            folder = out / planned.split
            write_video(folder / "Y" / f"{planned.name}.mp4", frames, fps=CLIP_FPS,
                        lossless=config.lossless, crf=config.crf)
            write_video(folder / "X" / f"{planned.name}.mp4", result.frames, fps=CLIP_FPS,
                        lossless=config.lossless, crf=config.crf)
            part["clips"][planned.name] = {"details": details,
                                           "per_frame_coverage": [
                                               round(float(v), 6)
                                               for v in result.mask.mean(axis=(1, 2))]}
    except InputError as exc:  # a video broken part-way: keep the clips before the damage
        part["problem"] = str(exc)
    return part


def _run(plan: SourcePlan, out: Path, config: CaptionsBuildConfig) -> dict[str, Any]:
    part = build_source(plan, out, config)
    write_json_atomic(part_path(out, plan.source.name), part, indent=None)
    return part


@dataclass
class CaptionsBuildSummary:
    """What a build produced."""

    out: Path
    clips: dict[str, int]
    skipped: list[str]
    resumed: int

    def describe(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.clips.items())
        return (f"{sum(self.clips.values())} clips ({counts}); {len(self.skipped)} source(s) "
                f"skipped or cut short; resumed {self.resumed} source(s)")


def build_captions(sources: Sequence[DefaultSource], out: str | Path,
                   config: CaptionsBuildConfig = CaptionsBuildConfig(), *,
                   workers: int | None = None,
                   progress: Progress | None = None) -> CaptionsBuildSummary:
    """Build the set from videos and photographs; resume a build of the same settings.

    Raises
    ------
    InputError
        When ``out`` holds something else, or a build with other settings, or no
        source yields a clip.
    """
    out = Path(out)
    with building(out, config.to_json(), "captions"):
        plans = plan_sources(sources, config)
        if not any(p.clips for p in plans):
            problems = "; ".join(p.problem for p in plans if p.problem) or "no source given"
            raise InputError(out, f"no source yields a 5-second clip ({problems})")
        description: dict[str, Any] = {
            "kind": "inpaintbench-captions", "config": config.to_json(), "complete": False,
            "sources": [{"name": p.source.name, "kind": p.source.kind, "path": str(p.source.path),
                         "srt": str(p.source.srt) if p.source.srt else None,
                         "clips": len(p.clips)} for p in plans]}
        write_json_atomic(out / DATASET_JSON, description)

        parts: dict[str, dict[str, Any]] = {}
        todo = []
        for plan in plans:
            if not plan.clips:
                continue
            path = part_path(out, plan.source.name)
            if path.exists():
                parts[plan.source.name] = read_json(path)
            else:
                todo.append(plan)
        resumed = len(parts)
        total = sum(len(p.clips) for p in plans)

        def clips_done() -> int:
            return sum(len(p["clips"]) for p in parts.values())

        if progress:
            progress(clips_done(), total)
        def finished(plan: SourcePlan, part: dict[str, Any]) -> None:
            parts[plan.source.name] = part
            if progress:
                progress(clips_done(), total)

        # the longest sources first, so that no core waits on one long video at the end;
        # forkserver: planning probed the videos with FFmpeg here, whose locks a fork
        # could copy while held
        run_parallel(sorted(todo, key=lambda p: -len(p.clips)), _run, (out, config),
                     workers or os.cpu_count() or 1, finished, start_method="forkserver")

        clips: dict[str, Any] = {}
        skipped = [p.problem for p in plans if p.problem]
        for plan in plans:
            part = parts.get(plan.source.name)
            if part is None:
                continue
            if part["problem"]:
                skipped.append(part["problem"])
            for planned in plan.clips:
                built = part["clips"].get(planned.name)
                if built is None:
                    continue
                clips[planned.name] = {
                    "split": planned.split, "source": planned.source,
                    "source_path": str(plan.source.path), "source_kind": plan.source.kind,
                    "motion": planned.motion, **built["details"],
                    "coverage": planned.coverage,
                    "per_frame_coverage": built["per_frame_coverage"],
                    "difficulty": sorted({e.get("difficulty") for e in planned.events
                                          if e.get("difficulty")}),
                    "events": list(planned.events)}
        if not clips:  # every source failed while decoding: say why, leave it incomplete
            description.update(skipped=skipped)
            write_json_atomic(out / DATASET_JSON, description)
            raise InputError(out, "no clip was made: " + "; ".join(skipped[:3]),
                             "give videos PyAV can read, at least 5 s long")
        metadata = {"frames": CLIP_FRAMES, "fps": CLIP_FPS, "width": config.frame_size,
                    "height": config.frame_size, "clips": dict(sorted(clips.items()))}
        write_json_atomic(out / METADATA_JSON, metadata, indent=None)
        counts = Counter(c["split"] for c in clips.values())
        description.update(complete=True, clips={s: counts.get(s, 0) for s in SPLITS},
                           skipped=skipped)
        write_json_atomic(out / DATASET_JSON, description)
        return CaptionsBuildSummary(out, description["clips"], skipped, resumed)
