"""`python -m lib.cohort FILE`: see lib/cohort/cli.py."""

import sys

from lib.cohort.cli import main

sys.exit(main())
