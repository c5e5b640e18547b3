import sys

from bakhong.cli import main

sys.exit(main())
