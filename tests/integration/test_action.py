"""The GitHub Action (action.yml) run as the runner runs it: its steps in order, in a blog's checkout whose
`origin` is a bare repository, against the local Hugging Face; a stand-in runner (tests/actions_runner.py)
plays setup-python and the Actions cache. No network, no Docker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.actions_runner import ActionRun, Runner, StartTogether
from tests.bedrock_server import BedrockServer
from tests.github_server import GitHubServer
from tests.helpers import MakeGitHubServer, run_cli, without_settings
from tests.hf_server import HFServer
from tests.openai_server import OpenAIServer
from tests.slack_server import SlackServer

REPO = Path(__file__).resolve().parents[2]
DAY = "2026-02-10"
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
POST = f"_posts/{DAY}-hf-daily-papers.md"
_GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Blogger",
    "GIT_AUTHOR_EMAIL": "blogger@example.com",
    "GIT_COMMITTER_NAME": "Blogger",
    "GIT_COMMITTER_EMAIL": "blogger@example.com",
}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=os.environ | _GIT_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def action_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action as the runner downloads it: this repository's files (what `pip install` builds from)."""
    path = tmp_path_factory.mktemp("actions") / "hf-daily-digest"
    path.mkdir()
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, path / name)
    shutil.copytree(REPO / "handler", path / "handler", ignore=shutil.ignore_patterns("__pycache__"))
    return path


