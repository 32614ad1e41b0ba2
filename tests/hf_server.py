"""A local Hugging Face look-alike: /api/daily_papers, /api/papers/{id} and /papers/date/D on loopback, with
fault injection.

with HFServer({"2025-09-30": items}) as hf:
    hf.inject("/api/daily_papers", 500, "drop")   # the next two API requests fail, then normal answers
    hf.page_cap = 50                              # pages of at most 50, whatever `limit` asks
    hf.serve_as = {"date": "2025-09-29"}          # every list answered as that day's (a stale cache)
    hf.inject("/api/papers/", 503)                # the next paper lookup fails
    ...  # point HF_BASE_URL at hf.url; hf.requests lists what arrived
"""

from __future__ import annotations

import copy
import html
import json
import re
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

try:
    from tests import hf_repos
except ModuleNotFoundError:  # run as a script (`python tests/hf_server.py`): tests/ is on the path
    import hf_repos  # type: ignore[no-redef,import-not-found,unused-ignore]

HTML_FAULTS = ("html-no-div", "html-bad-json", "html-other-day")


@dataclass(frozen=True)
class Fault:
    """An answer to send instead of the normal one."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | str = b""


FaultSpec = int | Fault | str  # a status, a Fault, "drop", "hang" or one of HTML_FAULTS


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case


class HFServer:
    """Serves `days` (date string -> API items) on 127.0.0.1 at a free port."""

    def __init__(
        self,
        days: Mapping[str, list[dict[str, Any]]] | None = None,
        *,
        open_until: date | None = None,
        hang_s: float = 2.0,
        port: int = 0,
    ) -> None:
        self.port = port
        self.days: dict[str, list[dict[str, Any]]] = {d: list(items) for d, items in (days or {}).items()}
        self.open_until = open_until or datetime.now(UTC).date()
        self.hang_s = hang_s
        # Faults of the whole server rather than of one request:
        self.page_cap: int | None = None  # the most items a page holds, below `limit` (offsets follow it)
        self.serve_as: dict[str, str] | None = None  # date/week/month every API request is answered for
        self.repos: dict[str, list[dict[str, Any]]] = {kind: [] for kind in hf_repos.KINDS}  # hf_repos.repo
        self.broken_listings: set[str] = set()  # "spaces?filter=arxiv:ID": that listing answers 500
        self.refuse: dict[str, int] = {}  # query key (date/week/month) -> status every such request gets
        self._lock = threading.Lock()
        self._log: list[RecordedRequest] = []
        self._faults: list[tuple[str, FaultSpec]] = []
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("HFServer is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received so far, in order."""
        with self._lock:
            return list(self._log)

    @property
    def paper_requests(self) -> list[RecordedRequest]:
        """The requests for one paper (`/api/papers/{id}`, huggingface_hub's paper_info)."""
        return [r for r in self.requests if r.path.startswith("/api/papers/")]

    @property
    def day_requests(self) -> list[RecordedRequest]:
        """The requests for a day's list: not a week's or a month's, nor DIGEST_LINKED's listings."""
        return [r for r in self.requests if "date" in r.query]

    def asked(self, key: str, *, first_pages: bool = False) -> list[str]:
        """The dates, weeks or months (key) the API was asked for, in order: a page per entry, or with
        first_pages, once per list read."""
        return [
            r.query[key] for r in self.requests if key in r.query and (not first_pages or r.query["p"] == "0")
        ]

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    def inject(self, path_prefix: str, *faults: FaultSpec) -> None:
        """Queue faults for the next requests whose path starts with path_prefix, one fault per request."""
        with self._lock:
            self._faults.extend((path_prefix, fault) for fault in faults)

    def clear_faults(self) -> None:
        """Drop the faults not yet taken: every request is answered normally again."""
        with self._lock:
            self._faults.clear()

    def start(self) -> HFServer:
        handler = type("Handler", (_Handler,), {"hf": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="hf-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends any "hang" at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> HFServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- used by the handler -------------------------------------------------------------------------

    def _record_and_take_fault(self, request: RecordedRequest) -> FaultSpec | None:
        with self._lock:
            self._log.append(request)
            for index, (prefix, fault) in enumerate(self._faults):
                if request.path.startswith(prefix):
                    del self._faults[index]
                    return fault
        return None

    def _hang(self) -> None:
        self._stopping.wait(self.hang_s)

    def items_for_day(self, day: str) -> list[dict[str, Any]]:
        return sorted(self.days.get(day, []), key=_upvotes, reverse=True)

    def paper(self, arxiv_id: str) -> dict[str, Any] | None:
        """A recorded paper as `/api/papers/{id}` answers it: the `paper` object a daily-list item holds."""
        for items in self.days.values():
            for item in items:
                paper = item.get("paper")
                if isinstance(paper, dict) and paper.get("id") == arxiv_id:
                    return dict(paper)
        return None

    def items_where(self, wanted: set[str]) -> list[dict[str, Any]]:
        """Items whose list day (paper.submittedOnDailyAt, else the day they are stored under) is wanted."""
        found = [
            item for day, items in self.days.items() for item in items if (_listed_on(item) or day) in wanted
        ]
        return sorted(found, key=_upvotes, reverse=True)


class _Handler(BaseHTTPRequestHandler):
    hf: HFServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method="GET",
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        fault = self.hf._record_and_take_fault(request)
        if fault == "drop" or fault == "hang":
            if fault == "hang":
                self.hf._hang()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if isinstance(fault, int):
            fault = Fault(fault, {}, f"HTTP {fault} injected by the test server")
        if isinstance(fault, Fault):
            body = fault.body.encode() if isinstance(fault.body, str) else fault.body
            self._send(fault.status, body, "text/plain; charset=utf-8", fault.headers)
            return
        if parts.path == "/api/daily_papers":
            self._api(request.query)
        elif parts.path.startswith("/api/papers/"):
            paper = self.hf.paper(parts.path.removeprefix("/api/papers/"))
            if paper is None:  # 404, as Hugging Face answers for a paper it has not indexed
                self._send_json(404, {"error": "Paper not found"})
            else:
                self._send_json(200, paper)
        elif parts.path.removeprefix("/api/") in hf_repos.KINDS:
            kind = parts.path.removeprefix("/api/")
            repos, broken = self.hf.repos[kind], frozenset(self.hf.broken_listings)
            status, body, headers = hf_repos.answer(self.hf.url, kind, request.query, repos, broken)
            self._send(status, body, "application/json; charset=utf-8", headers)
        elif parts.path.startswith("/papers/date/"):
            self._page(parts.path.removeprefix("/papers/date/"), fault)
        else:
            self._send_json(404, {"error": "Sorry, we can't find the page you are looking for."})

    def _api(self, query: dict[str, str]) -> None:
        refused = [status for key, status in self.hf.refuse.items() if key in query]
        if refused:
            self._send_json(refused[0], {"error": f"HTTP {refused[0]} for this listing, set by the test"})
            return
        if self.hf.serve_as is not None:  # a cache keyed on the path and page, not on the day asked
            kept = {k: v for k, v in query.items() if k not in ("date", "week", "month")}
            query = {**kept, **self.hf.serve_as}
        try:
            limit = min(int(query.get("limit", "50")), 100, self.hf.page_cap or 100)
            page = int(query.get("p", "0"))
            if limit < 1 or page < 0:
                raise ValueError
        except ValueError:
            self._send_json(400, {"error": "Invalid limit or p"})
            return
        if "date" in query:
            day = _valid_day(query["date"], self.hf.open_until)
            if day is None:
                self._send_json(400, {"error": f"Invalid date: {query['date']}"})
                return
            items = self.hf.items_for_day(day.isoformat())
        elif "week" in query or "month" in query:
            days = _period_days(query.get("week"), query.get("month"))
            if days is None:
                self._send_json(400, {"error": "Invalid week or month"})
                return
            items = self.hf.items_where({d.isoformat() for d in days})
        else:
            items = self.hf.items_for_day(self.hf.open_until.isoformat())
        self._send_json(200, items[page * limit : (page + 1) * limit])

    def _page(self, raw_day: str, fault: FaultSpec | None) -> None:
        day = _valid_day(raw_day, self.hf.open_until)
        if day is None:
            self._send(404, b"<!doctype html><title>404</title><p>Not found", "text/html; charset=utf-8")
            return
        shown = day
        # Like the real site, a day without papers shows the latest earlier day that has some.
        while not self.hf.days.get(shown.isoformat()) and shown > day - timedelta(days=14):
            shown -= timedelta(days=1)
        if not self.hf.days.get(shown.isoformat()):
            shown = day
        if fault == "html-other-day":
            shown = day - timedelta(days=1)
        props = {"dateString": shown.isoformat(), "dailyPapers": self.hf.items_for_day(shown.isoformat())}
        escaped = html.escape(json.dumps(props), quote=True)
        if fault == "html-no-div":
            papers_div = '<div class="papers-grid">No papers today.</div>'
        elif fault == "html-bad-json":
            papers_div = f'<div data-target="DailyPapers" data-props="{escaped[: len(escaped) // 2]}"></div>'
        else:
            papers_div = f'<div class="container" data-target="DailyPapers" data-props="{escaped}"></div>'
        body = _PAGE.format(day=day.isoformat(), papers_div=papers_div)
        self._send(200, body.encode(), "text/html; charset=utf-8")

    def _send_json(self, status: int, data: object) -> None:
        self._send(status, json.dumps(data).encode(), "application/json; charset=utf-8")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


_PAGE = """<!doctype html>
<html class=""><head><meta charset="utf-8"><title>Daily Papers - Hugging Face</title></head>
<body class="flex flex-col min-h-dvh">
<div class="flex min-h-dvh flex-col"><div data-target="MainHeader" data-props="{{&quot;isPro&quot;:false}}">
<header class="border-b"><nav aria-label="Main">Models Datasets Spaces Papers</nav></header></div>
<main class="flex flex-1 flex-col">
<div class="SVELTE_HYDRATER contents" data-target="DailyPapersBanner" data-props="{{}}"></div>
<section class="container"><h1>Daily Papers</h1><time datetime="{day}">{day}</time>
{papers_div}
</section></main>
<footer><div class="container">Hugging Face</div></footer></div>
</body></html>
"""


def _upvotes(item: Mapping[str, Any]) -> int:
    paper = item.get("paper")
    votes = paper.get("upvotes") if isinstance(paper, dict) else None
    return votes if isinstance(votes, int) else 0


def _listed_on(item: Mapping[str, Any]) -> str | None:
    paper = item.get("paper")
    stamp = paper.get("submittedOnDailyAt") if isinstance(paper, dict) else None
    return stamp[:10] if isinstance(stamp, str) else None


def _valid_day(raw: str, open_until: date) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day <= open_until else None


def _period_days(week: str | None, month: str | None) -> list[date] | None:
    try:
        if week is not None:
            match = re.fullmatch(r"(\d{4})-W(\d{2})", week)
            if not match:
                return None
            return [date.fromisocalendar(int(match[1]), int(match[2]), d) for d in range(1, 8)]
        match = re.fullmatch(r"(\d{4})-(\d{2})", month or "")
        if not match:
            return None
        first = date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return [first + timedelta(days=n) for n in range(31) if (first + timedelta(days=n)).month == first.month]


def relisted(items: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    """Copies of items as Hugging Face would list them on day (their submittedOnDailyAt moved to it)."""
    moved = copy.deepcopy(items)
    for item in moved:
        stamp = item["paper"].get("submittedOnDailyAt") or "T00:00:00.000Z"
        item["paper"]["submittedOnDailyAt"] = day + stamp[10:]
    return moved


def load_sample_days(samples_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The shared samples by day: daily_papers_date_D.json is D; month files split by submittedOnDailyAt."""
    days: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(samples_dir.glob("daily_papers_date_*.json")):
        day = path.stem.removeprefix("daily_papers_date_")
        days[day] = json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(samples_dir.glob("honggi82_month_*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            listed_on = _listed_on(item)
            if listed_on is None:
                continue
            listed = days.setdefault(listed_on, [])
            if all(other["paper"]["id"] != item["paper"]["id"] for other in listed):
                listed.append(item)
    return days


REPO = Path(__file__).resolve().parents[1]
# The shared recordings beside the repository, else the one day the repository ships for `make demo`.
DEFAULT_SAMPLES = next(
    (d for d in (REPO.parent / "shared" / "hf-samples", REPO / "demo" / "hf-samples") if d.is_dir()),
    REPO / "demo" / "hf-samples",
)


class NoRecordedDays(ValueError):
    """A samples folder with no day that has papers: serving it would answer empty lists to everything."""


def recorded_days(samples_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """load_sample_days, refusing a missing folder or one in which no day has papers."""
    if not samples_dir.is_dir():
        raise NoRecordedDays(f"{samples_dir} is not a folder")
    days = {day: items for day, items in load_sample_days(samples_dir).items() if items}
    if not days:
        raise NoRecordedDays(
            f"{samples_dir} holds no recorded day with papers "
            "(daily_papers_date_YYYY-MM-DD.json files, as /api/daily_papers?date= answers)"
        )
    return days


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Serve recorded days until stopped: a Hugging Face to try the digest against, offline."""
    import argparse
    import os
    import signal
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES, help="default: %(default)s")
    parser.add_argument("--port", type=int, default=8765, help="0 for a free one (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        days = recorded_days(args.samples.resolve())
    except NoRecordedDays as exc:
        parser.error(str(exc))
    try:
        server = HFServer(days, port=args.port).start()
    except OSError as exc:
        parser.error(f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); try --port 0")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it as cleanly as Ctrl-C
    first, last = min(days), max(days)
    recorded = f"{len(days)} recorded day{'s' if len(days) > 1 else ''} ({first} to {last})"
    print(f"serving {recorded} from {args.samples} at {server.url}")
    print(f"  try: HF_BASE_URL={server.url} make digest DATE={last}")
    print(f"  stop: Ctrl-C (or kill {os.getpid()})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
