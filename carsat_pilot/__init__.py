"""carsat-pilot: drives a browser on lassuranceretraite.fr to get a person's RIS."""

__version__ = "0.1.0"
