"""Callbacks that log other frameworks' training into Cairn (docs/integrations.md). Each module
imports its framework only when used, so none of them is needed by ``import cairn``."""
