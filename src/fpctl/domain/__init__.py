"""Vocabulary and pure rules: no I/O, nothing of ours but ``fpctl.errors``."""
