"""`njbulletin synth --months N --out DIR [--start YYYY-MM] [--seed S]`: write synthetic bulletins."""
from __future__ import annotations

from njbulletin.commands.paths import output_folder
from njbulletin.errors import EXIT_OK
from njbulletin.synth import write_bulletins


def synth_command(args) -> int:
    paths = write_bulletins(output_folder(args.out, "output"), args.months, args.start, args.seed)
    print(f"wrote {len(paths)} synthetic bulletins ({paths[0].stem} to {paths[-1].stem}, seed {args.seed}) "
          f"with expected figures to {paths[0].parent}")
    return EXIT_OK
