"""Outbound I/O: the run's deadline, the request policy, AWS clients, secrets, redaction."""
