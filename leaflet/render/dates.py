"""Dates as Japanese readers expect them in print: 2026年11月20日."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any


def japanese_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value or "")


def source_date() -> dt.date | None:
    """The build date for a handout with no ``revised``: SOURCE_DATE_EPOCH (the
    reproducible-builds convention) or none at all, never today, so two builds of the
    same input are the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
