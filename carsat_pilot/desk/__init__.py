"""The help desk: the guided session, collecting a profile in the terminal, the summary handed to the
person, wiping their data.
"""
