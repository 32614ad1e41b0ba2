"""A GitHub repository: every file of a bundle in one commit through the Git Data API, never a lost update.

A rerun reads the branch (2 requests: the ref, then the head's tree with `recursive=1`), compares git blob
SHAs and writes nothing when all are equal. A write is blobs, one tree on the head's tree, one commit
and a ref update with `force: false`; when another writer moved the branch meanwhile, GitHub refuses
the update and the run starts over from the new head (a run that finds its content already there stops).
Derived files (feeds) are merged from the blobs of the head each round reads, so a retry merges again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from base64 import b64decode, b64encode
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from hf_digest.adapters.publish import contents
from hf_digest.adapters.publish.github_api import Conflict, GitHubApi
from hf_digest.config import Settings
from hf_digest.core import paths
from hf_digest.core.model import MAX_HELD_BYTES, Bundle, OutputFile, Oversized
from hf_digest.core.outcomes import Delivery, SpanKind, Status
from hf_digest.errors import ConfigError, PublishError
from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

MAX_ROUNDS = 5  # read-compare-write rounds when other writers keep moving the branch
FILE_MODE = "100644"
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+")
# The commit messages each kind gets unless GITHUB_COMMIT_MESSAGE(_UPDATE) says otherwise; the user's
# template serves every kind, with the placeholders MESSAGE_SAMPLE names.
DEFAULT_MESSAGES = {
    SpanKind.DAY: ("Add Hugging Face Daily Papers for {date}", "Update Hugging Face Daily Papers for {date}"),
    SpanKind.WEEK: (
        "Add Hugging Face Weekly Papers for {key}",
        "Update Hugging Face Weekly Papers for {key}",
    ),
    SpanKind.MONTH: (
        "Add Hugging Face Monthly Papers for {key}",
        "Update Hugging Face Monthly Papers for {key}",
    ),
}
# {date}: the post's date (the day, the week's Sunday, the month's last day); {kind}: daily, weekly or
# monthly; {key}: what the post covers as Hugging Face names it (2026-02-10, 2026-W06, 2026-02).
MESSAGE_SAMPLE = {"date": "2026-02-15", "kind": SpanKind.WEEK.value, "key": "2026-W07"}


def blob_sha(content: bytes) -> str:
    """The SHA git (and GitHub) gives a file with exactly these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def web_root(api_url: str) -> str:
    """The site that shows a repository: github.com for api.github.com, https://HOST for GHES' /api/v3."""
    parts = urlsplit(api_url.rstrip("/"))
    host, path = parts.netloc, parts.path
    if path.endswith("/api/v3"):
        path = path[: -len("/api/v3")]
    elif host.startswith("api."):  # api.github.com and GHE.com's api.SUBDOMAIN.ghe.com
        host = host[len("api.") :]
    return f"{parts.scheme}://{host}{path}"


