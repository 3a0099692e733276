"""Architecture names → network classes, as a config names them (BasicSR's ARCH_REGISTRY).

A network module registers its class with :func:`register_arch`; :func:`build_arch`
builds one from a config's ``arch`` table. The track packages are imported lazily,
on the first lookup, so importing this module does not import torch's models.

The convention every registered network keeps:

- ``forward(x)`` takes ``float32 (N, in_channels, H, W)`` with values in [0, 1]
  (RGB, or grey when ``in_channels == 1``) and returns ``(N, 1, H, W)`` — the
  restored grey image on the same [0, 1] scale (it may stray outside; the method
  wrapper clips) — for any ``H`` and ``W`` that are multiples of ``multiple``;
- the class attributes ``in_channels`` and ``multiple`` say what input it takes;
- the constructor takes ``width`` (a factor on every layer's channels, 1.0 = the
  published network) and keyword options only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from inpaintbench.errors import OptionError

# Modules whose import registers the built-in architectures.
BUILTIN_MODULES = ("inpaintbench.nets.fingerprints", "inpaintbench.nets.captions")

_ARCHS: dict[str, type] = {}
_loaded = False


def register_arch(name: str) -> Callable[[type], type]:
    """Class decorator: register a network class under ``name``."""
    def decorate(cls: type) -> type:
        if name in _ARCHS and _ARCHS[name] is not cls:
            raise ValueError(f"an architecture named {name!r} is already registered")
        _ARCHS[name] = cls
        cls.arch_name = name
        return cls
    return decorate


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)


def arch_names() -> list[str]:
    """Every registered architecture, sorted."""
    _load_builtins()
    return sorted(_ARCHS)


def arch_class(name: str) -> type:
    """The class registered as ``name``; OptionError listing the names when there is none."""
    _load_builtins()
    if name not in _ARCHS:
        raise OptionError("arch", f"no architecture named {name!r}; there are: "
                                  f"{', '.join(sorted(_ARCHS))}")
    return _ARCHS[name]


def build_arch(name: str, **options: Any):
    """Build the network ``name`` with ``options`` (``width`` and the class's own).

    Raises
    ------
    OptionError
        When there is no such architecture, or it takes no such option.
    """
    cls = arch_class(name)
    try:
        return cls(**options)
    except (TypeError, ValueError) as exc:
        raise OptionError("arch", f"{name}: {exc}") from None
