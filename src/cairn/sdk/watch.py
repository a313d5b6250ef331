"""``run.watch(model)``: histograms of a PyTorch module's gradients and parameters.

Every ``log_freq``-th forward pass with gradients enabled (a training step) arms the watcher: it
logs ``parameters/<name>`` histograms right away, and the next backward pass's tensor hooks log
``gradients/<name>`` histograms and ``gradients/<name>/norm`` (the gradient's L2 norm). Other steps
cost one Python call per hook. Histograms are computed on the tensor's device (``torch.histc``,
64 bins over the finite values; NaN and ±Inf are counted apart), then copied to the host in one
transfer per tensor.

They are logged with ``commit=False``: they join the row the script commits next, at its step, and
never advance the step (as W&B does). torch is imported only when ``watch`` is called.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from typing import TYPE_CHECKING, Any

from cairn.errors import UsageError
from cairn.sdk.media.histogram import Histogram

if TYPE_CHECKING:
    from cairn.sdk.run import Run

BINS = 64
LOG_KINDS = ("gradients", "parameters", "all")


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise UsageError(
            "run.watch() needs PyTorch, which is not installed: pip install 'cairn[torch]' "
            "(or pip install torch)"
        ) from None
    return torch


class Watcher:
    """The hooks on one watched module; ``remove()`` takes them all off."""

    def __init__(
        self, run: Run, model: Any, *, log: str = "gradients", log_freq: int = 1000
    ) -> None:
        torch = _torch()
        if not isinstance(model, torch.nn.Module):
            raise TypeError(
                f"run.watch() takes a torch.nn.Module, not {type(model).__name__}; "
                "pass the model you train"
            )
        if log not in LOG_KINDS:
            raise ValueError(f"log={log!r}: use one of {', '.join(map(repr, LOG_KINDS))}")
        if isinstance(log_freq, bool) or not isinstance(log_freq, int) or log_freq < 1:
            raise ValueError(f"log_freq={log_freq!r}: give a whole number of steps of at least 1")
        self.model = model
        self.log = log
        self.log_freq = log_freq
        self.forwards = 0
        """Training forward passes seen (with gradients enabled)."""
        self._run = weakref.ref(run)
        self._torch = torch
        self._params = [(name, p) for name, p in model.named_parameters()]
        trainable = [(name, p) for name, p in self._params if p.requires_grad]
        self._gradients = log in ("gradients", "all")
        if self._gradients and not trainable:
            raise ValueError(
                f"{type(model).__name__} has no parameters that require gradients; "
                "watch it with log='parameters'"
            )
        self._armed: set[str] = set()
        self._failed: set[str] = set()
        self._lock = threading.Lock()  # CUDA runs backward hooks on the device's threads
        self._handles = [model.register_forward_pre_hook(self._on_forward)]
        if self._gradients:
            for name, param in trainable:
                self._handles.append(param.register_hook(self._gradient_hook(name)))

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._armed.clear()

    # ---- hooks --------------------------------------------------------------------------

    def _on_forward(self, module: Any, args: Any) -> None:
        if not self._torch.is_grad_enabled():
            return  # evaluation: not a training step
        self.forwards += 1
        if (self.forwards - 1) % self.log_freq:
            return
        if self._gradients:
            with self._lock:
                self._armed = {name for name, p in self._params if p.requires_grad}
        if self.log in ("parameters", "all"):
            self._log_parameters()

    def _gradient_hook(self, name: str) -> Any:
        def hook(grad: Any) -> None:
            if not self._armed or name not in self._armed:
                return
            with self._lock:
                if name not in self._armed:
                    return
                self._armed.discard(name)
            summary = self._summarize(f"gradients/{name}", grad)
            if summary is not None:
                histogram, norm = summary
                self._send({f"gradients/{name}": histogram, f"gradients/{name}/norm": norm})

        return hook

    def _log_parameters(self) -> None:
        row: dict[str, Any] = {}
        with self._torch.no_grad():
            for name, param in self._params:
                summary = self._summarize(f"parameters/{name}", param.detach())
                if summary is not None:
                    row[f"parameters/{name}"] = summary[0]
        if row:
            self._send(row)

    # ---- histograms ---------------------------------------------------------------------

    def _summarize(self, key: str, tensor: Any) -> tuple[Histogram, float] | None:
        """(a histogram of the tensor, its L2 norm); None, with one warning per key, for a
        tensor that cannot be binned: a watched model must never stop training."""
        try:
            return self._histogram(tensor)
        except Exception as exc:
            if key not in self._failed:
                self._failed.add(key)
                warnings.warn(
                    f"cairn: run.watch() skips {key}: {exc!r} (training goes on)", stacklevel=2
                )
            return None

    def _histogram(self, tensor: Any) -> tuple[Histogram, float]:
        """Computed on the tensor's device; one transfer to the host."""
        torch = self._torch
        if tensor.is_sparse:  # sparse gradients (nn.Embedding(sparse=True)): the stored values
            tensor = tensor.coalesce().values()
        values = tensor.detach().reshape(-1).float()
        finite = torch.isfinite(values)
        stats = torch.stack(
            [
                torch.isnan(values).sum().float(),
                torch.isposinf(values).sum().float(),
                torch.isneginf(values).sum().float(),
                finite.sum().float(),
                torch.linalg.vector_norm(values),
            ]
        )
        kept = values[finite] if values.numel() else values
        if kept.numel():
            bounds = torch.stack([kept.min(), kept.max()])
            counts = torch.histc(kept, bins=BINS, min=0, max=0)  # 0, 0: the data's own range
            host = torch.cat([stats, bounds, counts]).cpu().tolist()  # one device transfer
            low, high = host[5], host[6]
            if low == high:  # histc spreads a constant over [v - 1, v + 1]
                low, high = low - 1.0, high + 1.0
            counts_host = host[7:]
        else:
            host = stats.cpu().tolist()
            low, high, counts_host = 0.0, 1.0, [0.0] * BINS
        step = (high - low) / BINS
        edges = [low + i * step for i in range(BINS)] + [high]
        histogram = Histogram(np_histogram=(counts_host, edges))
        histogram.nan, histogram.inf, histogram.ninf = (int(v) for v in host[:3])
        return histogram, float(host[4])

    def _send(self, row: dict[str, Any]) -> None:
        run = self._run()
        if run is None or run._closed:
            return
        run.log(row, commit=False)
