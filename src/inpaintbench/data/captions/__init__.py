"""Track-2 datasets: challenge clips cut from videos, moving-camera clips from photos, sources."""
