"""template.yaml's state table and Bedrock grants: on-demand with TTL, least privilege, settings passed on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hf_digest.adapters.state.dynamodb import _NAMES
from hf_digest.enrich.summaries.report import price
from tests.helpers import load_template

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


template: dict[str, Any] = load_template(TEMPLATE)
function = template["Resources"]["DigestFunction"]["Properties"]


def statements() -> list[dict[str, Any]]:
    found = []
    for policy in function["Policies"]:
        if "!If" in policy:
            condition, policy, _ = policy["!If"]
            found += [dict(s, OnlyIf=condition) for s in policy["Statement"]]
        else:
            found += policy["Statement"]
    return found


def test_the_state_table_is_on_demand_with_ttl_and_the_key_the_code_uses() -> None:
    table = template["Resources"]["StateTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [{"AttributeName": _NAMES["#k"], "KeyType": "HASH"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": _NAMES["#e"], "Enabled": True}
    assert function["Environment"]["Variables"]["DIGEST_STATE_TABLE"] == {"!Ref": "StateTable"}


def test_the_function_may_use_that_table_only_with_the_calls_the_store_makes() -> None:
    (grant,) = [s for s in statements() if any(str(a).startswith("dynamodb:") for a in _actions(s))]
    assert sorted(_actions(grant)) == sorted(
        f"dynamodb:{name}" for name in ("GetItem", "PutItem", "UpdateItem", "BatchGetItem", "DeleteItem")
    )
    assert grant["Resource"] == {"!GetAtt": "StateTable.Arn"}


def bedrock_statements() -> list[dict[str, Any]]:
    return [s for s in statements() if any(str(a).startswith("bedrock:") for a in _actions(s))]


def test_bedrock_is_granted_only_for_summaries_or_interests_each_only_when_its_model_is_set() -> None:
    bedrock = bedrock_statements()
    assert sorted(s["OnlyIf"] for s in bedrock) == ["InterestsEmbeddingsOn", "SummariesOn", "SummariesOn"]
    assert all(_actions(s) == ["bedrock:InvokeModel"] for s in bedrock)


def test_bedrock_is_granted_only_on_the_configured_model_and_only_when_summaries_are_on() -> None:
    bedrock = [s for s in bedrock_statements() if s["OnlyIf"] == "SummariesOn"]
    assert all(_actions(s) == ["bedrock:InvokeModel"] for s in bedrock)
    direct, routed = bedrock
    arns = [resource["!Sub"][0] for resource in direct["Resource"]]
    assert any(arn.endswith("::foundation-model/${SummaryModel}") for arn in arns)
    assert any(arn.endswith(":inference-profile/${SummaryModel}") for arn in arns)
    # The foundation models a cross-Region profile routes to: any Region, but only through this profile.
    profile = routed["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"]["!Sub"][0]
    assert profile.endswith(":inference-profile/${SummaryModel}")
    variables = function["Environment"]["Variables"]
    assert variables["DIGEST_SUMMARY_MODEL"] == {"!Ref": "SummaryModel"}
    assert variables["DIGEST_SUMMARY_REGION"] == {"!FindInMap": ["Deploy", "Stack", "SummaryRegion"]}
    assert template["Parameters"]["SummaryModel"]["Default"] == ""  # off until asked


def test_embeddings_are_granted_only_on_the_deploy_mappings_interests_model_and_only_when_it_is_set() -> None:
    model = {"!FindInMap": ["Deploy", "Stack", "InterestsModel"]}
    (grant,) = [s for s in bedrock_statements() if s["OnlyIf"] == "InterestsEmbeddingsOn"]
    assert "Condition" not in grant and grant["Effect"] == "Allow"
    # One foundation model in the stack's Region (the function's client has no Region of its own for it).
    assert grant["Resource"] == {
        "!Sub": ["arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${Model}", {"Model": model}]
    }
    assert template["Conditions"]["InterestsEmbeddingsOn"] == {"!Not": [{"!Equals": [model, ""]}]}
    assert template["Mappings"]["Deploy"]["Stack"]["InterestsModel"] == ""  # lexical (no Bedrock) until set
    assert function["Environment"]["Variables"]["DIGEST_INTERESTS_MODEL"] == model
    assert "InterestsModel" not in template["Parameters"]  # not one more guided question


def test_an_alarm_watches_runs_whose_summaries_all_failed() -> None:
    alarm = template["Resources"]["SummariesFailedAlarm"]
    assert alarm["Condition"] == "SummariesOn"
    assert alarm["Properties"]["MetricName"] == "SummariesRunFailed"


def test_an_alarm_watches_the_monthly_cost_cap() -> None:
    alarm = template["Resources"]["SummaryCostCapAlarm"]
    # Summaries or the interests' embeddings: either spends from the one monthly cap.
    assert alarm["Condition"] == "ModelCostsOn"
    assert template["Conditions"]["ModelCostsOn"] == {
        "!Or": [{"!Condition": "SummariesOn"}, {"!Condition": "InterestsEmbeddingsOn"}]
    }
    assert alarm["Properties"]["MetricName"] == "SummaryCostCapReached"  # SummaryReport.metrics() emits it
    assert alarm["Properties"]["AlarmActions"] == [{"!Ref": "AlarmTopic"}]


def test_the_model_question_names_one_recommended_model_and_stays_off_until_answered() -> None:
    question = template["Parameters"]["SummaryModel"]
    recommended = "apac.amazon.nova-lite-v1:0"
    assert question["Default"] == "" and f"Recommended: {recommended}" in " ".join(
        question["Description"].split()
    )
    assert price(recommended) is not None  # its price is in the table the cap counts with
    assert re.fullmatch(question["AllowedPattern"], recommended)


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else list(actions)
