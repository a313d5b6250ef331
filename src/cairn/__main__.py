"""``python -m cairn``: the ``cairn`` command."""

from cairn.cli.main import main

main()
