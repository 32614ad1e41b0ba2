"""The settings file, digest.toml: its precedence under the environment and the flags, and its errors, each
one line naming the file, key and value, with exit 2 before anything is written."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from hf_digest import config
from hf_digest.settings_file import PACKAGED
from tests.helpers import hf_digest, run_cli
from tests.hf_server import HFServer

POST = Path("_posts/2026-02-10-hf-daily-papers.md")


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def effective(lines: str) -> dict[str, tuple[str, str]]:
    """`hf-digest config`'s lines as {key: (value, source)}."""
    found = {}
    for line in lines.splitlines():
        if line.startswith("#"):
            continue
        setting, _, source = line.rpartition(" # ")
        key, _, value = setting.partition(" = ")
        found[key.strip()] = (value.strip(), source.strip())
    return found


def test_flags_beat_the_environment_which_beats_the_file_which_beats_the_defaults(tmp_path: Path) -> None:
    path = settings_file(tmp_path, 'top_n = 3\nlang = "en"\nauthor = "Kim"\ncatchup_days = 2\n')
    shown = run_cli(["config", "--settings", str(path)], {"DIGEST_TOP_N": "5", "DIGEST_AUTHOR": ""})
    assert shown.exit_code == 0, shown.stderr
    values = effective(shown.stdout)
    assert values["top_n"] == ("5", "env DIGEST_TOP_N")
    assert values["lang"] == ('"en"', "file")
    assert values["author"] == ('"Kim"', "file")  # an empty variable is unset: the template sets many so
    assert values["catchup_days"] == ("2", "file")
    assert values["notify_top"] == ("3", "default")
    # DIGEST_SETTINGS names the file too; --settings wins over it.
    (tmp_path / "other").mkdir()
    other = settings_file(tmp_path / "other", "top_n = 7\n")
    via_env = run_cli(["config"], {"DIGEST_SETTINGS": str(other)})
    assert effective(via_env.stdout)["top_n"] == ("7", "file")
    both = run_cli(["config", "--settings", str(path)], {"DIGEST_SETTINGS": str(other)})
    assert effective(both.stdout)["top_n"] == ("3", "file")


def test_a_run_takes_the_file_under_its_flags(hf_server: HFServer, tmp_path: Path) -> None:
    from_file, from_flag = tmp_path / "from-file", tmp_path / "from-flag"
    path = settings_file(tmp_path, f'output_dir = "{from_file}"\ntop_n = 3\n')
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--settings", str(path))
    assert proc.exit_code == 0, proc.stderr
    assert (from_file / POST).read_text(encoding="utf-8").count("👍") == 3

    flags = ("--out", str(from_flag), "--top", "4")
    flagged = hf_digest(hf_server, "run", "--date", "2026-02-10", "--settings", str(path), *flags)
    assert flagged.exit_code == 0, flagged.stderr
    assert (from_flag / POST).read_text(encoding="utf-8").count("👍") == 4


BAD_FILES = {
    "unknown key": ("topn = 5\n", ["topn = 5", "unknown key", "did you mean top_n?"]),
    "wrong type": ('top_n = "ten"\n', ['top_n = "ten"', "expected `int`, got `str`"]),
    "wrong list item": ('destinations = ["local", 3]\n', ["destinations", "expected `str`, got `int`"]),
    "bad value": ('lang = "fr"\n', ['lang = "fr"', "not one of ko, en"]),
    "not TOML": ("top_n = \n", ["not TOML", "line 1"]),
    "bad profile": ('profiles = [{ name = "r", lang = 5 }]\n', ["profiles[0].lang", "must be a string"]),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_settings_file_exits_2_naming_the_key_before_anything_is_written(
    case: str, hf_server: HFServer, tmp_path: Path
) -> None:
    text, named = BAD_FILES[case]
    path = settings_file(tmp_path, text)
    out = tmp_path / "out"
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--settings", str(path), "--out", str(out))
    assert proc.exit_code == 2
    assert proc.stdout == ""
    line = proc.stderr.strip()
    assert "\n" not in line and line.startswith(f"hf-digest: error: {path}: ")
    for part in named:
        assert part in line
    assert not out.exists() and hf_server.requests == []


def test_a_secret_never_shows(tmp_path: Path) -> None:
    token = "ghp_FAKEtokenFAKEtokenFAKE"
    shown = run_cli(["config"], {"GITHUB_TOKEN": token, "TELEGRAM_BOT_TOKEN": "12:abc"})
    assert shown.exit_code == 0
    assert effective(shown.stdout)["github_token"] == ('"***"', "env GITHUB_TOKEN")
    assert token not in shown.stdout and "12:abc" not in shown.stdout
    # a misspelt secret key in the file is refused without its value
    path = settings_file(tmp_path, f'github_tokn = "{token}"\n')
    refused = run_cli(["config", "--settings", str(path)])
    assert refused.exit_code == 2
    assert token not in refused.stderr and "github_tokn = ***" in refused.stderr


def test_a_named_settings_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    proc = run_cli(["config", "--settings", str(tmp_path / "nope.toml")])
    assert proc.exit_code == 2
    assert proc.stderr.strip() == f"hf-digest: error: --settings: {tmp_path / 'nope.toml'} is not a file"


def test_the_shipped_file_names_every_setting_but_the_secrets_and_changes_nothing(tmp_path: Path) -> None:
    text = PACKAGED.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {}  # all commented out: a fresh deploy gets the defaults
    examples = [line[2:] for line in text.splitlines() if re.match(r"# \w+ = ", line)]
    commented = {line.partition(" = ")[0] for line in examples}
    assert commented == {spec.key for spec in config.specs() if not spec.secret}
    # and each shipped example parses once uncommented
    uncommented = "\n".join(examples)
    assert set(tomllib.loads(uncommented)) == commented
    loaded = config.load({}, path=str(settings_file(tmp_path, uncommented)))
    assert loaded.settings.profiles[0].name == "robotics"
    assert {loaded.sources[spec.env] for spec in config.specs() if not spec.secret} == {"file"}


def test_every_variable_keeps_its_name_and_one_key() -> None:
    names = [spec.env for spec in config.specs()]
    keys = [spec.key for spec in config.specs()]
    assert len(set(names)) == len(names) and len(set(keys)) == len(keys)
    # The names deployed stacks use, unchanged.
    deployed = {"DIGEST_TOP_N", "GITHUB_TOKEN_SECRET", "DIGEST_BACKFILL_PACE", "GITHUB_COMMIT_MESSAGE"}
    assert deployed <= set(names)
    assert config.load({"DIGEST_BACKFILL_PACE": "2"}).settings.backfill_pace_s == 2.0
