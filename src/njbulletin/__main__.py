"""`python -m njbulletin ...` runs the command line, as the `njbulletin` script does."""
import sys

from njbulletin.commands.main import main

sys.exit(main())
