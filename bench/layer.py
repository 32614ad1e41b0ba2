"""The built layer (and function): unzipped and zipped size, the share of compiled bytecode, and the
largest packages in it.

Zipped as `sam deploy` uploads it (deflate); packages are distributions, each summed from its RECORD.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Size:
    unzipped: int
    zipped: int
    files: int
    bytecode: int  # unzipped bytes of .pyc files


@dataclass(frozen=True)
class LayerFigures:
    layer: Size
    function: Size
    largest: tuple[tuple[str, int], ...]  # (distribution name and version, unzipped bytes), largest first


def size_of(folder: Path, prefix: str = "") -> Size:
    """Bytes on disk (and of .pyc), and bytes of a deflate zip of the folder (level 6, as zip tools do by
    default), its entries named prefix + path."""
    buffer = io.BytesIO()
    unzipped = files = pyc = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
                size = path.stat().st_size
                unzipped += size
                files += 1
                pyc += size if path.suffix == ".pyc" else 0
    return Size(unzipped, len(buffer.getvalue()), files, pyc)


def distributions(site: Path) -> dict[str, int]:
    """Unzipped bytes per installed distribution ("jinja2 3.1.6"), from each *.dist-info/RECORD."""
    found: dict[str, int] = {}
    for record in sorted(site.glob("*.dist-info/RECORD")):
        name, _, version = record.parent.name.removesuffix(".dist-info").partition("-")
        total = 0
        with record.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if not row:
                    continue
                path = (site / row[0]).resolve()
                if path.is_file():
                    total += path.stat().st_size
        found[f"{name} {version}"] = total
    return found


def measure(layer_python: Path, function_root: Path) -> LayerFigures:
    """layer_python is the layer's python/ folder (zipped under python/, as Lambda extracts it to /opt)."""
    per_dist = distributions(layer_python)
    largest = tuple(sorted(per_dist.items(), key=lambda kv: kv[1], reverse=True)[:3])
    return LayerFigures(size_of(layer_python, "python/"), size_of(function_root), largest)
