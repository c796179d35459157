"""Persistence: SQLModel tables, migrations and the repository (SQLite by default, PostgreSQL by URL)."""
