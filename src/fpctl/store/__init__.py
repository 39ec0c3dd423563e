"""The store: SQLModel tables on SQLite, sessions, migrations."""
