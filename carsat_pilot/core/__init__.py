"""What every layer may use: typed errors, the person's language, the run's private folder, text folding."""
