"""Track-3 datasets: SFinGe-style synthetic fingerprints and the challenge's degradations."""
