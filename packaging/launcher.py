"""Entry script of the frozen app: the same ``main`` as the ``fypdesk`` command."""

import sys

from fypdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
