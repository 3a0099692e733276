"""One typed config per experiment: a small TOML file that reproduces a trained model.

A config holds everything that decides the weights — the architecture and its
width, the data recipe (builder, seed, count), the crop and augmentations, the
loss, the optimiser and its schedule, the time budget and the seed — so that
``inpaintbench train CONFIG`` is the whole recipe. The shipped ones live in the
package (``inpaintbench/configs/<track>/<method>.toml``); every run writes its own
copy beside its checkpoints, and every exported checkpoint carries it.

Example
-------
>>> config = load_config_text('''
... [method]
... name = "cvxtz-unet"
... track = "fingerprints"
... description = "U-Net"
... [arch]
... name = "cvxtz-unet"
... width = 0.5
... [data]
... seed = 101
... count = 6000
... ''')
>>> config.arch.width, config.data.count, config.optim.lr
(0.5, 6000, 0.001)
>>> load_config_text(dump_config(config)) == config
True
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

from inpaintbench.errors import InputError
from inpaintbench.tracks import Track

CONFIG_SUFFIX = ".toml"
AUGMENTATIONS = ("flip", "rot90", "jitter", "grey")  # see training.data.augment
LOSSES = ("mse", "l1", "ssim-l1", "l1-grad-ssim", "patch-ae", "bce-dice")  # training.losses
BUILDERS = ("fingerprints", "captions")
OPTIMISERS = ("adam", "sgd")
SCHEDULES = ("constant", "cosine", "step")
# stretch: CVxTz's min–max to 0–255 of each output; keep-input: the track-2 winner's
# test-time trick; temporal-fill: a caption mask drives the classical temporal fill
POSTPROCESS = ("none", "stretch", "keep-input", "temporal-fill")


@dataclass(frozen=True)
class MethodSection:
    """How the trained model appears as a method (``inpaintbench methods``)."""

    name: str
    track: str
    description: str = ""
    reference: str = ""
    postprocess: str = "none"


@dataclass(frozen=True)
class ArchSection:
    """The network (:mod:`inpaintbench.nets.registry`) and its options."""

    name: str
    width: float = 1.0
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DataSection:
    """The data recipe: which set to build (or was built) and how samples are drawn.

    ``count`` is, for fingerprints, the pairs to build; for captions, the training
    builds (seeds ``seed`` … ``seed + count − 1``, see :mod:`.captions_data`), and
    ``fresh`` the share of captions samples given subtitles drawn afresh at each step.
    """

    builder: str = "fingerprints"
    seed: int = 0
    count: int = 6000
    fresh: float = 0.0
    train_split: str = "train"
    val_split: str = "val"
    val_images: int = 48  # whole validation images scored at each validation
    crop: int = 128  # square training crops, px (inference runs on whole images)
    augment: tuple[str, ...] = ("flip", "rot90", "jitter")


@dataclass(frozen=True)
class LossSection:
    name: str = "mse"
    ssim_weight: float = 0.85  # for "ssim-l1": FPD-M-net's 0.85 (MS-)SSIM + 0.15 L1


@dataclass(frozen=True)
class OptimSection:
    name: str = "adam"
    lr: float = 1e-3
    batch: int = 8
    weight_decay: float = 0.0
    momentum: float = 0.9  # sgd only


@dataclass(frozen=True)
class ScheduleSection:
    """Steps and learning-rate schedule; validation and checkpoint cadence."""

    steps: int = 20000
    name: str = "cosine"
    warmup: int = 0
    validate_every: int = 500
    checkpoint_minutes: float = 3.0


@dataclass(frozen=True)
class TrainConfig:
    """A whole experiment. Sections mirror the TOML tables of the same names."""

    method: MethodSection
    arch: ArchSection
    data: DataSection = field(default_factory=DataSection)
    loss: LossSection = field(default_factory=LossSection)
    optim: OptimSection = field(default_factory=OptimSection)
    schedule: ScheduleSection = field(default_factory=ScheduleSection)
    seed: int = 0
    max_minutes: float = 240.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (tuples as lists), as the TOML file and checkpoints hold it."""
        return _plain(dataclasses.asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --- reading and checking ---------------------------------------------------------------

_SECTIONS = {"method": MethodSection, "arch": ArchSection, "data": DataSection,
             "loss": LossSection, "optim": OptimSection, "schedule": ScheduleSection}


_TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a finite number",
               str: "a string", tuple[str, ...]: "a list of strings", dict[str, Any]: "a table"}


