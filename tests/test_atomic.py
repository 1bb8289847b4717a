"""Atomic writes: the old file survives a failed write, and no temporary file is left."""

from __future__ import annotations

import pytest

from leaflet.atomic import atomic_open, write_atomic


def test_replaces_the_file(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    write_atomic(target, "一")
    write_atomic(target, "二")
    assert target.read_text(encoding="utf-8") == "二"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_mtime_is_set_before_the_file_appears(tmp_path):
    target = tmp_path / "t.png"
    with atomic_open(target, mtime_ns=1_000_000_000_000_000_000) as handle:
        handle.write(b"x")
    assert target.stat().st_mtime_ns == 1_000_000_000_000_000_000
