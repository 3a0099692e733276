"""Datasets of the three tracks: readers of real sources, generators, builders."""
