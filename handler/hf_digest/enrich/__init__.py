"""Enrichments: summaries, topic filters and profiles, interests."""
