"""Path and commit-message templates: the documented placeholders as written, and nothing else."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from hf_digest.adapters.publish.github import GitHubPublisher
from hf_digest.config import from_env
from hf_digest.core import paths
from hf_digest.errors import ConfigError

DAY = date(2026, 2, 10)


@pytest.mark.parametrize(
    ("template", "lang", "expected"),
    [
        ("_posts/{date}-hf-daily-papers.md", None, "_posts/2026-02-10-hf-daily-papers.md"),
        ("{year}/{month}/{day}.md", None, "2026/02/10.md"),
        ("_posts/{lang}/{date}.md", "en", "_posts/en/2026-02-10.md"),
        ("braces/{{literal}}-{date}.md", None, "braces/{literal}-2026-02-10.md"),
    ],
)
def test_documented_placeholders_fill_in(template: str, lang: str | None, expected: str) -> None:
    assert paths.resolve(template, DAY, variable="V", lang=lang) == expected


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("_posts/{date:>300}.md", "{date:>300}"),  # a format spec: a 300-character file name
        ("_posts/{date.__class__}.md", "{date.__class__}"),  # attribute access
        ("_posts/{date!r}.md", "{date!r}"),  # a conversion: quotes in the file name
        ("_posts/{date[0]}.md", "{date[0]}"),  # indexing
        ("_posts/{}.md", "{}"),  # positional
        ("_posts/{0}.md", "{0}"),
        ("_posts/{when}.md", "{when}"),  # unknown
        ("_posts/{lang}/{date}.md", "{lang}"),  # {lang} only where a language is given
        ("_posts/{date:{year}}.md", "{date:{year}}"),  # a nested spec
    ],
)
def test_anything_else_is_refused_naming_the_variable(template: str, shown: str) -> None:
    with pytest.raises(ConfigError) as caught:
        paths.resolve(template, DAY, variable="DIGEST_PATH_TEMPLATE")
    message = str(caught.value)
    assert message.startswith(f"DIGEST_PATH_TEMPLATE: {template!r} uses {shown}; only {{date}}, ")
    assert caught.value.exit_code == 2 and "\n" not in message


@pytest.mark.parametrize("template", ["_posts/{date.md", "_posts/date}.md", "_posts/{date!}.md"])
def test_unbalanced_braces_are_refused(template: str) -> None:
    with pytest.raises(ConfigError, match=r"^DIGEST_DATA_PATH_TEMPLATE: .* has an unmatched|uses"):
        paths.resolve(template, DAY, variable="DIGEST_DATA_PATH_TEMPLATE")


@pytest.mark.parametrize(
    "variable",
    [
        "DIGEST_PATH_TEMPLATE",
        "DIGEST_DATA_PATH_TEMPLATE",
        "DIGEST_WEEKLY_PATH_TEMPLATE",
        "DIGEST_MONTHLY_PATH_TEMPLATE",
    ],
)
def test_every_path_setting_is_checked_when_read(variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env({variable: "_posts/{date:>300}.md"})
    assert str(caught.value).startswith(f"{variable}: ")


@pytest.mark.parametrize("variable", ["GITHUB_COMMIT_MESSAGE", "GITHUB_COMMIT_MESSAGE_UPDATE"])
@pytest.mark.parametrize("template", ["Add {date.__class__}", "Add {date:>300}", "Add {date!r}"])
def test_commit_message_templates_take_only_date_as_written(variable: str, template: str) -> None:
    settings = from_env(
        {"GITHUB_REPOSITORY": "octo/blog", "GITHUB_TOKEN": "ghp_x", "DIGEST_DESTINATIONS": "github"}
    )
    field = "github_message_add" if variable == "GITHUB_COMMIT_MESSAGE" else "github_message_update"
    with pytest.raises(ConfigError) as caught:
        changed = (
            replace(settings, github_message_add=template)
            if field == "github_message_add"
            else replace(settings, github_message_update=template)
        )
        GitHubPublisher.from_settings(changed)
    assert str(caught.value).startswith(f"{variable}: {template!r} uses ")
