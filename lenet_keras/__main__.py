"""`python -m lenet_keras`: see cli.py."""

import sys

from .cli import main

sys.exit(main())
