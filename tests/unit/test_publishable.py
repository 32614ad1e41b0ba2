"""What a published copy carries: a licence, the Serverless Application Repository listing and a version
that agree with each other, and usage errors a user reads on one line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.helpers import REPO, load_template, run_cli


def _pyproject_version() -> str:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    version = data["project"]["version"]
    assert isinstance(version, str)
    return version


def test_version_prints_the_package_version() -> None:
    proc = run_cli(["--version"])
    assert proc.exit_code == 0
    assert proc.stdout == f"hf-digest {_pyproject_version()}\n"


def test_the_repository_listing_names_the_licence_the_readme_and_this_version() -> None:
    listing = load_template()["Metadata"]["AWS::ServerlessRepo::Application"]
    assert listing["SemanticVersion"] == _pyproject_version()
    assert listing["SpdxLicenseId"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    for key in ("LicenseUrl", "ReadmeUrl"):
        assert (REPO / Path(listing[key])).is_file(), key
    assert listing["SourceCodeUrl"].startswith("https://")
    assert {"Name", "Description", "Author", "Labels"} <= set(listing)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "--bogus"], "unrecognized arguments: --bogus"),
        (["run", "--lang", "xx"], "argument --lang: invalid choice: 'xx'"),
        ([], "the following arguments are required: command"),
        (["notify"], "the following arguments are required: --date"),
    ],
)
def test_a_usage_error_is_one_line_and_exits_2(argv: list[str], words: str) -> None:
    proc = run_cli(argv)
    assert proc.exit_code == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert words in proc.stderr and "--help" in proc.stderr
    assert "usage:" not in proc.stderr
