"""A local GitHub REST API for the Git Data endpoints, backed by a real bare git repository on disk.

Objects, trees, commits and the compare-and-swap of a branch are done by the `git` command, so tests
check results with `git log`. Status codes and JSON shapes follow GitHub's OpenAPI description
(tests/openapi_check.py holds the server to it).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DOCS = "https://docs.github.com/rest"
_GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


@dataclass(frozen=True)
class Fault:
    """An answer to give instead of the real one: status, JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def fault(status: int, message: str, **headers: str) -> Fault:
    """A GitHub-style error answer; header names use underscores (retry_after -> retry-after)."""
    body = {"message": message, "documentation_url": DOCS, "status": str(status)}
    return Fault(status, body, {k.replace("_", "-"): v for k, v in headers.items()})


@dataclass
class Exchange:
    """One request the server answered, as the OpenAPI check and the tests read it."""

    method: str
    path: str  # without the prefix and the query
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int = 0
    response: Any = None


class GitRepo:
    """A bare repository driven by the git command line."""

    def __init__(self, path: Path, branch: str) -> None:
        self.path = path
        self.git("init", "--bare", "-q", "-b", branch, str(path), cwd=path.parent)

    def git(
        self,
        *args: str,
        data: bytes | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> str:
        return self.git_bytes(*args, data=data, env=env, cwd=cwd).decode()

    def git_bytes(
        self,
        *args: str,
        data: bytes | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> bytes:
        result = subprocess.run(
            ["git", *args],
            input=data,
            capture_output=True,
            check=False,
            cwd=cwd or self.path,
            env={**os.environ, **_GIT_ENV, **(env or {})},
        )
        if result.returncode != 0:
            raise GitFailed(result.stderr.decode(errors="replace").strip())
        return result.stdout

    def read_blob(self, sha: str) -> bytes:
        return self.git_bytes("cat-file", "blob", sha)

    def rev(self, name: str) -> str | None:
        try:
            return self.git("rev-parse", "-q", "--verify", name).strip()
        except GitFailed:
            return None

    def object_type(self, sha: str) -> str | None:
        try:
            return self.git("cat-file", "-t", sha).strip()
        except GitFailed:
            return None

    def write_blob(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", data=data).strip()

    def write_tree(self, base_tree: str | None, entries: list[tuple[str, str | None, str]]) -> str:
        """A tree: base_tree (or empty) with (mode, sha or None to delete, path) entries applied."""
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if base_tree:
                self.git("read-tree", base_tree, env=env)
            for mode, sha, path in entries:
                if sha is None:
                    self.git("update-index", "--force-remove", "--", path, env=env)
                else:
                    self.git("update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}", env=env)
            return self.git("write-tree", env=env).strip()

    def commit_tree(
        self, tree: str, parents: list[str], message: str, author: dict[str, str], committer: dict[str, str]
    ) -> str:
        env = {
            "GIT_AUTHOR_NAME": author["name"],
            "GIT_AUTHOR_EMAIL": author["email"],
            "GIT_COMMITTER_NAME": committer["name"],
            "GIT_COMMITTER_EMAIL": committer["email"],
        }
        if "date" in author:
            env["GIT_AUTHOR_DATE"] = author["date"]
        if "date" in committer:
            env["GIT_COMMITTER_DATE"] = committer["date"]
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.git(*args, data=message.encode(), env=env).strip()

    def ls_tree(self, tree: str, recursive: bool) -> list[dict[str, Any]]:
        out = self.git("ls-tree", "-z", "--long", *(["-r", "-t"] if recursive else []), tree)
        entries = []
        for line in filter(None, out.split("\0")):
            meta, path = line.split("\t", 1)
            mode, kind, sha, size = meta.split()
            entry: dict[str, Any] = {"path": path, "mode": mode, "type": kind, "sha": sha}
            if kind == "blob":
                entry["size"] = int(size)
            entries.append(entry)
        return entries

    def commit_info(self, sha: str) -> dict[str, Any]:
        fmt = "%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
        tree, parents, an, ae, ad, cn, ce, cd, message = self.git("show", "-s", f"--format={fmt}", sha).split(
            "\0", 8
        )
        return {
            "tree": tree,
            "parents": parents.split(),
            "author": {"name": an, "email": ae, "date": ad},
            "committer": {"name": cn, "email": ce, "date": cd},
            "message": message.rstrip("\n"),
        }


class GitFailed(Exception):
    """A git command failed (an unknown object, a bad path)."""


class GitHubServer:
    """GitHub's REST API for one repository, on 127.0.0.1 under an optional prefix such as /api/v3."""

    def __init__(
        self,
        root: Path,
        *,
        owner: str = "octo",
        repo: str = "blog",
        token: str = "github_pat_local_test_token_0123456789",
        readonly_token: str | None = None,
        prefix: str = "",
        default_branch: str = "main",
        tree_limit: int | None = None,
    ) -> None:
        self.owner, self.repo, self.token, self.readonly_token = owner, repo, token, readonly_token
        self.prefix = prefix.rstrip("/")
        self.default_branch = default_branch
        self.tree_limit = tree_limit  # a recursive tree with more entries answers truncated, as GitHub does
        self.protected: set[str] = set()  # branches under branch protection (GET /branches/{branch} says so)
        self.git = GitRepo(root / f"{repo}.git", default_branch)
        self.requests: list[Exchange] = []
        self._faults: list[tuple[str, str, list[Fault]]] = []
        self._before_ref_update: list[Callable[[], object]] = []
        self._holds: list[tuple[str, str, threading.Barrier]] = []
        self._lock = threading.RLock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.host + self.prefix

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"

    def start(self) -> GitHubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    # --- test controls ---------------------------------------------------------------------------

    def inject(self, method: str, path_prefix: str, *faults: Fault) -> None:
        """Answer the next requests of method to paths (after the prefix) starting so with faults in turn."""
        with self._lock:
            self._faults.append((method.upper(), path_prefix, list(faults)))

    def hold(self, method: str, path_prefix: str, gate: threading.Barrier) -> None:
        """Make the next gate.parties such requests wait for each other, so racing clients really overlap."""
        with self._lock:
            self._holds += [(method.upper(), path_prefix, gate)] * gate.parties

    def before_ref_update(self, action: Callable[[], object]) -> None:
        """Run action once, inside the next ref update, before the fast-forward check (a racing writer)."""
        with self._lock:
            self._before_ref_update.append(action)

    def commit_files(self, branch: str, files: dict[str, bytes], message: str) -> str:
        """Land a commit with files on branch, as another writer would; returns its SHA."""
        with self._lock:
            head = self.git.rev(f"refs/heads/{branch}")
            entries: list[tuple[str, str | None, str]] = [
                ("100644", self.git.write_blob(data), path) for path, data in files.items()
            ]
            tree = self.git.write_tree(head and f"{head}^{{tree}}", entries)
            person = {"name": "Someone Else", "email": "else@example.com"}
            sha = self.git.commit_tree(tree, [head] if head else [], message, person, person)
            self.git.git("update-ref", f"refs/heads/{branch}", sha, head or "0" * 40)
            return sha

    def git_log(self, branch: str) -> list[str]:
        """Commit subjects on branch, newest first."""
        return self.git.git("log", "--format=%s", f"refs/heads/{branch}").splitlines()

    def read_file(self, branch: str, path: str) -> bytes | None:
        try:
            out = subprocess.run(
                ["git", "cat-file", "blob", f"refs/heads/{branch}:{path}"],
                capture_output=True,
                check=True,
                cwd=self.git.path,
                env={**os.environ, **_GIT_ENV},
            )
        except subprocess.CalledProcessError:
            return None
        return out.stdout

    def writes(self) -> list[Exchange]:
        return [r for r in self.requests if r.method != "GET"]

    # --- answering -------------------------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for want, prefix, queue in self._faults:
                if want == method and path.startswith(prefix) and queue:
                    return queue.pop(0)
        return None

    def answer(self, ex: Exchange) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            gates = [h for h in self._holds if h[0] == ex.method and ex.path.startswith(h[1])][:1]
            for gate in gates:
                self._holds.remove(gate)
        for _, _, barrier in gates:
            barrier.wait()
        injected = self._take_fault(ex.method, ex.path)
        if injected:
            return injected.status, injected.body, injected.headers
        auth = ex.headers.get("authorization", "")
        if auth not in (f"Bearer {self.token}", f"Bearer {self.readonly_token}"):
            return _error(401, "Bad credentials")
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", ex.path)
        if not match or (match[1].lower(), match[2].lower()) != (self.owner.lower(), self.repo.lower()):
            return _error(404, "Not Found")
        if ex.method != "GET" and auth != f"Bearer {self.token}":
            return _error(403, "Resource not accessible by personal access token")
        try:
            return self._route(ex.method, unquote(match[3] or ""), ex)
        except GitFailed:
            return _error(422, "Object does not exist")

    def _route(self, method: str, rest: str, ex: Exchange) -> tuple[int, Any, dict[str, str]]:
        body = ex.body if isinstance(ex.body, dict) else {}
        if method == "GET" and rest == "":
            # permissions: what the token may do here (the read-only token may pull, not push)
            return 200, self._repository(push=ex.headers.get("authorization") == f"Bearer {self.token}"), {}
        if method == "GET" and (m := re.fullmatch(r"/branches/(.+)", rest)):
            sha = self.git.rev(f"refs/heads/{m[1]}")
            return (200, self._branch(m[1], sha), {}) if sha else _error(404, "Branch not found")
        if method == "GET" and (m := re.fullmatch(r"/git/ref/(heads/.+)", rest)):
            sha = self.git.rev(f"refs/{m[1]}")
            return (200, self._ref(m[1], sha), {}) if sha else _error(404, "Not Found")
        if method == "PATCH" and (m := re.fullmatch(r"/git/refs/(heads/.+)", rest)):
            return self._update_ref(m[1], body)
        if method == "GET" and (m := re.fullmatch(r"/git/trees/(.+)", rest)):
            tree = self.git.rev(f"{m[1]}^{{tree}}")
            if not tree:
                return _error(404, "Not Found")
            entries = self.git.ls_tree(tree, recursive="recursive" in ex.query)
            truncated = (
                self.tree_limit is not None and "recursive" in ex.query and len(entries) > self.tree_limit
            )
            return 200, self._tree(tree, entries[: self.tree_limit] if truncated else entries, truncated), {}
        if method == "GET" and (m := re.fullmatch(r"/git/blobs/([0-9a-f]{40})", rest)):
            return self._get_blob(m[1])
        if method == "POST" and rest == "/git/blobs":
            return self._create_blob(body)
        if method == "POST" and rest == "/git/trees":
            return self._create_tree(body)
        if method == "POST" and rest == "/git/commits":
            return self._create_commit(body)
        return _error(404, "Not Found")

    def _get_blob(self, sha: str) -> tuple[int, Any, dict[str, str]]:
        if self.git.object_type(sha) != "blob":
            return _error(404, "Not Found")
        data = self.git.git_bytes("cat-file", "blob", sha)
        # GitHub sends the content base64-encoded with line breaks in it.
        content = base64.encodebytes(data).decode("ascii")
        body = {
            "sha": sha,
            "node_id": "B_" + sha[:12],
            "size": len(data),
            "url": self._api(f"/git/blobs/{sha}"),
        }
        return 200, {**body, "content": content, "encoding": "base64"}, {}

    def _create_blob(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        content = body.get("content")
        if not isinstance(content, str):
            return _error(422, 'Invalid request.\n\n"content" wasn\'t supplied.')
        data = base64.b64decode(content) if body.get("encoding") == "base64" else content.encode()
        sha = self.git.write_blob(data)
        return 201, {"url": self._api(f"/git/blobs/{sha}"), "sha": sha}, {}

    def _create_tree(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        entries: list[tuple[str, str | None, str]] = []
        for item in body.get("tree") or []:
            mode, kind, path = item.get("mode"), item.get("type"), item.get("path")
            if kind != "blob" or mode not in ("100644", "100755") or not isinstance(path, str):
                return _error(422, "tree.type, tree.mode or tree.path is not supported here")
            if "content" in item:
                entries.append((mode, self.git.write_blob(str(item["content"]).encode()), path))
            elif item.get("sha") is None:
                entries.append((mode, None, path))
            elif self.git.object_type(str(item["sha"])) != "blob":
                return _error(422, f"GitRPC::BadObjectState ({item['sha']} is not a blob)")
            else:
                entries.append((mode, str(item["sha"]), path))
        base = body.get("base_tree")
        if base is not None and self.git.object_type(str(base)) != "tree":
            return _error(422, "base_tree is not a valid tree oid")
        tree = self.git.write_tree(base, entries)
        return 201, self._tree(tree, self.git.ls_tree(tree, recursive=False), False), {}

    def _create_commit(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        tree, parents, message = body.get("tree"), body.get("parents") or [], body.get("message")
        if not isinstance(message, str) or not isinstance(tree, str) or self.git.object_type(tree) != "tree":
            return _error(422, "Tree SHA does not exist")
        if any(self.git.object_type(str(p)) != "commit" for p in parents):
            return _error(422, "Parent SHA does not exist or is not a commit object")
        default = {"name": "Octo Cat", "email": "octocat@example.com"}
        author = body.get("author") or default
        sha = self.git.commit_tree(
            tree, [str(p) for p in parents], message, author, body.get("committer") or author
        )
        return 201, self._commit(sha), {}

    def _update_ref(self, ref: str, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            actions, self._before_ref_update = self._before_ref_update, []
        for action in actions:
            action()
        new = body.get("sha")
        if not isinstance(new, str) or self.git.object_type(new) != "commit":
            return _error(422, "Object does not exist")
        with self._lock:
            current = self.git.rev(f"refs/{ref}")
            if current is None:
                return _error(422, "Reference does not exist")
            if not body.get("force"):
                try:
                    self.git.git("merge-base", "--is-ancestor", current, new)
                except GitFailed:
                    return _error(422, "Update is not a fast forward")
            self.git.git("update-ref", f"refs/{ref}", new, current)
            return 200, self._ref(ref, new), {}

    # --- JSON shapes (GitHub's schemas: full-repository, git-ref, git-tree, git-commit) ----------------

    def _api(self, tail: str) -> str:
        return f"{self.api_url}/repos/{self.full_name}{tail}"

    def _ref(self, ref: str, sha: str) -> dict[str, Any]:
        return {
            "ref": f"refs/{ref}",
            "node_id": "REF_" + sha[:12],
            "url": self._api(f"/git/refs/{ref}"),
            "object": {"type": "commit", "sha": sha, "url": self._api(f"/git/commits/{sha}")},
        }

    def _tree(self, sha: str, entries: list[dict[str, Any]], truncated: bool) -> dict[str, Any]:
        for entry in entries:
            entry["url"] = self._api(f"/git/{entry['type']}s/{entry['sha']}")
        return {"sha": sha, "url": self._api(f"/git/trees/{sha}"), "tree": entries, "truncated": truncated}

    def _commit(self, sha: str) -> dict[str, Any]:
        info = self.git.commit_info(sha)
        web = f"{self.host}/{self.full_name}/commit"
        return {
            "sha": sha,
            "node_id": "C_" + sha[:12],
            "url": self._api(f"/git/commits/{sha}"),
            "html_url": f"{web}/{sha}",
            "author": info["author"],
            "committer": info["committer"],
            "message": info["message"],
            "tree": {"sha": info["tree"], "url": self._api(f"/git/trees/{info['tree']}")},
            "parents": [
                {"sha": p, "url": self._api(f"/git/commits/{p}"), "html_url": f"{web}/{p}"}
                for p in info["parents"]
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def _branch(self, name: str, sha: str) -> dict[str, Any]:
        """GitHub's branch-with-protection shape, as a token that may read the repository sees it."""
        commit = self._commit(sha)
        git_commit = {
            "url": commit["url"],
            "author": commit["author"],
            "committer": commit["committer"],
            "message": commit["message"],
            "tree": commit["tree"],
            "comment_count": 0,
        }
        web = f"{self.host}/{self.full_name}"
        protected = name in self.protected
        level = "non_admins" if protected else "off"
        return {
            "name": name,
            "commit": {
                "url": self._api(f"/commits/{sha}"),
                "sha": sha,
                "node_id": commit["node_id"],
                "html_url": commit["html_url"],
                "comments_url": self._api(f"/commits/{sha}/comments"),
                "commit": git_commit,
                "author": None,
                "committer": None,
                "parents": commit["parents"],
            },
            "_links": {"html": f"{web}/tree/{name}", "self": self._api(f"/branches/{name}")},
            "protected": protected,
            "protection": {
                "enabled": protected,
                "required_status_checks": {"enforcement_level": level, "contexts": [], "checks": []},
            },
            "protection_url": self._api(f"/branches/{name}/protection"),
        }

    def _repository(self, push: bool = True) -> dict[str, Any]:
        """GitHub's full-repository shape: every required key, most of them links nobody follows here."""
        api, web, user = self._api(""), f"{self.host}/{self.full_name}", f"{self.api_url}/users/{self.owner}"
        owner: dict[str, Any] = {f"{name}_url": f"{user}/{name}" for name in _USER_LINKS.split()}
        owner.update(login=self.owner, id=1, node_id="U_1", gravatar_id="", url=user, type="User")
        owner.update(html_url=f"{self.host}/{self.owner}", avatar_url=f"{self.host}/a.png", site_admin=False)
        data: dict[str, Any] = {f"{name}_url": f"{api}/{name}" for name in _REPO_LINKS.split()}
        data.update(dict.fromkeys(_REPO_COUNTS.split(), 0))
        data.update(dict.fromkeys(_REPO_NULLS.split()))
        data.update(dict.fromkeys(_REPO_FALSE.split(), False))
        data.update(dict.fromkeys(("pushed_at", "created_at", "updated_at"), "2024-01-01T00:00:00Z"))
        data.update(id=1, node_id="R_1", name=self.repo, full_name=self.full_name, owner=owner, url=api)
        data.update(
            html_url=web, svn_url=web, clone_url=f"{web}.git", git_url=f"git://x/{self.full_name}.git"
        )
        data.update(ssh_url=f"git@x:{self.full_name}.git", default_branch=self.default_branch, has_pages=True)
        data["permissions"] = {"admin": False, "maintain": False, "push": push, "triage": push, "pull": True}
        return data


_USER_LINKS = "followers following gists starred subscriptions organizations repos events received_events"
_REPO_LINKS = (
    "archive assignees blobs branches collaborators comments commits compare contents contributors "
    "deployments downloads events forks git_commits git_refs git_tags hooks issue_comment issue_events "
    "issues keys labels languages merges milestones notifications pulls releases stargazers statuses "
    "subscribers subscription tags teams trees"
)
_REPO_COUNTS = (
    "size forks forks_count stargazers_count watchers watchers_count open_issues open_issues_count "
    "network_count subscribers_count"
)
_REPO_NULLS = "description mirror_url homepage language license"
_REPO_FALSE = "private fork has_issues has_projects has_wiki has_discussions archived disabled"


def _error(status: int, message: str) -> tuple[int, Any, dict[str, str]]:
    return status, {"message": message, "documentation_url": DOCS, "status": str(status)}, {}


def _handler_for(server: GitHubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            path = parts.path
            ex = Exchange(
                self.command,
                path,
                parse_qs(parts.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            if server.prefix and not path.startswith(server.prefix + "/"):
                status, payload, headers = _error(404, "Not Found")
            else:
                ex.path = path[len(server.prefix) :]
                status, payload, headers = server.answer(ex)
            ex.status, ex.response = status, payload
            with server._lock:
                server.requests.append(ex)
            data = json.dumps(payload).encode()
            self.send_response(status)
            sent = {
                "Content-Type": "application/json; charset=utf-8",
                "Content-Length": str(len(data)),
                "X-GitHub-Api-Version-Selected": "2022-11-28",
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "4999",
                "x-ratelimit-reset": str(int(time.time()) + 3600),
                **headers,
            }
            for key, value in sent.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler
