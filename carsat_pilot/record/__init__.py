"""What a run leaves: events and their terminal view, the journal, the per-person state, artifacts, and
the masking of personal data.
"""
