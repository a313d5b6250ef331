"""Versioned, content-addressed artifacts (datasets, models), their aliases and lineage.

``Artifact`` is built in the training script and logged with ``run.log_artifact``; the store gives
it a version (v0, v1, …) and moves ``latest``. ``ArtifactVersion`` reads a stored version back.
"""

from __future__ import annotations

from cairn.artifacts.artifact import Artifact
from cairn.artifacts.version import ArtifactVersion

__all__ = ["Artifact", "ArtifactVersion"]
