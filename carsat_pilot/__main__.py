from carsat_pilot.cli import main

main()
