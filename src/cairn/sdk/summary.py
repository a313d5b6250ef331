"""``run.summary``: each key's last logged value, or its ``define_metric`` aggregate; explicit
``run.summary[k] = v`` wins. Reads see everything logged so far (they wait for the writer)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from cairn.sdk.config import json_safe


class Summary(MutableMapping[str, Any]):
    """The run's summary as a mapping; setting or deleting a key is journaled."""

    def __init__(
        self,
        computed: Callable[[], dict[str, Any]],
        on_set: Callable[[dict[str, Any], list[str]], None],
    ) -> None:
        self._computed = computed
        self._on_set = on_set
        self._explicit: dict[str, Any] = {}

    def _view(self) -> dict[str, Any]:
        view = self._computed()
        view.update(self._explicit)
        return view

    def __getitem__(self, key: str) -> Any:
        return self._view()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        value = json_safe(value, f"summary[{key!r}]")
        self._explicit[key] = value
        self._on_set({key: value}, [])

    def __delitem__(self, key: str) -> None:
        """Remove an explicitly set value (the key's logged aggregate, if any, shows again)."""
        if key not in self._explicit:
            raise KeyError(
                f"summary key {key!r} was not set explicitly; to leave a logged key out of the "
                f"summary use run.define_metric({key!r}, summary='none')"
            )
        del self._explicit[key]
        self._on_set({}, [key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._view())

    def __len__(self) -> int:
        return len(self._view())

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Set several keys in one journal record."""
        values = {k: json_safe(v, f"summary[{k!r}]") for k, v in dict(other, **kwargs).items()}
        self._explicit.update(values)
        self._on_set(values, [])

    def __repr__(self) -> str:
        return f"Summary({self._view()!r})"
