"""Notifications of a new digest on Slack, Discord, Telegram and e-mail, exactly once per channel."""
