"""Notifications as printed (SPEC §3.4 keys)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpctl.clock import iso
from fpctl.views import View

if TYPE_CHECKING:  # only the rows of the notification services come here
    from fpctl.store.tables import Notification

#: A table's columns, most important first (at 80 columns those that fit are shown).
COLUMNS = ["id", "unread", "created_at", "text"]


def notification_view(notification: Notification) -> View:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "subject": notification.subject,
        "text": notification.text,
        "actor": notification.actor,
        "unread": notification.read_at is None,
        "created_at": iso(notification.created_at),
        "read_at": iso(notification.read_at),
    }