@pytest.fixture(scope="module")
def runner_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """setup-python's part: a fresh venv first on PATH. It sees this venv's packages (a .pth), so the
    action's `pip install` builds and installs only the digest itself, offline."""
    venv = tmp_path_factory.mktemp("hostedtoolcache") / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    purelib = Path(
        subprocess.run(
            [str(venv / "bin/python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (purelib / "this-venv.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return venv / "bin"


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """The blog's repository on 'GitHub': a bare repository with a Jekyll site's first commit on main."""
    bare = tmp_path / "blog.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(bare), str(seed))
    (seed / "_config.yml").write_text("title: My papers blog\n", encoding="utf-8")
    (seed / "_posts").mkdir()
    (seed / "_posts/.keep").write_text("", encoding="utf-8")
    git(seed, "add", "-A")
    git(seed, "commit", "--quiet", "-m", "Init")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return bare


MakeRunner = Callable[..., Runner]


@pytest.fixture
def make_runner(
    tmp_path: Path, remote: Path, action_path: Path, runner_python: Path, hf_server: HFServer
) -> MakeRunner:
    """A runner for a new job: actions/checkout's clone of the blog (or the workspace given), its own temp
    folder and run id, the cache every job of the repository shares, and the workflow's env."""
    jobs = iter(range(1, 100))

    def make(workspace: Path | None = None, **env: str) -> Runner:
        job = next(jobs)
        if workspace is None:
            workspace = tmp_path / f"work{job}" / "blog"
            git(tmp_path, "clone", "--quiet", str(remote), str(workspace))
        base = without_settings(os.environ)
        base.pop("PYTHONPATH", None)  # the runner's python finds the digest where the action installed it
        base |= {
            "PATH": f"{runner_python}{os.pathsep}{base['PATH']}",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "PIP_NO_INDEX": "1",  # offline: the build uses setuptools from the venv
            "PIP_NO_BUILD_ISOLATION": "0",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_REPOSITORY": "blogger/blog",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": str(job),
            "RUNNER_OS": "Linux",
            "HF_BASE_URL": hf_server.url,
        }
        temp = tmp_path / f"runner{job}" / "_temp"
        return Runner(action_path, workspace, temp, tmp_path / "actions-cache", job, base | env)

    (tmp_path / "actions-cache").mkdir()
    return make


def remote_log(remote: Path) -> list[str]:
    return git(remote, "log", "--format=%s", "main").splitlines()


def post_in_remote(remote: Path) -> str:
    return git(remote, "show", f"main:{POST}")


def test_first_run_pushes_one_commit_and_writes_a_job_summary(make_runner: MakeRunner, remote: Path) -> None:
    runner = make_runner(GITHUB_COMMIT_MESSAGE="papers: {key} ({kind})")
    run = runner.run({"date": DAY})
    assert run.ok, run.log
    assert remote_log(remote) == ["papers: 2026-02-10 (daily)", "Init"]
    changed = git(remote, "show", "--name-only", "--format=", "main").splitlines()
    assert POST in changed and all(not path.startswith(".") for path in changed)
    assert "👍 78" in post_in_remote(remote)
    assert run.action_outputs["commit"] == git(remote, "rev-parse", "main")
    assert run.action_outputs["status"] == "published"
    assert "**published** 2026-02-10: 10 of 33 papers shown" in run.summary
    assert f"| local | created | {runner.workspace / POST} |" in run.summary
    assert f"Commit: <https://github.com/blogger/blog/commit/{run.action_outputs['commit']}>" in run.summary
    commit = git(remote, "log", "-1", "--format=%an <%ae>", "main")
    assert commit == "hf-daily-digest <hf-daily-digest@users.noreply.github.com>"
    assert [entry.name for entry in runner.cache.iterdir()] == ["hf-digest-state-1-1"]  # saved state


def test_a_rerun_commits_nothing(make_runner: MakeRunner, remote: Path) -> None:
    first = make_runner().run({"date": DAY})
    assert first.ok, first.log
    head = git(remote, "rev-parse", "main")
    again = make_runner()  # a new job: a fresh checkout, a fresh temp folder, the cache restored
    rerun = again.run({"date": DAY})
    assert rerun.ok, rerun.log
    assert git(remote, "rev-parse", "main") == head and len(remote_log(remote)) == 2
    assert rerun.action_outputs["commit"] == "" and rerun.action_outputs["status"] == "unchanged"
    assert "Nothing changed: no commit." in rerun.log
    assert "**unchanged** 2026-02-10" in rerun.summary and "Commit:" not in rerun.summary
    assert rerun.restored_key == "hf-digest-state-1-1"
    assert git(again.workspace, "status", "--porcelain") == ""


def test_the_cached_state_keeps_a_notification_to_one_message(
    make_runner: MakeRunner, remote: Path, slack_server: SlackServer
) -> None:
    slack = {"DIGEST_NOTIFY": "slack", "SLACK_WEBHOOK_URL": slack_server.webhook_url}
    runner = make_runner(**slack)
    first = runner.run({"date": DAY})
    assert first.ok, first.log
    assert len(slack_server.delivered) == 1
    assert (runner.cache / "hf-digest-state-1-1" / "state.sqlite3").is_file()  # the notifications' ledger
    # The blog loses the commit (reverted by hand, say): the next run publishes the post anew, but the
    # ledger it restored from the cache says Slack was told. Without the cache, Slack hears it twice.
    git(remote, "update-ref", "refs/heads/main", "main~1")
    rerun = make_runner(**slack).run({"date": DAY})
    assert rerun.ok, rerun.log
    assert rerun.action_outputs["status"] == "published" and len(remote_log(remote)) == 2
    assert rerun.restored_key == "hf-digest-state-1-1"
    assert len(slack_server.delivered) == 1


def _at_once(runners: list[Runner]) -> list[ActionRun]:
    runs: list[ActionRun | None] = [None] * len(runners)
    start = StartTogether(threading.Barrier(len(runners)))

    def go(i: int) -> None:
        runs[i] = runners[i].run({"date": DAY}, start)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(runners))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(run is not None for run in runs)
    return [run for run in runs if run is not None]


def test_two_runs_at_once_in_one_work_tree_push_one_commit(make_runner: MakeRunner, remote: Path) -> None:
    first = make_runner()
    second = make_runner(workspace=first.workspace)
    runs = _at_once([first, second])
    assert all(run.ok for run in runs), [run.log for run in runs]
    assert len(remote_log(remote)) == 2
    assert sorted(bool(run.action_outputs["commit"]) for run in runs) == [False, True]
    assert post_in_remote(remote).count("👍") == 10


def test_two_jobs_at_once_on_one_repository_push_one_commit(make_runner: MakeRunner, remote: Path) -> None:
    # what `concurrency:` prevents in the example workflow, and what the push loop survives without it
    runs = _at_once([make_runner(), make_runner()])
    assert all(run.ok for run in runs), [run.log for run in runs]
    assert len(remote_log(remote)) == 2, remote_log(remote)
    # the later push found its change there already (or the very same commit, made in the same second)
    assert {run.action_outputs["commit"] for run in runs} - {""} == {git(remote, "rev-parse", "main")}


def test_a_failed_run_still_saves_state_and_summarises(make_runner: MakeRunner, remote: Path) -> None:
    run = make_runner().run({"date": "2026-02-31"})
    assert not run.ok
    assert run.outcomes["commit"] == "skipped"
    assert remote_log(remote) == ["Init"]
    assert "hf-digest: error: --date: 2026-02-31 is not a day of the calendar" in run.summary
    assert run.outcomes["digest"] == "failure"


@pytest.fixture
def github(make_github_server: MakeGitHubServer) -> Iterator[GitHubServer]:
    yield make_github_server(token="ghs_local-test-token")


def test_the_github_destination_publishes_through_the_api_without_a_push(
    make_runner: MakeRunner, remote: Path, github: GitHubServer
) -> None:
    runner = make_runner(GITHUB_API_URL=github.api_url, GITHUB_REPOSITORY=github.full_name)
    run = runner.run({"date": DAY, "destination": "github"})
    assert run.ok, run.log
    assert github.git_log("main")[0] == "Add Hugging Face Daily Papers for 2026-02-10"
    assert github.read_file("main", POST) is not None
    assert remote_log(remote) == ["Init"] and git(runner.workspace, "status", "--porcelain") == ""
    assert "| github | created |" in run.summary
    assert (
        make_runner(GITHUB_API_URL=github.api_url, GITHUB_REPOSITORY=github.full_name)
        .run({"date": DAY, "destination": "github"})
        .action_outputs["status"]
        == "unchanged"
    )
    assert len(github.git_log("main")) == 2


def test_the_cached_state_pays_for_each_summary_once(
    make_runner: MakeRunner, remote: Path, bedrock: BedrockServer
) -> None:
    # Bedrock here; an OpenAI-compatible model shares the cache the same way. The workflow env names the
    # model; the bedrock fixture's endpoint and fake credentials reach the runner's environment.
    summaries = {"DIGEST_SUMMARY_MODEL": MODEL, "DIGEST_SUMMARY_REGION": "us-east-1"}
    first = make_runner(**summaries).run({"date": DAY})
    assert first.ok, first.log
    paid = len(bedrock.calls)
    assert paid == 11  # the post's ten papers and the day's brief
    post = post_in_remote(remote)
    git(remote, "update-ref", "refs/heads/main", "main~1")  # the post is written anew ...
    rerun = make_runner(**summaries).run({"date": DAY})
    assert rerun.ok, rerun.log
    assert rerun.action_outputs["status"] == "published"
    assert len(bedrock.calls) == paid  # ... from the summaries the first run paid for
    assert post_in_remote(remote) == post


def test_the_cached_state_pays_for_each_openai_summary_once(
    make_runner: MakeRunner, remote: Path, openai_api: OpenAIServer
) -> None:
    # The README's setup: the key as a secret, the provider and the model in the workflow's env.
    summaries = {
        "DIGEST_SUMMARY_PROVIDER": "openai",
        "DIGEST_SUMMARY_PRICE_IN_USD": "0.15",
        "DIGEST_SUMMARY_PRICE_OUT_USD": "0.60",
        "DIGEST_SUMMARY_MODEL": "gpt-4o-mini",
        "OPENAI_BASE_URL": openai_api.url,
        "OPENAI_API_KEY": str(openai_api.api_key),
    }
    first = make_runner(**summaries).run({"date": DAY})
    assert first.ok, first.log
    assert len(openai_api.calls) == 11 and openai_api.problems == []  # ten papers, the day's brief
    assert json.loads(Path(first.action_outputs["result"]).read_text())["summaries"]["generated"] == 10
    post = post_in_remote(remote)
    git(remote, "update-ref", "refs/heads/main", "main~1")  # the post is written anew ...
    rerun = make_runner(**summaries).run({"date": DAY})
    assert rerun.ok, rerun.log
    assert rerun.action_outputs["status"] == "published"
    assert len(openai_api.calls) == 11  # ... from the summaries the first run paid for: 0 calls
    assert json.loads(Path(rerun.action_outputs["result"]).read_text())["summaries"]["cached"] == 10
    assert (
        post_in_remote(remote) == post and "기존 방법은 이 문제(" in post
    )  # the local servers' problem line


def test_a_blog_in_the_docs_folder_gets_its_post_there(make_runner: MakeRunner, remote: Path) -> None:
    # GitHub Pages can build from /docs: DIGEST_OUTPUT_DIR names the blog's folder in the checkout
    run = make_runner(DIGEST_OUTPUT_DIR="docs").run({"date": DAY})
    assert run.ok, run.log
    changed = git(remote, "show", "--name-only", "--format=", "main").splitlines()
    assert f"docs/{POST}" in changed and all(path.startswith("docs/") for path in changed)
    assert len(remote_log(remote)) == 2


def test_a_checkout_on_no_branch_fails_saying_so(make_runner: MakeRunner, remote: Path) -> None:
    runner = make_runner()
    git(runner.workspace, "checkout", "--quiet", "--detach")
    run = runner.run({"date": DAY})
    assert run.outcomes["commit"] == "failure"
    assert "::error::the checkout is on no branch" in run.log
    assert remote_log(remote) == ["Init"]
    assert "**published** 2026-02-10" in run.summary  # the post was built; the summary still says so


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _invoked(runner: Runner, tmp_path: Path, name: str, env: dict[str, str]) -> dict[str, bytes]:
    """The blog's files after `hf-digest invoke` (the Lambda handler) with a manual event for DAY, into a
    copy of the blog as the Lambda's bucket or repository had it before: no post yet."""
    event = tmp_path / "manual.json"
    event.write_text(f'{{"date": "{DAY}"}}', encoding="utf-8")
    blog = tmp_path / name
    shutil.copytree(runner.workspace, blog, ignore=shutil.ignore_patterns(".git"))
    for path in blog.rglob("*"):
        if path.is_file() and path.name not in ("_config.yml", ".keep"):
            path.unlink()
    state = {"DIGEST_STATE_PATH": str(tmp_path / f"{name}.sqlite3")}
    invoked = run_cli(
        ["invoke", str(event)], {"DIGEST_DESTINATIONS": "local", "DIGEST_OUTPUT_DIR": str(blog)} | state | env
    )
    assert invoked.exit_code == 0, invoked.stderr
    return _files(blog)


def test_the_action_and_the_lambda_write_the_same_bytes(
    make_runner: MakeRunner, remote: Path, hf_server: HFServer, tmp_path: Path
) -> None:
    runner = make_runner()
    run = runner.run({"date": DAY})
    assert run.ok, run.log
    action_files = _files(runner.workspace)
    assert POST in action_files
    assert action_files == _invoked(runner, tmp_path, "lambda-blog", {"HF_BASE_URL": hf_server.url})


def test_summaries_from_either_provider_through_either_entry_write_the_same_bytes(
    make_runner: MakeRunner,
    remote: Path,
    hf_server: HFServer,
    bedrock: BedrockServer,
    openai_api: OpenAIServer,
    tmp_path: Path,
) -> None:
    # Both local servers answer from one answer builder, as two providers of one model would: the
    # Action's entry with an OpenAI-compatible API and the Lambda's with Bedrock publish the same bytes.
    openai = {
        "DIGEST_SUMMARY_PROVIDER": "openai",
        "DIGEST_SUMMARY_PRICE_IN_USD": "0.15",
        "DIGEST_SUMMARY_PRICE_OUT_USD": "0.60",
        "DIGEST_SUMMARY_MODEL": "gpt-4o-mini",
        "OPENAI_BASE_URL": openai_api.url,
        "OPENAI_API_KEY": str(openai_api.api_key),
        "DIGEST_DATA_PATH_TEMPLATE": "_data/papers/{date}.json",  # each summary's own fields too
    }
    runner = make_runner(**openai)
    run = runner.run({"date": DAY})
    assert run.ok, run.log
    assert len(openai_api.calls) == 11 and openai_api.problems == []  # ten papers, the day's brief
    action_files = _files(runner.workspace)
    assert "기존 방법은 이 문제(" in action_files[POST].decode("utf-8")  # the summaries are in the post

    hf = {"HF_BASE_URL": hf_server.url, "DIGEST_DATA_PATH_TEMPLATE": openai["DIGEST_DATA_PATH_TEMPLATE"]}
    from_bedrock = _invoked(
        runner,
        tmp_path,
        "lambda-bedrock",
        hf | {"DIGEST_SUMMARY_MODEL": MODEL, "DIGEST_SUMMARY_REGION": "us-east-1"},
    )
    assert len(bedrock.calls) == 11 and bedrock.problems == []
    from_openai = _invoked(runner, tmp_path, "lambda-openai", openai | hf)
    assert len(openai_api.calls) == 22
    assert action_files == from_openai
    # The post and the feeds are the same bytes; the data file says which model wrote each summary.
    data = "_data/papers/2026-02-10.json"
    assert {k: v for k, v in action_files.items() if k != data} == {
        k: v for k, v in from_bedrock.items() if k != data
    }
    assert action_files[data] == from_bedrock[data].replace(MODEL.encode(), b"gpt-4o-mini")


def _commit_settings(runner: Runner, path: str, text: str) -> None:
    """The blog keeps its settings file in its repository, as the README suggests."""
    target = runner.workspace / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    git(runner.workspace, "add", "-A")
    git(runner.workspace, "commit", "--quiet", "-m", "Settings")
    git(runner.workspace, "push", "--quiet", "origin", "HEAD:main")


@pytest.mark.parametrize("path", ["config/digest.toml", "digest.toml"])
def test_the_blogs_settings_file_is_read(make_runner: MakeRunner, remote: Path, path: str) -> None:
    runner = make_runner()
    _commit_settings(
        runner,
        path,
        'top_n = 3\nlang = "en"\ngithub_commit_message = "papers: {key} from the settings file"\n',
    )
    # The settings input names a file (passed as DIGEST_SETTINGS); without it, ./digest.toml is read.
    run = runner.run({"date": DAY, "settings": path} if path != "digest.toml" else {"date": DAY})
    assert run.ok, run.log
    assert remote_log(remote) == ["papers: 2026-02-10 from the settings file", "Settings", "Init"]
    post = git(remote, "show", f"main:_posts/{DAY}-hf-daily-papers.md")  # en: no language suffix
    assert post.count("👍") == 3 and post.startswith("---\ntitle: Hugging Face Daily Papers - 2026-02-10\n")
    assert "**published** 2026-02-10: 3 of 33 papers shown" in run.summary


def test_a_settings_file_that_is_not_there_fails_in_one_line(make_runner: MakeRunner, remote: Path) -> None:
    run = make_runner().run({"date": DAY, "settings": "config/missing.toml"})
    assert run.outcomes["digest"] == "failure" and remote_log(remote) == ["Init"]
    error = next(line for line in run.summary.splitlines() if "hf-digest: error:" in line)
    assert "config/missing.toml" in error and "DIGEST_SETTINGS" in error, error
