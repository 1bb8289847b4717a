"""The guarded reader: what it refuses, and that it refuses before reading a byte."""

from __future__ import annotations

import os
import stat

import pytest

from leaflet import guarded_read
from leaflet.guarded_read import Refused, read_bytes, read_text

from .hardening import SECRET


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "proj"
    folder.mkdir()
    return folder


@pytest.fixture
def opened(monkeypatch):
    """Every path the reader asks the OS to open."""
    paths: list[str] = []
    real = os.open

    def spy(path, flags, *args, **kwargs):
        paths.append(os.fspath(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(guarded_read.os, "open", spy)
    return paths


def refusal(path, root, limit=guarded_read.TEXT_LIMIT) -> Refused:
    with pytest.raises(Refused) as caught:
        read_bytes(path, root, limit)
    return caught.value


def test_a_file_inside_is_read_once_whole(root, opened):
    (root / "a.md").write_bytes(b"x" * 1000)
    assert read_bytes(root / "a.md", root) == b"x" * 1000
    assert len(opened) == 1


def test_a_symlink_leading_out_is_refused_unopened(root, tmp_path, opened):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    (root / "a.md").symlink_to(secret)
    error = refusal(root / "a.md", root)
    assert (error.code, error.path) == ("outside", "a.md")
    assert "プロジェクトの外" in str(error)
    assert opened == []  # refused before anything was opened


def test_a_link_inside_that_stays_inside_is_fine(root):
    (root / "real.md").write_text("本文", encoding="utf-8")
    (root / "link.md").symlink_to("real.md")
    assert read_text(root / "link.md", root) == "本文"


def test_a_path_with_dot_dot_is_judged_where_it_lands(root, tmp_path):
    (tmp_path / "secret.txt").write_bytes(SECRET)
    assert refusal(root / ".." / "secret.txt", root).code == "outside"


def test_a_link_put_in_place_after_the_check_is_refused(root, tmp_path, monkeypatch):
    """The check and the open are two steps: a link swapped in between is refused by
    O_NOFOLLOW, and a folder swapped for a link by the look at the opened file."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    target = root / "a.md"
    target.write_bytes(b"inside")
    real = os.path.realpath

    def swap_then_resolve(path, *args, **kwargs):
        resolved = real(path, *args, **kwargs)
        if resolved == str(target):
            target.unlink()
            target.symlink_to(tmp_path / "secret.txt")
        return resolved

    monkeypatch.setattr(guarded_read.os.path, "realpath", swap_then_resolve)
    assert refusal(target, root).code == "outside"


def test_a_fifo_is_refused_without_blocking(root):
    os.mkfifo(root / "x.md")  # no writer: a blocking open would wait for ever
    error = refusal(root / "x.md", root)
    assert error.code == "special"
    assert "ふつうのファイルではありません" in error.message


def test_dev_zero_is_refused_through_a_link_and_as_a_device_inside(root):
    (root / "zero.md").symlink_to("/dev/zero")
    assert refusal(root / "zero.md", root).code == "outside"
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(root / "dev.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    assert refusal(root / "dev.md", root).code == "special"


def test_a_folder_named_like_a_file_is_refused(root):
    (root / "x.md").mkdir()
    error = refusal(root / "x.md", root)
    assert error.code == "folder"
    assert "フォルダ" in error.message


def test_too_large_is_refused_before_reading(root, monkeypatch):
    (root / "big.md").write_bytes(b"x" * 2000)
    reads: list[int] = []
    real = os.read
    monkeypatch.setattr(guarded_read.os, "read", lambda fd, n: reads.append(n) or real(fd, n))
    error = refusal(root / "big.md", root, limit=1000)
    assert error.code == "too_large"
    assert "大きすぎます" in error.message and "上限" in error.message
    assert reads == []


def test_nul_in_a_name_and_a_missing_file(root):
    assert refusal(str(root / "a\x00.md"), root).code == "bad_name"
    assert refusal(root / "nothing.md", root).code == "missing"


def test_bad_utf8_names_its_line(root):
    (root / "a.md").write_bytes("一行目\n".encode() + "二行目".encode("shift_jis"))
    with pytest.raises(guarded_read.HandoutError) as caught:
        read_text(root / "a.md", root)
    assert caught.value.line == 2


def test_unreadable_file_is_named_as_such(root):
    if os.geteuid() == 0:
        pytest.skip("root reads any file (the command-line test drops that power with setpriv)")
    (root / "a.md").write_text("x")
    (root / "a.md").chmod(0)
    assert refusal(root / "a.md", root).code == "denied"


def test_a_refusal_survives_the_trip_from_a_worker(root):
    import pickle

    error = refusal(root / "nothing.md", root)
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, again.path, str(again)) == (error.code, error.path, str(error))
