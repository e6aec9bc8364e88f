"""`python -m ivr.cli`: the same as the `ivr` command."""
import sys

from .main import main

sys.exit(main())
