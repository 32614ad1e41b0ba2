"""The destinations a post can go to, and the one parser of a list of them (settings, profiles, events)."""

from __future__ import annotations

import json

from hf_digest.errors import BadInput

DESTINATIONS = ("local", "github", "s3")


def parse_destinations(value: object, field: str = "DIGEST_DESTINATIONS") -> tuple[str, ...]:
    """Destinations from "github,s3" or ["github", "s3"]; errors name field (variable, flag, key)."""
    names: list[object]
    if isinstance(value, str):
        names = [part.strip().lower() for part in value.split(",") if part.strip()]
        shown = repr(value)
    elif isinstance(value, list | tuple):
        names, shown = list(value), json.dumps(list(value))
    else:
        raise BadInput(field, f'must be a list such as ["github", "s3"], got {json.dumps(value)}')
    if not names or any(name not in DESTINATIONS for name in names):
        raise BadInput(field, f"{shown} must name one or more of {', '.join(DESTINATIONS)}")
    if len(set(names)) != len(names):
        raise BadInput(field, f"{shown} names a destination twice")
    return tuple(str(name) for name in names)
