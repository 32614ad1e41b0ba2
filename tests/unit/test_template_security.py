"""template.yaml under a security scan: every checkov finding is fixed, or explained in the resource's
Metadata with a reason that stays true here, and the README's security table names the same exceptions.

checkov itself runs in `.ci/sam-checks` (its own virtualenv); these tests hold the template to what the
explanations claim, so an edit that makes one false fails here first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.helpers import load_template

REPO = Path(__file__).resolve().parents[2]
CHECK_ID = re.compile(r"\bCKV2?_AWS_\d+\b")


template: dict[str, Any] = load_template()
resources: dict[str, Any] = template["Resources"]
function = resources["DigestFunction"]["Properties"]


def skips(logical_id: str) -> dict[str, str]:
    """check id -> the reason, as the resource's `Metadata: checkov: skip:` gives them."""
    listed = ((resources[logical_id].get("Metadata") or {}).get("checkov") or {}).get("skip") or []
    return {skip["id"]: skip.get("comment", "") for skip in listed}


def test_the_state_table_can_be_restored_to_any_second_of_the_last_35_days() -> None:
    # The notifications' ledger lives there: a table restored without it would announce every digest again.
    table = resources["StateTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert "CKV_AWS_28" not in skips("StateTable")  # fixed, not explained away


def test_every_queue_is_encrypted_with_sqs_managed_keys_which_checkov_does_not_read() -> None:
    queues = [name for name, resource in resources.items() if resource["Type"] == "AWS::SQS::Queue"]
    assert len(queues) == 4
    for name in queues:
        assert resources[name]["Properties"]["SqsManagedSseEnabled"] is True, name
        assert "SqsManagedSseEnabled" in skips(name)["CKV_AWS_27"], name


def test_the_backfill_fan_out_is_bounded_by_the_event_source_not_by_reserved_concurrency() -> None:
    # Lambda refuses reserved concurrency that leaves fewer than 100 units unreserved: on a new account with a
    # quota of 10 the deploy would fail. The event source's bound (2 to 1000) cannot.
    assert "ReservedConcurrentExecutions" not in function
    backfill = function["Events"]["Backfill"]
    assert backfill["Type"] == "SQS"
    assert backfill["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert "MaximumConcurrency" in skips("DigestFunction")["CKV_AWS_115"]


def test_failed_runs_go_to_an_on_failure_destination_and_failed_backfill_days_to_a_dead_letter() -> None:
    on_failure = function["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]
    assert on_failure == {"Type": "SQS", "Destination": {"!GetAtt": "FailedRunsQueue.Arn"}}
    redrive = resources["BackfillQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"!GetAtt": "BackfillDeadLetterQueue.Arn"}
    assert "FailedRunsQueue" in skips("DigestFunction")["CKV_AWS_116"]


def test_the_alarm_topic_stays_one_cloudwatch_alarms_can_publish_to() -> None:
    # Under alias/aws/sns an alarm's action fails (CloudWatch may not use that key): no alarm mail arrives.
    topic = resources["AlarmTopic"]["Properties"]
    assert "KmsMasterKeyId" not in topic
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert alarms and all(alarm["AlarmActions"] == [{"!Ref": "AlarmTopic"}] for alarm in alarms)
    assert "alias/aws/sns" in skips("AlarmTopic")["CKV_AWS_26"]


def test_no_secret_is_in_the_functions_environment_only_where_to_read_it() -> None:
    variables = function["Environment"]["Variables"]
    secrets = {"GITHUB_TOKEN", "HF_TOKEN", "SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN"}
    assert not secrets & set(variables)
    assert variables["GITHUB_TOKEN_SECRET"] == {"!If": ["UsesGitHub", {"!Ref": "GitHubTokenSecretName"}, ""]}
    assert variables["DIGEST_NOTIFY_SECRET"] == {"!Ref": "NotifySecretArn"}
    assert "never a secret" in skips("DigestFunction")["CKV_AWS_173"]


def test_the_site_front_is_what_its_explanations_say() -> None:
    # Default *.cloudfront.net certificate (so TLSv1 cannot be raised), static files by GET and HEAD only (no
    # WAF), and a bucket without ACLs (so no CloudFront standard logs); the bucket keeps every version.
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert "ViewerCertificate" not in config and "Aliases" not in config
    assert config["DefaultCacheBehavior"]["AllowedMethods"] == ["GET", "HEAD"]
    bucket = resources["DigestBucket"]["Properties"]
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert set(skips("SiteDistribution")) == {"CKV_AWS_68", "CKV_AWS_86", "CKV_AWS_174"}
    assert set(skips("DigestBucket")) == {"CKV_AWS_18"}


def test_the_readme_names_every_exception_the_template_makes_each_with_its_reason() -> None:
    explained = {(name, check) for name in resources for check in skips(name)}
    assert len(explained) == 15
    for name, check in explained:
        assert CHECK_ID.fullmatch(check), (name, check)
        assert len(skips(name)[check]) >= 60, f"{name} {check}: say why in a sentence"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What the stack does for security", 1)[1].split("\n## ", 1)[0]
    assert set(CHECK_ID.findall(section)) == {check for _, check in explained}


def test_the_role_may_send_as_and_read_only_the_configured_sender() -> None:
    """`hf-digest check` reads the sender's identity (GetEmailIdentity) on the same two ARNs SendEmail is
    allowed on, the address and its domain, under the same condition, and nothing else in SES."""
    ses = [
        statement
        for policy in function["Policies"]
        if isinstance(policy, dict) and "!If" in policy
        for statement in (policy["!If"][1] or {}).get("Statement", [])
        if any(str(a).startswith("ses:") for a in _actions(statement))
    ]
    assert len(ses) == 1
    assert sorted(_actions(ses[0])) == ["ses:GetEmailIdentity", "ses:SendEmail"]
    arns = [sub["!Sub"][0] for sub in ses[0]["Resource"]]
    assert [arn.rsplit("/", 1)[1] for arn in arns] == ["${EmailFrom}", "${Domain}"]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else list(action)
