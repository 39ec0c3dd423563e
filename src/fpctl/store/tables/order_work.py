"""An hourly order's logged hours and their weekly reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from fpctl.store.tables.base import when, word


class OrderHours(SQLModel, table=True):
    """Hours a freelancer logged on an hourly order for one ISO week."""

    __tablename__ = "order_hours"
    __table_args__ = (Index("ix_order_hours_charge_due", "charged_at", "week_ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    week: str  # 2026-W47
    week_ends_at: datetime = when()  # the next Monday, 00:00 UTC: the week is charged then
    hundredths: int  # hours times 100
    description: str
    logged_at: datetime = when()
    charged_at: datetime | None = when(nullable=True)
    charged_cents: int | None = None
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")


class OrderHourReport(SQLModel, table=True):
    """The weekly report of an hourly order's hours (one per order and ISO week, made with the
    week's first hours): the buyer side approves or disputes it before ``answer_by``, or the
    clock approves it then. Its hours and charge are those of the week's ``order_hours``."""

    __tablename__ = "order_hour_report"
    __table_args__ = (
        UniqueConstraint("order_id", "week"),
        Index("ix_order_hour_report_due", "status", "answer_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    week: str  # 2026-W47
    answer_by: datetime = when()  # the week's end plus the window, later if amended late
    status: str = word("pending")  # pending, approved, disputed, waived
    disputed_hundredths: int | None = None  # the hours disputed (times 100)
    billable_hundredths: int | None = None  # what approval charges; None: every hour logged
    reason: str | None = None  # the dispute's
    answered_by: str | None = None  # who approved or disputed it; None: the clock
    answered_at: datetime | None = when(nullable=True)
    resolved_by: str | None = None  # who settled the dispute (an approval or a concession)
    resolved_at: datetime | None = when(nullable=True)
