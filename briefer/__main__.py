"""``python -m briefer`` runs the command line."""

from briefer.cli import main

main()
