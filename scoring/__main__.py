"""`python -m scoring ...`: see scoring.cli."""

import os
import sys

from scoring.cli import main

try:
    sys.exit(main())
except BrokenPipeError:
    # The reader went away (`... | head`): that is not an error of ours. Point stdout at /dev/null so
    # the interpreter's final flush does not raise again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