def _convert(source: str, key: str, value: Any, kind: Any) -> Any:
    """``value`` as the annotated type ``kind``, or InputError naming the key."""
    def wrong() -> InputError:
        return InputError(source, f"{key} must be {_TYPE_WORDS[kind]}, got {value!r}")

    if kind is bool:
        if not isinstance(value, bool):
            raise wrong()
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong()
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise wrong()
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise wrong()
        return value
    if kind == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong()
        return tuple(value)
    if kind == dict[str, Any]:
        if not isinstance(value, dict):
            raise wrong()
        return dict(value)
    raise TypeError(f"unsupported config type {kind!r}")


def _section(source: str, name: str, cls: type, table: Any) -> Any:
    if not isinstance(table, dict):
        raise InputError(source, f"[{name}] must be a table")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(source, f"[{name}] has no key {unknown[0]!r}; it takes "
                                 f"{', '.join(sorted(known))}")
    required = [f.name for f in fields(cls) if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING]
    missing = [k for k in required if k not in table]
    if missing:
        raise InputError(source, f"[{name}] needs {missing[0]!r}")
    values = {k: _convert(source, f"{name}.{k}", v, hints[k]) for k, v in table.items()}
    return cls(**values)


def _choice(source: str, key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InputError(source, f"{key} is {value!r}; use one of {', '.join(choices)}")


def _positive(source: str, key: str, value: float, *, allow_zero: bool = False) -> None:
    if value < 0 or (value == 0 and not allow_zero):
        raise InputError(source, f"{key} must be {'≥ 0' if allow_zero else '> 0'}, got {value}")


def check_config(config: TrainConfig, source: str = "<config>", *,
                 check_arch: bool = True) -> TrainConfig:
    """Refuse settings no run could use, naming the key; return ``config``.

    ``check_arch=False`` leaves the architecture's name to be checked when it is
    built (checking imports every network, and torch).
    """
    try:
        Track.parse(config.method.track)
    except ValueError as exc:
        raise InputError(source, f"method.track: {exc}") from None
    _choice(source, "method.postprocess", config.method.postprocess, POSTPROCESS)
    if not config.method.name.replace("-", "").isalnum() or config.method.name.lower() \
            != config.method.name:
        raise InputError(source, f"method.name {config.method.name!r} must be lowercase "
                                 "letters, digits and dashes")
    if check_arch:
        from inpaintbench.nets.registry import arch_names

        _choice(source, "arch.name", config.arch.name, tuple(arch_names()))
    _positive(source, "arch.width", config.arch.width)
    _choice(source, "data.builder", config.data.builder, BUILDERS)
    expected = {"fingerprints": Track.FINGERPRINTS, "captions": Track.CAPTIONS}
    if Track.parse(config.method.track) != expected[config.data.builder]:
        raise InputError(source, f"data.builder {config.data.builder!r} builds no "
                                 f"{config.method.track} data")
    if not 0 <= config.data.fresh <= 1:
        raise InputError(source, f"data.fresh must be in [0, 1], got {config.data.fresh}")
    for key in ("count", "val_images", "crop"):
        _positive(source, f"data.{key}", getattr(config.data, key))
    _positive(source, "data.seed", config.data.seed, allow_zero=True)
    for name in config.data.augment:
        _choice(source, "data.augment", name, AUGMENTATIONS)
    _choice(source, "loss.name", config.loss.name, LOSSES)
    _choice(source, "optim.name", config.optim.name, OPTIMISERS)
    _choice(source, "schedule.name", config.schedule.name, SCHEDULES)
    for key in ("lr", "batch"):
        _positive(source, f"optim.{key}", getattr(config.optim, key))
    _positive(source, "optim.weight_decay", config.optim.weight_decay, allow_zero=True)
    for key in ("steps", "validate_every", "checkpoint_minutes"):
        _positive(source, f"schedule.{key}", getattr(config.schedule, key))
    _positive(source, "schedule.warmup", config.schedule.warmup, allow_zero=True)
    _positive(source, "max_minutes", config.max_minutes)
    _positive(source, "seed", config.seed, allow_zero=True)
    return config


def config_from_dict(data: Any, source: str = "<config>", *,
                     check_arch: bool = True) -> TrainConfig:
    """A :class:`TrainConfig` from plain data (a TOML document or a checkpoint's copy)."""
    if not isinstance(data, dict):
        raise InputError(source, "a config is a TOML document of tables")
    unknown = sorted(set(data) - set(_SECTIONS) - {"seed", "max_minutes"})
    if unknown:
        raise InputError(source, f"has no section or key {unknown[0]!r}; it takes "
                                 f"{', '.join([*_SECTIONS, 'seed', 'max_minutes'])}")
    for name in ("method", "arch"):
        if name not in data:
            raise InputError(source, f"needs a [{name}] table")
    sections = {name: _section(source, name, cls, data[name])
                for name, cls in _SECTIONS.items() if name in data}
    scalars = {key: _convert(source, key, data[key], kind)
               for key, kind in (("seed", int), ("max_minutes", float)) if key in data}
    return check_config(TrainConfig(**sections, **scalars), source, check_arch=check_arch)


def load_config_text(text: str, source: str = "<config>", *,
                     check_arch: bool = True) -> TrainConfig:
    """Parse TOML ``text`` into a checked :class:`TrainConfig`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(source, f"is not valid TOML ({exc})") from None
    return config_from_dict(data, source, check_arch=check_arch)


def load_config(path: str | Path, *, check_arch: bool = True) -> TrainConfig:
    """Read a config file: a path, or a shipped config's name (``fingerprints/cvxtz-unet``).

    Raises
    ------
    InputError
        Naming the file (and key) when it is missing, not TOML, or breaks a rule.
    """
    path = Path(path)
    if not path.is_file():
        shipped = shipped_config_path(str(path))
        if shipped is None:
            raise InputError(path, "not found", "give a config file, or a shipped config's "
                             f"name: {', '.join(shipped_config_names())}")
        path = shipped
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be read ({exc})") from None
    return load_config_text(text, str(path), check_arch=check_arch)


# --- writing ----------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")


def dump_config(config: TrainConfig) -> str:
    """The TOML text of ``config``: the scalars first, then one table per section."""
    data = config.to_dict()
    lines = [f"{key} = {_toml_value(data[key])}" for key in ("seed", "max_minutes")]
    for name in _SECTIONS:
        lines += ["", f"[{name}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in data[name].items()]
    return "\n".join(lines) + "\n"


# --- the shipped configs ----------------------------------------------------------------


def _configs_root() -> Any:
    return resources.files("inpaintbench").joinpath("configs")


def shipped_config_names(track: str | None = None) -> list[str]:
    """``<track>/<method>`` of every config shipped in the package."""
    names = []
    root = _configs_root()
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or (track is not None and folder.name != track):
            continue
        names += [f"{folder.name}/{p.name.removesuffix(CONFIG_SUFFIX)}"
                  for p in sorted(folder.iterdir(), key=lambda p: p.name)
                  if p.name.endswith(CONFIG_SUFFIX)]
    return names


def shipped_config_path(name: str) -> Path | None:
    """The file of the shipped config ``<track>/<method>``, or None."""
    name = name.removesuffix(CONFIG_SUFFIX)
    if name.count("/") != 1:
        return None
    path = _configs_root().joinpath(f"{name}{CONFIG_SUFFIX}")
    return Path(str(path)) if path.is_file() else None
