"""``python -m metaclean``: the same as the ``metaclean`` command."""
from metaclean.cli import run

run()
