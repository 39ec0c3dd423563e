"""The command layer: Typer only. Parse, call one service, render, map errors.

Importing this package must stay cheap (no SQLAlchemy, SQLModel or Rich tables):
services and the store are imported inside the commands that use them.
"""
