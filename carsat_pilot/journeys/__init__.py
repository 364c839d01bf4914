"""The journeys: the options of a run, the browser session, register / activate / fetch-ris, the RIS,
the doctor's dry run and the demo.
"""
