"""Rendering: Jinja2 templates, the post, previews, feeds and the S3 site."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"  # the built-in templates, every language
