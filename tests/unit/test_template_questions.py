"""`sam deploy --guided` asks one question per template parameter: at most ten, each with a default that
works, and every other setting in the settings file the function ships with."""

from __future__ import annotations

from typing import Any

from hf_digest import config
from tests.helpers import load_template

template: dict[str, Any] = load_template()
parameters: dict[str, dict[str, Any]] = template["Parameters"]
variables: dict[str, Any] = template["Resources"]["DigestFunction"]["Properties"]["Environment"]["Variables"]


def test_the_guided_deploy_asks_at_most_ten_questions_each_with_a_default() -> None:
    assert 1 <= len(parameters) <= 10, sorted(parameters)
    for name, parameter in parameters.items():
        assert "Default" in parameter, f"{name} has no default"
        allowed = parameter.get("AllowedValues")
        assert allowed is None or parameter["Default"] in allowed, name
        assert parameter.get("Description"), f"{name} does not say what it is"
    # The defaults deploy as they are: s3 to the stack's own bucket (the rule asks more only for github).
    assert parameters["Destinations"]["Default"] == "s3" and parameters["S3BucketName"]["Default"] == ""


def test_the_questions_are_what_a_first_deploy_needs() -> None:
    assert set(parameters) == {
        "Destinations",
        "GitHubRepository",
        "GitHubTokenSecretName",
        "S3BucketName",
        "Language",
        "ScheduleExpression",
        "SummaryModel",
        "Notify",
        "NotifySecretArn",
        "AlarmEmail",
    }
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    grouped = [name for group in groups for name in group["Parameters"]]
    assert sorted(grouped) == sorted(parameters)  # the console shows each once


def test_every_variable_the_template_sets_is_a_setting_the_file_may_also_hold() -> None:
    names = {spec.env for spec in config.specs()}
    own = {name for name in variables if not name.startswith("POWERTOOLS_")}
    assert own <= names, own - names
    # the settings the template leaves empty give way to handler/digest.toml (an empty variable is unset)
    loaded = config.load({"DIGEST_SITE_URL": "", "S3_PREFIX": ""}, path=None)
    assert loaded.sources["DIGEST_SITE_URL"] == "default" and loaded.sources["S3_PREFIX"] == "default"
