"""`python -m hf_digest` is the same as `hf-digest`."""

import sys

from hf_digest.cli import main

sys.exit(main())
