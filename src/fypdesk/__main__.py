"""``python -m fypdesk``: the same entry point as the ``fypdesk`` command."""

import sys

from fypdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
