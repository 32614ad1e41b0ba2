"""A stand-in for the GitHub Actions runner, enough to run this repository's composite action (action.yml).

It runs the action's `run:` steps in order with `bash --noprofile --norc -eo pipefail` (the runner's bash),
expands the `${{ }}` expressions the action uses (inputs, github, runner, steps, env), gives each step its
GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and the job's GITHUB_STEP_SUMMARY, and honours `if:` with always().
The `uses:` steps are played by hand: setup-python by the Python already first on PATH, actions/cache
restore and save by copying a folder to and from a local cache (exact key, else the newest restore-key).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class ActionRun:
    """What one run of the action left: each step's outcome and outputs, the job summary, the logs."""

    outcomes: dict[str, str] = field(default_factory=dict)  # step name or id: success, failure, skipped
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # step id: its outputs
    action_outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    log: str = ""
    restored_key: str | None = None

    @property
    def ok(self) -> bool:
        return "failure" not in self.outcomes.values()


@dataclass(frozen=True)
class StartTogether:
    """Runs that reach step_id one at a time and run it and what follows at the same moment."""

    gate: threading.Barrier
    turns: threading.Lock = field(default_factory=threading.Lock)
    step_id: str = "digest"


@dataclass
class Runner:
    """One job's runner: its workspace, temp folder, run id and the Actions cache it shares with others."""

    action_path: Path
    workspace: Path
    runner_temp: Path
    cache: Path
    run_id: int
    env: dict[str, str]
    token: str = "ghs_local-test-token"

    def run(self, inputs: Mapping[str, str] | None = None, start: StartTogether | None = None) -> ActionRun:
        """The action's steps in order. With start, the steps before start.step_id take turns with other
        runs (they share one venv here, where each job has its own) and the rest start at once."""
        action = yaml.safe_load((self.action_path / "action.yml").read_text(encoding="utf-8"))
        self.runner_temp.mkdir(parents=True, exist_ok=True)
        summary = self.runner_temp / "step_summary.md"
        summary.write_text("", encoding="utf-8")
        given = dict(inputs or {})
        unknown = set(given) - set(action.get("inputs", {}))
        if unknown:
            raise ValueError(f"inputs the action does not declare: {sorted(unknown)}")
        result = ActionRun()
        state: dict[str, Any] = {"inputs": {}, "steps": {}, "env": dict(self.env)}
        for name, spec in action.get("inputs", {}).items():
            raw = given.get(name, str(spec.get("default", "")))
            state["inputs"][name] = self._expand(raw, state)
        env = self.env | {
            "RUNNER_TEMP": str(self.runner_temp),
            "GITHUB_ACTION_PATH": str(self.action_path),
            "GITHUB_RUN_ID": str(self.run_id),
            "GITHUB_RUN_ATTEMPT": "1",
        }
        failed = False
        turn = start.turns if start is not None else contextlib.nullcontext()
        turn.__enter__()
        for index, step in enumerate(action["runs"]["steps"]):
            key = step.get("id") or step.get("name") or step.get("uses") or str(index)
            if start is not None and step.get("id") == start.step_id:
                turn.__exit__(None, None, None)
                start.gate.wait()
            if not self._should_run(step.get("if"), failed, state):
                result.outcomes[key] = "skipped"
                continue
            ok = self._step(step, env, state, result, summary)
            result.outcomes[key] = "success" if ok else "failure"
            failed = failed or not ok
        result.summary = summary.read_text(encoding="utf-8")
        for name, spec in action.get("outputs", {}).items():
            result.action_outputs[name] = self._expand(str(spec["value"]), state)
        return result

    # --- steps ---------------------------------------------------------------------------------------

    def _step(
        self,
        step: dict[str, Any],
        env: dict[str, str],
        state: dict[str, Any],
        result: ActionRun,
        summary: Path,
    ) -> bool:
        with_ = {k: self._expand(str(v), state) for k, v in (step.get("with") or {}).items()}
        uses = step.get("uses")
        if uses is not None:
            return self._uses(str(uses), with_, result)
        assert step.get("shell") == "bash", f"a composite run step names its shell: {step}"
        files = {name: self.runner_temp / f"{name.lower()}_{os.getpid()}" for name in _FILE_COMMANDS}
        for path in files.values():
            path.write_text("", encoding="utf-8")
        step_env = env | {k: self._expand(str(v), state) for k, v in (step.get("env") or {}).items()}
        script = self.runner_temp / "step.sh"
        script.write_text(self._expand(str(step["run"]), state), encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=step_env
            | {name: str(path) for name, path in files.items()}
            | {"GITHUB_STEP_SUMMARY": str(summary)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        result.log += f"--- {step.get('name', step.get('id'))}\n{done.stdout}{done.stderr}"
        outputs = _key_values(files["GITHUB_OUTPUT"].read_text(encoding="utf-8"))
        if step.get("id"):
            state["steps"][step["id"]] = {"outputs": outputs, "outcome": done.returncode}
            result.outputs[step["id"]] = outputs
        env.update(_key_values(files["GITHUB_ENV"].read_text(encoding="utf-8")))
        added = [line for line in files["GITHUB_PATH"].read_text(encoding="utf-8").splitlines() if line]
        if added:
            env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        return done.returncode == 0

    def _uses(self, uses: str, with_: dict[str, str], result: ActionRun) -> bool:
        name = uses.split("@", 1)[0]
        if name == "actions/setup-python":  # the Python first on PATH plays it
            return True
        if name == "actions/cache/restore":
            target = Path(with_["path"])
            entry = self.cache / with_["key"]
            if not entry.is_dir():
                prefixes = [p for p in with_.get("restore-keys", "").splitlines() if p]
                found = [e for e in self.cache.glob("*") if any(e.name.startswith(p) for p in prefixes)]
                entry = max(found, key=lambda e: e.stat().st_mtime_ns) if found else entry
            if entry.is_dir():
                shutil.copytree(entry, target, dirs_exist_ok=True)
                result.restored_key = entry.name
            return True
        if name == "actions/cache/save":
            source, entry = Path(with_["path"]), self.cache / with_["key"]
            if source.is_dir() and not entry.exists():  # a cache entry is never overwritten
                shutil.copytree(source, entry)
            return True
        raise AssertionError(f"the stand-in runner does not play {uses}")

    # --- expressions ---------------------------------------------------------------------------------

    def _should_run(self, condition: object, failed: bool, state: dict[str, Any]) -> bool:
        if condition is None:
            return not failed
        parts = [p.strip() for p in str(condition).split("&&")]
        verdict = not failed
        for part in parts:
            if part == "always()":
                verdict = True
            elif part == "success()":
                verdict = verdict and not failed
            else:
                match = re.fullmatch(r"(\S+)\s*(==|!=)\s*'([^']*)'", part)
                assert match, f"the stand-in runner does not read the condition {part!r}"
                value = self._value(match.group(1), state)
                verdict = verdict and ((value == match.group(3)) == (match.group(2) == "=="))
        return verdict

    def _expand(self, text: str, state: dict[str, Any]) -> str:
        return _EXPRESSION.sub(lambda m: self._value(m.group(1), state), text)

    def _value(self, name: str, state: dict[str, Any]) -> str:
        context = {
            "github.action_path": str(self.action_path),
            "github.token": self.token,
            "github.workspace": str(self.workspace),
            "github.run_id": str(self.run_id),
            "github.run_attempt": "1",
            "runner.temp": str(self.runner_temp),
        }
        if name in context:
            return context[name]
        head, _, rest = name.partition(".")
        if head == "inputs":
            return str(state["inputs"][rest])
        if head == "env":
            return str(state["env"].get(rest, ""))
        if head == "steps":
            step_id, kind, output = rest.split(".", 2)
            assert kind == "outputs", name
            return str(state["steps"].get(step_id, {}).get("outputs", {}).get(output, ""))
        raise AssertionError(f"the stand-in runner does not know the expression {name!r}")


_FILE_COMMANDS = ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE")


def _key_values(text: str) -> dict[str, str]:
    """A file command's `name=value` lines and `name<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block: list[str] = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values
