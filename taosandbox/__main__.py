"""``python -m taosandbox`` runs the command line."""

from taosandbox.cli import main

raise SystemExit(main())
