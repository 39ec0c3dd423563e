"""fpctl: administer Pro team accounts from the command line."""

__version__ = "0.1.0"
