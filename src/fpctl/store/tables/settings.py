"""The store's own settings (migration 0007)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class StoreSetting(SQLModel, table=True):
    """One named value about the store itself, such as how its clock is used (``clock``)."""

    __tablename__ = "store_setting"

    key: str = Field(primary_key=True)
    value: str
