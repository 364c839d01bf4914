"""The person: the profile model and its file, the field checks, passwords and the secrets' environment."""
