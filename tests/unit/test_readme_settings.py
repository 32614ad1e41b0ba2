"""The README's table of settings is the one definition's (config.Settings): a setting added, renamed or
given a new default fails here until the table says so. UPDATE_README=1 rewrites the table."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hf_digest import config
from hf_digest.settings_file import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- settings table: generated from config.Settings -->\n", "<!-- end of settings table -->"


def test_the_readme_table_lists_every_setting_and_nothing_else() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "the README lost its settings table's markers"
    table = markdown_table(config.specs(), config.shown_value) + "\n"
    before, rest = text.split(START, 1)
    current, after = rest.split(END, 1)
    if os.environ.get("UPDATE_README") == "1" and current != table:
        README.write_text(before + START + table + END + after, encoding="utf-8")
        current = table
    listed = re.findall(r"^\| `(\w+)` \| `([A-Z0-9_]+)` \|", current, flags=re.MULTILINE)
    assert listed == [(spec.key, spec.env) for spec in config.specs()]
    assert current == table, "stale: UPDATE_README=1 pytest tests/unit/test_readme_settings.py"
