"""``python -m generator`` runs the insertgen command line."""

from generator.cli import main

main(prog_name="insertgen")
