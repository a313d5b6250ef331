"""``init_from_hydra``: a run for each job of a ``@hydra.main`` app, with the composed config and
the command line's overrides; the jobs of one multirun (``-m``) form one group.

```python
@hydra.main(config_path="conf", config_name="config", version_base=None)
def train(cfg: DictConfig) -> None:
    run = init_from_hydra(cfg, project="x")
```

Needs ``hydra-core`` (``pip install 'cairn[hydra]'``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

import cairn
from cairn.errors import UsageError
from cairn.sdk.location import FOLDER


def init_from_hydra(cfg: DictConfig, **init_kwargs: Any) -> cairn.Run:
    """``cairn.init`` for the Hydra job this is called in (inside the ``@hydra.main`` function):

    - ``config``: ``cfg``, the composed config, with its interpolations resolved;
    - ``name``: the job's name, then its overrides as Hydra names the job's folder
      (``train-lr=0.1,model=big``; ``hydra.job.name`` and
      ``hydra.job.config.override_dirname`` say what goes in);
    - ``tags``: each override of the command line (``lr=0.1``), after any ``tags`` you pass;
      ``notes``: the overrides on one line;
    - ``group``: in a multirun (``-m``), the sweep's folder (``hydra.sweep.dir``), shared by
      the sweep's jobs, so the dashboard groups them.

    Any ``cairn.init`` argument in ``init_kwargs`` wins over these. Each job's run is the current
    run until the next job starts one (which finishes it) or the app ends; call ``run.finish()``
    at the end of the job to mark it done right away.

    With ``hydra.job.chdir=True`` jobs run in their output folder: the store is looked for from
    there up as always, and, when there is none, made in the folder the app was started from.
    """
    try:
        hydra = HydraConfig.get()
    except ValueError as exc:
        raise UsageError(
            "init_from_hydra needs a running Hydra job: call it inside the @hydra.main "
            "function (outside Hydra, use cairn.init(config=cfg))"
        ) from exc
    overrides = [str(o) for o in hydra.overrides.task]
    folder_name = hydra.job.override_dirname
    kwargs: dict[str, Any] = {
        "config": OmegaConf.to_container(cfg, resolve=True),
        "name": f"{hydra.job.name}-{folder_name}" if folder_name else hydra.job.name,
        "notes": f"hydra overrides: {' '.join(overrides)}" if overrides else None,
    }
    if hydra.mode == RunMode.MULTIRUN:
        kwargs["group"] = str(hydra.sweep.dir)
    store = _store_made_at_launch(hydra.job.chdir, Path(hydra.runtime.cwd))
    if store is not None:
        kwargs["dir"] = store
    kwargs.update(init_kwargs)
    tags = list(init_kwargs.get("tags", ()))
    kwargs["tags"] = tags + [o for o in overrides if len(o) <= 255 and o not in tags]
    return cairn.init(**kwargs)


def _store_made_at_launch(chdir: bool | None, launch_dir: Path) -> Path | None:
    """The store to use when the job runs in its output folder and no store is found from there
    up: one in the folder the app was started from (else None: ``cairn.init`` decides)."""
    if not chdir or os.environ.get("CAIRN_DIR"):
        return None
    here = Path.cwd().resolve()
    if any((folder / FOLDER).is_dir() for folder in (here, *here.parents)):
        return None
    return launch_dir / FOLDER
