"""Cairn: experiment tracking built for reproducibility."""
