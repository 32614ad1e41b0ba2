"""The template's variants, and the gate on checkov's findings for each; run by .ci/sam-checks.

    python .ci/template_checks.py variants template.yaml OUT_DIR  # writes OUT_DIR/<variant>.yaml
    python .ci/template_checks.py transform VARIANT.yaml OUT.json  # SAM's transform, offline (tools venv)
    python .ci/template_checks.py gate VARIANT.yaml CHECKOV.json   # 1 unless all is fixed or explained

A variant is template.yaml with some parameters' defaults (or values of its Deploy mapping) changed, so
that cfn-lint, sam validate and checkov (which resolve !Ref to a parameter's default) see the stack as a
user who turned a feature on deploys it.
checkov reads AWS::Serverless::Function as it is; the transformed template shows it what CloudFormation
deploys: the function's IAM role, the schedules and their roles, the event source mapping.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

# name -> {parameter: default}; "defaults" is the template as it is.
VARIANTS: dict[str, dict[str, str]] = {
    "defaults": {},
    "site": {"PublicFront": "on", "S3Prefix": "blog"},
    "summaries": {
        "SummaryModel": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "SummaryRegion": "us-west-2",
    },
    "interests": {"InterestsModel": "amazon.titan-embed-text-v2:0"},
    "notifications": {
        "Notify": "slack,discord,telegram,email",
        "NotifySecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-digest/notify-AbC123",
        "EmailFrom": "digest@example.com",
    },
    "github": {
        "Destinations": "github,s3",
        "GitHubRepository": "octocat/octocat.github.io",
        "GitHubTokenSecretName": "hf-digest/github-token",
    },
}


def write_variants(template: Path, out: Path) -> None:
    text = template.read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    for name, defaults in VARIANTS.items():
        variant = text
        for parameter, value in defaults.items():
            pattern = rf"(\n  {parameter}:\n    Type: String\n    Default: )[^\n]*"
            variant, count = re.subn(pattern, lambda m: m.group(1) + json.dumps(value), variant)  # noqa: B023
            if count == 0:  # a value of the Deploy mapping (what the guided deploy does not ask)
                pattern = rf"(\n      {parameter}: )[^\n#]*"
                variant, count = re.subn(pattern, lambda m: m.group(1) + json.dumps(value) + " ", variant)  # noqa: B023
            if count != 1:
                sys.exit(f"template_checks: {parameter} (variant {name}) not found in {template}")
        (out / f"{name}.yaml").write_text(variant, encoding="utf-8")


class _NoManagedPolicies:
    """SAM's transform asks AWS for managed policy ARNs only for a policy named by name; ours are inline."""

    def load(self) -> dict[str, str]:
        return {}


def transform(template: Path, out: Path) -> None:
    """The variant as CloudFormation receives it, with code locations as `sam package` would set them."""
    from samtranslator.translator.transform import transform as sam_transform  # the tools venv's
    from samtranslator.yaml_helper import yaml_parse

    document = yaml_parse(template.read_text(encoding="utf-8"))
    for name, resource in document["Resources"].items():
        for key in ("CodeUri", "ContentUri"):
            if isinstance(resource.get("Properties", {}).get(key), str):
                resource["Properties"][key] = f"s3://packaged/{name}.zip"
    out.write_text(json.dumps(sam_transform(document, {}, _NoManagedPolicies()), indent=1), encoding="utf-8")


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !If, ...) as nothing: only Metadata is read here."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def declared_skips(template: Path) -> tuple[dict[tuple[str, str], str], bool]:
    """(Type.LogicalId, check id) -> comment, for every `checkov: skip:` in the resources' Metadata; and
    whether the template is SAM's source (SAM copies a function's Metadata onto resources it makes beside it,
    such as its EventInvokeConfig, where the function's checks do not apply)."""
    document = yaml.load(template.read_text(encoding="utf-8"), _Loader)  # noqa: S506 (a SafeLoader)
    resources: dict[str, Any] = document["Resources"]
    found = {}
    for logical_id, resource in resources.items():
        for skip in ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip") or []:
            found[(f"{resource['Type']}.{logical_id}", skip["id"])] = str(skip.get("comment") or "").strip()
    return found, "Transform" in document


def gate(template: Path, report_path: Path) -> int:
    """0 when checkov read the template, nothing failed, and every skip says why and matches a check."""
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except ValueError:
        print(f"checkov {template.stem}: no JSON report (did checkov crash?): {report_path}")
        return 1
    summary, results = report["summary"], report["results"]
    name = f"checkov {template.stem}"
    if summary["parsing_errors"] or not summary["resource_count"]:
        print(f"{name}: checkov could not read the template ({summary['parsing_errors']} parsing errors)")
        return 1
    print(
        f"{name}: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} explained in the template (checkov {summary['checkov_version']})"
    )
    problems = [
        f"{failed['check_id']} {failed['resource']}: {failed['check_name']} (fix it, or explain it)"
        for failed in results["failed_checks"]
    ]
    used = {(skipped["resource"], skipped["check_id"]) for skipped in results["skipped_checks"]}
    declared, source = declared_skips(template)
    for (resource, check_id), comment in sorted(declared.items()):
        if not comment:
            problems.append(f"{check_id} {resource}: skipped without a comment saying why")
        if source and (resource, check_id) not in used:
            problems.append(f"{check_id} {resource}: skipped in Metadata, but no such check applies to it")
    for problem in problems:
        print(f"{name}: {problem}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "variants":
        write_variants(Path(argv[1]), Path(argv[2]))
        print(" ".join(VARIANTS))
        return 0
    if len(argv) == 3 and argv[0] == "transform":
        transform(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) == 3 and argv[0] == "gate":
        return gate(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
