"""Run carsat-pilot as `python -m carsat_pilot` (the tests start the CLI this way)."""

from carsat_pilot.entry import main

main()
