"""Adapters built once per invocation and handed in: publishers, notifiers, the state store."""
