"""``python -m planqa`` runs the command-line interface."""

from planqa.cli import main

raise SystemExit(main())
