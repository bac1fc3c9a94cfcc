"""``python -m medroutes``: see :mod:`medroutes.cli`."""

from .cli import main

raise SystemExit(main())
