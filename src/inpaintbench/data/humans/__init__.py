"""Track-1 datasets: sources, person crops, block masks, statistics."""
