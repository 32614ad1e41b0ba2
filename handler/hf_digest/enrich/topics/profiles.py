"""Named digests: DIGEST_PROFILES, a JSON list of profiles, each a digest of its own from one read."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hf_digest.destinations import parse_destinations
from hf_digest.enrich.topics import parse_terms
from hf_digest.errors import BadInput, ConfigError

if TYPE_CHECKING:
    from hf_digest.config import Settings

# A profile's keys: the settings' names in lower case without their DIGEST_ prefix.
_KEYS = (
    "name",
    "include",
    "exclude",
    "lang",
    "top_n",
    "path_template",
    "weekly_path_template",
    "monthly_path_template",
    "data_path_template",
    "destinations",
    "interests",
    "interests_top",
    "interests_rank",
)
MAX_PROFILES = 10


@dataclass(frozen=True)
class Profile:
    """One named digest; a None field takes the deployment's setting."""

    name: str
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    lang: str | None = None
    top_n: int | None = None
    path_template: str | None = None
    weekly_path_template: str | None = None
    monthly_path_template: str | None = None
    data_path_template: str | None = None
    destinations: tuple[str, ...] | None = None
    interests: str | None = None  # the profile's own DIGEST_INTERESTS (free text or a library file)
    interests_top: int | None = None
    interests_rank: str | None = None  # upvotes, or relevance: the profile's digest ranked for its reader

    def settings(self, base: Settings) -> Settings:
        """base with this profile's values in place of its own, and no profiles of its own. A profile with
        its own path_template writes its weekly, monthly and data files under names of its own too."""
        changes: dict[str, Any] = {}
        if self.path_template is not None:
            for key in ("weekly_path_template", "monthly_path_template", "data_path_template"):
                inherited = getattr(base, key)
                if inherited:
                    stem, dot, ext = inherited.rpartition(".")
                    changes[key] = f"{stem}-{self.slug}.{ext}" if dot else f"{inherited}-{self.slug}"
        changes.update({key: getattr(self, key) for key in _KEYS[1:] if getattr(self, key) is not None})
        # The site keeps one root language whatever a profile's own: DIGEST_LANG.
        return replace(base, **changes, profiles=(), site_lang=base.home_lang)

    @property
    def overlay(self) -> dict[str, Any]:
        """What this profile sets of a request's options (request.OVERLAY_KEYS); None keeps the request's."""
        return {"lang": self.lang, "top_n": self.top_n, "destinations": self.destinations}

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "profile"


def _terms(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(term, str) for term in value):
        return parse_terms(",".join(json.dumps(term) for term in value), where)
    if isinstance(value, str):
        return parse_terms(value, where)
    raise ConfigError(f"{where}: must be a comma separated string or a list of strings")


def _profile(raw: object, index: int) -> Profile:
    where = f"DIGEST_PROFILES[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: must be an object such as {{"name": "robotics"}}')
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}.name: every profile needs a name")
    values: dict[str, Any] = {"name": name.strip()}
    for key in ("include", "exclude"):
        if key in raw:
            values[key] = _terms(raw[key], f"{where}.{key}")
    if "lang" in raw:
        if not isinstance(raw["lang"], str):
            raise ConfigError(f'{where}.lang: must be a string such as "en"')
        values["lang"] = raw["lang"].lower()
    for key in ("top_n", "interests_top"):
        if key in raw:
            if isinstance(raw[key], bool) or not isinstance(raw[key], int):
                raise ConfigError(f"{where}.{key}: must be a whole number")
            values[key] = raw[key]
    for key in ("interests", "interests_rank"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise ConfigError(f"{where}.{key}: must be a non-empty string")
            values[key] = raw[key].strip()
    for key in ("path_template", "weekly_path_template", "monthly_path_template", "data_path_template"):
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise ConfigError(f'{where}.{key}: must be a path template such as "_posts/{{date}}-x.md"')
            values[key] = raw[key].strip()
    if "destinations" in raw:
        try:
            values["destinations"] = parse_destinations(raw["destinations"], f"{where}.destinations")
        except BadInput as exc:
            raise ConfigError(str(exc)) from None
    return Profile(**values)


def parse_profiles(raw: str | None) -> tuple[Profile, ...]:
    """The profiles of DIGEST_PROFILES (none when unset); errors name the profile and its key."""
    if raw is None or not raw.strip():
        return ()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"DIGEST_PROFILES: not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, list) or not data:
        raise ConfigError("DIGEST_PROFILES: must be a non-empty JSON list of profiles")
    if len(data) > MAX_PROFILES:
        raise ConfigError(f"DIGEST_PROFILES: {len(data)} profiles; at most {MAX_PROFILES}")
    profiles = tuple(_profile(item, index) for index, item in enumerate(data))
    names = [profile.name for profile in profiles]
    if len(set(names)) != len(names):
        raise ConfigError("DIGEST_PROFILES: two profiles share a name")
    return profiles


def check_paths(base: Settings) -> None:
    """No two profiles write one file to one destination (each would overwrite the other): the paths their
    templates give for sample days are compared, each profile's own settings checked first."""
    from hf_digest.core import layout

    own = [(profile, profile.settings(base).validate()) for profile in base.profiles]
    layout.check(
        file
        for profile, settings in own
        # A profile with a language of its own is never asked for another (`--lang` does not reach it).
        for file in layout.files(settings, profile.name, (profile.lang,) if profile.lang else None)
    )
