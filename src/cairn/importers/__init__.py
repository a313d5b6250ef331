"""Bringing history from other trackers into a Cairn store (``cairn import ...``)."""
