"""Runs in a fresh python3.13 process beside the built function and layer; stdlib only until it imports them.

python -P bench/child.py MODE OUT [ARGS]; writes one JSON object to OUT.
  import OUT MODULE...         time importing the modules, in order; list what got loaded
  invoke OUT EVENT TIMEOUT_S   import app (timed), call app.lambda_handler (timed); CPU time and peak RSS
  render OUT ITEMS DAY TOP     render one day's post: the first call (templates compiled) and warm calls
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from typing import Any

WARM_RENDERS = 7


def _usage() -> dict[str, float]:
    """CPU time and peak resident memory of this process.

    The peak is /proc/self/status VmHWM: on Linux ru_maxrss survives exec, so a child started from a
    big parent reports the parent's high-water mark instead of its own.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb = float(usage.ru_maxrss)
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak_kb = float(line.split()[1])
    except OSError:
        pass
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_kb": peak_kb}


def _import(names: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    for name in names:
        __import__(name)  # the import statement's path, which -X importtime reports (import_module's is not)
    import_ms = (time.perf_counter() - started) * 1000
    return {"import_ms": import_ms, "modules": sorted(sys.modules), "origins": _origins()} | _usage()


def _origins() -> dict[str, str]:
    """Each loaded top-level module: "path" (PYTHONPATH: function, layer), "site" (the runtime's
    site-packages: boto3), "stdlib", or "builtin" (compiled in, or no file)."""
    import os
    import sysconfig

    paths = sysconfig.get_paths()
    site = {paths["purelib"], paths["platlib"]}
    stdlib = {paths["stdlib"], paths["platstdlib"]}
    ours = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    found: dict[str, str] = {}
    for name, module in list(sys.modules.items()):
        if "." in name:
            continue
        where = getattr(module, "__file__", None) or ""
        if not where:
            found[name] = "builtin"
        elif any(where.startswith(p + os.sep) for p in ours):
            found[name] = "path"
        elif any(where.startswith(p + os.sep) for p in site):
            found[name] = "site"
        elif any(where.startswith(p + os.sep) for p in stdlib):
            found[name] = "stdlib"
        else:
            found[name] = "other"
    return found


def _invoke(event_path: str, timeout_s: float) -> dict[str, Any]:
    started = time.perf_counter()
    __import__("app")
    app = sys.modules["app"]
    import_ms = (time.perf_counter() - started) * 1000
    at_start = sorted(sys.modules)
    from hf_digest.cli import LocalContext  # the context `hf-digest invoke` uses, after the start snapshot

    with open(event_path, encoding="utf-8") as handle:
        event = json.load(handle)
    started = time.perf_counter()
    try:
        result: Any = app.lambda_handler(event, LocalContext(timeout_s))
    except Exception as exc:  # noqa: BLE001 - reported to the bench, which stops with it
        result = {"error": f"{type(exc).__name__}: {exc}"}
    handler_ms = (time.perf_counter() - started) * 1000
    return {
        "import_ms": import_ms,
        "handler_ms": handler_ms,
        "modules_at_start": at_start,
        "modules_after_run": sorted(sys.modules),
        "result": result,
    } | _usage()


def _render(items_path: str, day_text: str, top_n: int) -> dict[str, Any]:
    from datetime import date
    from pathlib import Path

    config = importlib.import_module("hf_digest.config")
    model = importlib.import_module("hf_digest.core.model")
    rank = importlib.import_module("hf_digest.core.rank")
    render = importlib.import_module("hf_digest.rendering.render")

    items = json.loads(Path(items_path).read_text(encoding="utf-8"))
    settings = config.from_env({})
    papers, warnings = model.papers_from_items(items)
    digest = rank.digest(model.day_span(date.fromisoformat(day_text)), papers, top_n, warnings)
    timings = []
    size = 0
    for _ in range(1 + WARM_RENDERS):
        started = time.perf_counter()
        bundle = render.render(digest, settings, "ko")
        timings.append((time.perf_counter() - started) * 1000)
        size = len(bundle.files[0].content)
    return {"first_ms": timings[0], "warm_ms": timings[1:], "post_bytes": size, "papers": len(papers)}


def main(argv: list[str]) -> None:
    mode, out = argv[0], argv[1]
    if mode == "import":
        data = _import(argv[2:])
    elif mode == "invoke":
        data = _invoke(argv[2], float(argv[3]))
    elif mode == "render":
        data = _render(argv[2], argv[3], int(argv[4]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
