"""The settings file, digest.toml: one typed read (msgspec) of the same settings the environment holds.

A setting is defined once, on `config.Settings` (`setting(default, ENV_NAME, help)`); its file key is its
environment name without the DIGEST_ prefix, in lower case (DIGEST_TOP_N is `top_n`, GITHUB_BRANCH is
`github_branch`), and its CLI flag, where it has one, is the key with dashes (`--top-n`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hf_digest.errors import ConfigError

if TYPE_CHECKING:
    import msgspec

FILE_NAME = "digest.toml"
# The file that ships with the function: handler/digest.toml, beside app.py (sam build copies it).
PACKAGED = Path(__file__).resolve().parent.parent / FILE_NAME
SOURCES = ("flag", "env", "file", "default")


def setting(
    default: Any, env: str, help: str, *, secret: bool = False, parse: Callable[[str, str], Any] | None = None
) -> Any:
    """A Settings field that users set: its environment name, its help line, whether it is a secret, and
    its parser from the variable's text when its type's (config.BY_TYPE) does not suit."""
    metadata = {"env": env, "help": help, "secret": secret, "parse": parse}
    return field(default=default, repr=not secret, metadata=metadata)


@dataclass(frozen=True)
class Spec:
    """One user setting, as read from Settings' field metadata."""

    attr: str  # the Settings attribute
    env: str  # DIGEST_TOP_N
    annotation: str  # the Settings annotation, e.g. "tuple[str, ...]"
    default: Any
    help: str
    secret: bool
    parse: Callable[[str, str], Any]  # the variable's text -> the value (None: as unset)

    @property
    def key(self) -> str:
        """The file key: the environment name without DIGEST_, lower case."""
        return self.env.removeprefix("DIGEST_").lower()

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")

    def file_type(self) -> Any:
        """What TOML value the file may give: a list for a list setting, a table list for profiles."""
        kind = self.annotation.removesuffix(" | None")
        if kind in ("int", "bool", "float"):
            return {"int": int, "bool": bool, "float": float}[kind]
        if kind == "tuple[int, ...]":
            return list[int] | str
        if kind == "tuple[Profile, ...]":
            return list[dict[str, Any]] | str
        if kind.startswith("tuple["):
            return list[str] | str
        return str


def as_text(spec: Spec, value: Any) -> str:
    """A file value as the environment would spell it, so one parser reads both."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        if spec.annotation.startswith("tuple[Profile"):
            return json.dumps(value)
        # A term holding a comma is quoted, as in DIGEST_INCLUDE.
        return ",".join(json.dumps(item) if "," in str(item) else str(item) for item in value)
    return str(value)


def shown(value: Any) -> str:
    """A value as TOML would write it (strings quoted), for error lines."""
    return json.dumps(value, ensure_ascii=False, default=str)


def read(path: Path, specs: Iterable[Spec]) -> dict[str, tuple[str, Any]]:
    """{ENV_NAME: (text, file value)} from the file; ConfigError naming the file, key and value."""
    import tomllib  # the file is read at the first invocation, not at import: out of the cold start

    import msgspec

    by_key = {spec.key: spec for spec in specs}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the settings file ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not TOML: {exc}") from None
    for key, value in data.items():
        if key not in by_key:
            import difflib  # only for a mistake: kept out of the cold start

            near = difflib.get_close_matches(key, by_key, n=1)
            hint = f"; did you mean {near[0]}?" if near else "; `hf-digest config` lists the keys"
            secret = _SECRET_LOOKING.search(key) or (near and by_key[near[0]].secret)
            masked = "***" if secret else shown(value)
            raise ConfigError(f"{path}: {key} = {masked}: unknown key{hint}")
    try:
        msgspec.convert(data, _file_type(tuple(by_key.values())))
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$.")
        named = re.match(r"\w+", where)
        name = named[0] if named else "?"
        value = "***" if name in by_key and by_key[name].secret else shown(data.get(name))
        raise ConfigError(f"{path}: {name} = {value}: {message[:1].lower()}{message[1:]}") from None
    return {by_key[key].env: (as_text(by_key[key], value), value) for key, value in data.items()}


# An unknown key that may hold a secret (a misspelt github_token) never shows its value.
_SECRET_LOOKING = re.compile(r"token|secret|webhook|password|chat_id", re.IGNORECASE)
_TYPES: dict[tuple[Spec, ...], type[msgspec.Struct]] = {}


def _file_type(specs: tuple[Spec, ...]) -> type[msgspec.Struct]:
    """A msgspec Struct of every key, each optional, unknown keys refused."""
    import msgspec

    if specs not in _TYPES:
        fields = [(spec.key, spec.file_type(), msgspec.UNSET) for spec in specs]
        _TYPES[specs] = msgspec.defstruct("DigestToml", fields, forbid_unknown_fields=True, kw_only=True)
    return _TYPES[specs]


def markdown_table(specs: Iterable[Spec], shown_value: Any) -> str:
    """The README's table of every setting, from the one definition (tests/unit/test_readme_settings.py)."""
    rows = ["| key (`digest.toml`) | environment | default | meaning |", "|---|---|---|---|"]
    for spec in specs:
        value = shown_value(spec.default)
        default = "(none)" if value is None or value == '""' else f"`{value}`"
        meaning = spec.help + (" (secret: masked by `hf-digest config`)" if spec.secret else "")
        rows.append(f"| `{spec.key}` | `{spec.env}` | {default} | {meaning} |")
    return "\n".join(rows)


def chosen(explicit: str | None, env: Mapping[str, str], *, cli: bool) -> Path | None:
    """The settings file to read: --settings, else DIGEST_SETTINGS, else ./digest.toml (CLI), else the one
    that ships with the function; None when none exists (a named file that is missing is an error)."""
    named = explicit or (env.get("DIGEST_SETTINGS") or "").strip() or None
    if named is not None:
        path = Path(named).expanduser()
        if not path.is_file():
            where = "--settings" if explicit else "DIGEST_SETTINGS"
            raise ConfigError(f"{where}: {named} is not a file")
        return path
    here = Path(FILE_NAME)
    if cli and here.is_file():
        return here
    return PACKAGED if PACKAGED.is_file() else None
