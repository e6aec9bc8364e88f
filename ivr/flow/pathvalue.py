"""Pick a value out of decoded JSON by a dotted path: 'delivery.eta', 'items.0.name'."""
from __future__ import annotations

from typing import Any


def lookup(data: Any, path: str) -> Any:
    """The value at `path`, or None when any step is missing."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
