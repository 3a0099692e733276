"""Track 1 methods: fill square holes in photographs of people.

Importing this package registers them (see :mod:`inpaintbench.methods.registry`):
the classical fills of :mod:`.classical` and our exemplar-based :mod:`.patchmatch`.
"""

from inpaintbench.methods.humans import classical, patchmatch

__all__ = ["classical", "patchmatch"]
