"""``python -m escort``: the same command as the ``escort`` script."""

from escort.cli import main

raise SystemExit(main())
