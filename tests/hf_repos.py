"""The Hub's repository listings for the local Hugging Face: /api/models, /api/datasets, /api/spaces.

Shapes as the Hub answers them (huggingface_hub's ModelInfo/DatasetInfo/SpaceInfo read these keys): a JSON
list of repos, most used first for `sort`, at most `limit`, and a `Link: <...>; rel="next"` header when more
are left. A query the Hub would refuse (an unknown sort, a limit out of range) answers 400.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlencode

KINDS = ("models", "datasets", "spaces")
SORTS = {"downloads", "likes", "trendingScore", "createdAt", "lastModified"}
_ARXIV_FILTER = re.compile(r"arxiv:\d{4}\.\d{4,5}")


def repo(kind: str, repo_id: str, arxiv_id: str, *, downloads: int = 0, likes: int = 0) -> dict[str, Any]:
    """One listed repository that cites arxiv_id, with the keys the Hub sends for its kind."""
    item: dict[str, Any] = {
        "_id": hashlib.sha1(f"{kind}/{repo_id}".encode()).hexdigest()[:24],
        "id": repo_id,
        "likes": likes,
        "trendingScore": 0,
        "private": False,
        "tags": ["region:us", f"arxiv:{arxiv_id}"],
        "createdAt": "2026-02-11T08:00:00.000Z",
    }
    if kind == "models":
        item |= {"modelId": repo_id, "downloads": downloads, "library_name": "transformers"}
    elif kind == "datasets":
        item |= {"downloads": downloads, "author": repo_id.split("/")[0], "gated": False, "disabled": False}
    else:
        item |= {"sdk": "gradio"}
    return item


def answer(
    base_url: str,
    kind: str,
    query: dict[str, str],
    repos: list[dict[str, Any]],
    broken: frozenset[str] = frozenset(),
) -> tuple[int, bytes, dict[str, str]]:
    """(status, JSON body, headers) for GET /api/<kind>?filter=arxiv:ID&sort=...&limit=...; a listing
    named in broken (`spaces?filter=arxiv:ID`) always answers 500."""
    if f"{kind}?filter={query.get('filter', '')}" in broken:
        return 500, b'{"error": "Internal Error"}', {}
    sort, raw_limit, wanted = query.get("sort"), query.get("limit", "1000"), query.get("filter", "")
    if sort is not None and sort not in SORTS:
        return 400, json.dumps({"error": f"Invalid sort: {sort}"}).encode(), {}
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 1000:
        return 400, json.dumps({"error": "Invalid limit"}).encode(), {}
    if wanted and not _ARXIV_FILTER.fullmatch(wanted):
        return 400, json.dumps({"error": "only arxiv:<id> filters are served here"}).encode(), {}
    found = [r for r in repos if not wanted or wanted in r.get("tags", [])]
    if sort is not None:
        found.sort(key=lambda r: int(r.get(sort) or 0), reverse=True)
    limit, offset = int(raw_limit), int(query.get("cursor", "0") or 0)
    page = found[offset : offset + limit]
    headers = {}
    if offset + limit < len(found):
        following = urlencode({**query, "cursor": str(offset + limit)})
        headers["Link"] = f'<{base_url}/api/{kind}?{following}>; rel="next"'
    return 200, json.dumps(page).encode(), headers
