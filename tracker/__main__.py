"""`python -m tracker ...` runs the command line, like the `tracker` script."""

from tracker.cli.main import main

main()
