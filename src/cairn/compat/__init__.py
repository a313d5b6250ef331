"""Compatibility layers: other trackers' APIs translated onto Cairn's public API.

``import cairn.compat.wandb as wandb`` runs W&B training scripts unchanged (docs/migrating-from-wandb.md).
"""
