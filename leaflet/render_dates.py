"""Dates as Japanese readers expect them in print: 2026年11月20日."""

from __future__ import annotations

import datetime as dt
from typing import Any


def japanese_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value or "")
