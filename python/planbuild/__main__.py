"""``python -m planbuild ARGS…`` runs the ``planbuild`` command, as the console script does."""
from planbuild._console import main

main()