class GitHubPublisher:
    name = "github"

    def __init__(
        self,
        api: GitHubApi,
        *,
        branch: str | None,
        committer: dict[str, str],
        message_add: str | None = None,
        message_update: str | None = None,
    ) -> None:
        self.api = api
        self.repository = api.repository
        self.branch = branch
        self.committer = committer
        self.message_add = message_add
        self.message_update = message_update
        self.web_url = f"{web_root(api.api_url)}/{self.repository}"
        self._sizes: dict[str, int] = {}  # blob SHA -> its size, as the trees read list them
        self._refused: PublishError | None = None

    @classmethod
    def from_settings(cls, settings: Settings, deadline: Deadline | None = None) -> GitHubPublisher:
        """A publisher for settings' repository; ConfigError names the setting that is missing or wrong.

        With deadline, reading the token from Secrets Manager keeps to the run's time budget.
        """
        from hf_digest.outbound.secrets import github_token

        repository = (settings.github_repository or "").strip().strip("/")
        if not _REPOSITORY.fullmatch(repository):
            raise ConfigError(
                f"GITHUB_REPOSITORY: {settings.github_repository or 'not set'}; give the blog as owner/name"
            )
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", settings.github_api_url):
            raise ConfigError(f"GITHUB_API_URL: {settings.github_api_url!r} is not an http(s) URL")
        for variable, template in (
            ("GITHUB_COMMIT_MESSAGE", settings.github_message_add),
            ("GITHUB_COMMIT_MESSAGE_UPDATE", settings.github_message_update),
        ):
            if template is not None:
                paths.fill(template, MESSAGE_SAMPLE, variable=variable)
        api = GitHubApi(settings.github_api_url, repository, github_token(settings, deadline))
        return cls(
            api,
            branch=settings.github_branch,
            committer={"name": settings.github_committer_name, "email": settings.github_committer_email},
            message_add=settings.github_message_add,
            message_update=settings.github_message_update,
        )

    def _path(self, tail: str = "") -> str:
        return f"/repos/{self.repository}{tail}"

    def _branch(self, deadline: Deadline) -> str:
        # The repository refused its first look-up (a bad token, no such repository, a rate limit hours
        # away): every later call of this invocation fails the same way without asking again.
        if self._refused is not None:
            raise self._refused
        if self.branch is None:
            try:
                repo = self.api.call("GET", self._path(), deadline)
            except PublishError as exc:
                self._refused = exc
                raise
            branch = repo.get("default_branch")
            if not isinstance(branch, str) or not branch:
                raise PublishError(f"github: {self.repository}: the repository names no default branch")
            self.branch = branch
        return self.branch

    def publish(self, bundle: Bundle, deadline: Deadline) -> Delivery:
        """Commit the bundle's changed files on the branch, or report them unchanged; one commit at most."""
        if not bundle.files:
            raise PublishError(f"github: {self.repository}: the bundle for {bundle.day} has no files")
        branch = self._branch(deadline)
        files = bundle.files_for(self.name)
        post = files[0].path
        sources = [f.source for f in files if f.is_derived]
        uploaded: set[str] = set()  # blobs already on GitHub from an earlier round
        blobs: dict[str, bytes] = {}  # blob contents read, by SHA
        location = f"{self.web_url}/blob/{quote(branch)}/{quote(post)}"
        for round_ in range(1, MAX_ROUNDS + 1):
            extra = {
                "destination": self.name,
                "date": bundle.day.isoformat(),
                "branch": branch,
                "round": round_,
            }
            head = self._head(branch, deadline)
            base_tree, existing = self._existing(head, [*(f.path for f in files), *sources], deadline)
            held_now = functools.partial(self._held, existing, blobs, deadline)
            wanted = dict(zip((f.path for f in files), contents(files, held_now), strict=True))
            shas = {path: blob_sha(content) for path, content in wanted.items()}
            changed = [
                f.path
                for f in files
                if not self._holds(f, shas[f.path], existing.get(f.path), blobs, deadline)
                and not (f.amends and f.path not in existing)
            ]
            if not changed:
                log.info("github: content already on the branch", extra={**extra, "status": Status.UNCHANGED})
                return Delivery(
                    self.name,
                    Status.UNCHANGED,
                    location=location,
                    commit=head,
                    url=f"{self.web_url}/commit/{head}",
                )
            existed = post in existing
            try:
                for path in changed:
                    if shas[path] not in uploaded:
                        self._upload(path, wanted[path], shas[path], deadline)
                        uploaded.add(shas[path])
                entries = {path: shas[path] for path in changed}
                message = self.message(bundle, existed)
                commit = self._commit(branch, head, base_tree, entries, message, deadline)
            except Conflict as exc:
                log.warning("github: the branch moved; reading it again", extra={**extra, "reason": str(exc)})
                if round_ < MAX_ROUNDS:
                    self.api.backoff(round_, deadline, str(exc))
                continue
            status = Status.UPDATED if existed else Status.CREATED
            log.info("github: committed", extra={**extra, "status": status, "commit": commit[0]})
            return Delivery(self.name, status, location=location, commit=commit[0], url=commit[1])
        raise PublishError(
            f"github: {self.repository}: branch {branch} kept moving under other writers; "
            f"gave up after {MAX_ROUNDS} rounds"
        )

    def message(self, bundle: Bundle, existed: bool) -> str:
        """The commit message for bundle: the user's template (add or update) or the kind's default."""
        add, update = DEFAULT_MESSAGES[bundle.kind]
        template = (self.message_update or update) if existed else (self.message_add or add)
        variable = "GITHUB_COMMIT_MESSAGE_UPDATE" if existed else "GITHUB_COMMIT_MESSAGE"
        values = {"date": bundle.day.isoformat(), "kind": bundle.kind, "key": bundle.span.key}
        return paths.fill(template, values, variable=variable)

    def read(self, path: str, deadline: Deadline) -> bytes | None:
        """The file's bytes at the head of the branch, or None: the ref, the tree and one blob."""
        branch = self._branch(deadline)
        _, found = self._existing(self._head(branch, deadline), [path], deadline)
        return self._blob(found.get(path), {}, deadline)

    def _held(
        self, tree: dict[str, str], cache: dict[str, bytes], deadline: Deadline, path: str
    ) -> bytes | None:
        return self._blob(tree.get(path), cache, deadline)

    def _blob(self, sha: str | None, cache: dict[str, bytes], deadline: Deadline) -> bytes | None:
        """The bytes of blob sha (None for None), read once per SHA; over MAX_HELD_BYTES, not read."""
        if sha is None:
            return None
        size = self._sizes.get(sha, 0)
        if size > MAX_HELD_BYTES:  # not ours: the tree's size is enough (the blob is never asked for)
            return Oversized(size)
        if sha not in cache:
            blob = self.api.call("GET", self._path(f"/git/blobs/{sha}"), deadline)
            content = blob.get("content")
            if blob.get("encoding") != "base64" or not isinstance(content, str):
                raise PublishError(f"github: {self.repository}: blob {sha} came back without base64 content")
            data = b64decode(content)
            if blob_sha(data) != sha:
                raise PublishError(f"github: {self.repository}: blob {sha} came back with other bytes")
            cache[sha] = data
        return cache[sha]

    def existing(self, paths: Sequence[str], deadline: Deadline) -> set[str]:
        """The paths on the branch: the ref and one recursive tree read, however many paths."""
        branch = self._branch(deadline)
        _, found = self._existing(self._head(branch, deadline), list(paths), deadline)
        return set(found)

    def _commit(
        self,
        branch: str,
        head: str,
        base_tree: str,
        entries: dict[str, str],
        message: str,
        deadline: Deadline,
    ) -> tuple[str, str]:
        """One tree on base_tree, one commit on head, the branch moved to it: (commit SHA, its web page)."""
        tree_entries = [{"path": p, "mode": FILE_MODE, "type": "blob", "sha": s} for p, s in entries.items()]
        tree = self.api.call(
            "POST", self._path("/git/trees"), deadline, body={"base_tree": base_tree, "tree": tree_entries}
        )
        commit = self.api.call(
            "POST",
            self._path("/git/commits"),
            deadline,
            body={
                "message": message,
                "tree": _sha(tree, "tree"),
                "parents": [head],
                "author": self.committer,
                "committer": self.committer,
            },
        )
        sha = _sha(commit, "commit")
        body = {"sha": sha, "force": False}
        self.api.call("PATCH", self._path(f"/git/refs/heads/{quote(branch)}"), deadline, body=body)
        url = commit.get("html_url")
        return sha, url if isinstance(url, str) else f"{self.web_url}/commit/{sha}"

    def _head(self, branch: str, deadline: Deadline) -> str:
        try:
            ref = self.api.call("GET", self._path(f"/git/ref/heads/{quote(branch)}"), deadline)
        except Conflict:  # GitHub answers 409 "Git Repository is empty." for a repository without commits
            raise PublishError(
                f"github: {self.repository}: the repository is empty; create branch {branch} first"
            ) from None
        target = ref.get("object")
        if not isinstance(target, dict) or target.get("type") != "commit":
            raise PublishError(f"github: {self.repository}: heads/{branch} does not point at a commit")
        return _sha(target, "ref")

    def _existing(self, head: str, paths: list[str], deadline: Deadline) -> tuple[str, dict[str, str]]:
        """The head's root tree SHA and the blob SHA of each path that exists there."""
        # A commit SHA names its tree for this endpoint (tree-ish), which saves a GET of the commit.
        tree = self.api.call("GET", self._path(f"/git/trees/{head}"), deadline, params={"recursive": "1"})
        root = _sha(tree, "tree")
        if tree.get("truncated") is not True:
            return root, _blobs(tree, set(paths), self._sizes)
        # Over 100,000 entries: walk down to each path one folder at a time instead.
        cache: dict[str, dict[str, dict[str, Any]]] = {}
        found: dict[str, str] = {}
        for path in paths:
            sha = root
            parts = path.split("/")
            for depth, part in enumerate(parts):
                if sha not in cache:
                    listing = self.api.call("GET", self._path(f"/git/trees/{sha}"), deadline)
                    cache[sha] = {e["path"]: e for e in listing.get("tree", []) if isinstance(e, dict)}
                entry = cache[sha].get(part)
                last = depth == len(parts) - 1
                if entry is None or entry.get("type") != ("blob" if last else "tree"):
                    break
                sha = str(entry.get("sha"))
                if last:
                    found[path] = sha
                    _size(entry, self._sizes)
        return root, found

    def _holds(
        self, file: OutputFile, sha: str, held: str | None, cache: dict[str, bytes], deadline: Deadline
    ) -> bool:
        """True when blob held shows what file shows: the bytes (sha), or (one GET) all but its read date."""
        if held is None:
            return False
        if held == sha:
            return True
        if file.alike is None:
            return False
        try:
            existing = self._blob(held, cache, deadline)
        except PublishError:
            return False
        return existing is not None and file.holds(existing)

    def _upload(self, path: str, content: bytes, sha: str, deadline: Deadline) -> None:
        blob = self.api.call(
            "POST",
            self._path("/git/blobs"),
            deadline,
            body={"content": b64encode(content).decode("ascii"), "encoding": "base64"},
        )
        if blob.get("sha") != sha:  # the bytes GitHub stored are not the bytes we sent
            raise PublishError(
                f"github: {self.repository}: GitHub stored {path} as {blob.get('sha')}, not {sha}"
            )


def _blobs(tree: dict[str, Any], paths: set[str], sizes: dict[str, int]) -> dict[str, str]:
    """The blob SHA of each of paths in a recursive tree listing; their sizes go into sizes."""
    entries = tree.get("tree")
    found = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("path") in paths and entry.get("type") == "blob":
            found[entry["path"]] = str(entry.get("sha"))
            _size(entry, sizes)
    return found


def _size(entry: dict[str, Any], sizes: dict[str, int]) -> None:
    """Note a tree entry's blob size by its SHA (GitHub lists each blob's size in bytes)."""
    size = entry.get("size")
    if isinstance(size, int) and not isinstance(size, bool):
        sizes[str(entry.get("sha"))] = size


def _sha(data: dict[str, Any], what: str) -> str:
    sha = data.get("sha")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", sha):
        raise PublishError(f"github: the {what} in GitHub's answer has no valid sha")
    return sha
