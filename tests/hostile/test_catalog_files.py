"""Hostile catalog files (pointed at by $LOSSAUDIT_CATALOG): special files, huge files, deep nesting, bad bytes.

Each is a CatalogError naming the file, found in bounded time without reading more than the size limit.
"""
from __future__ import annotations

import os
import socket
import time

import pytest
from typer.testing import CliRunner

from helpers_hostile import assert_refused, run_cli
from lossaudit import catalog_loader
from lossaudit.cli import app
from lossaudit.errors import CatalogError

GOOD = ('[[loss]]\nname = "mine"\nkind = "regression"\nexpression = "(y_pred - y_true)**2"\n'
        'description = "d"\nreferences = ["r"]\n')


def refused(folder, *needles) -> CatalogError:
    start = time.perf_counter()
    with pytest.raises(CatalogError) as info:
        catalog_loader.load(folder)
    assert time.perf_counter() - start < 5.0  # refused on sight, never read through
    for needle in needles:
        assert needle in str(info.value), (needle, str(info.value))
    return info.value


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_symlink_to_a_device_is_refused_unread(tmp_path, device):
    (tmp_path / "dev.toml").symlink_to(device)
    exc = refused(tmp_path, "dev.toml", "not a regular file")
    assert exc.file == "dev.toml"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    refused(tmp_path, "pipe.toml", "not a regular file")


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.toml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        refused(tmp_path, "s.toml", "not a regular file")


def test_a_folder_named_like_a_catalog_file_is_refused(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    refused(tmp_path, "folder.toml", "not a regular file")


def test_a_ten_megabyte_file_is_refused_by_its_size(tmp_path):
    (tmp_path / "big.toml").write_text(GOOD + "# " + "x" * (10 * 2 ** 20) + "\n", encoding="utf-8")
    refused(tmp_path, "big.toml", "1048576", "1 MiB")


def test_a_file_just_under_the_limit_is_read(tmp_path):
    padding = catalog_loader.MAX_FILE_BYTES - len(GOOD) - 3
    (tmp_path / "ok.toml").write_text(GOOD + "#" + "x" * padding + "\n", encoding="utf-8")
    assert [x.name for x in catalog_loader.load(tmp_path)] == ["mine"]


@pytest.mark.parametrize("text", [
    "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
    "[[loss]]\nreferences = " + "[" * 5000 + "]" * 5000 + "\n",
], ids=["arrays", "inline_tables", "inside_an_entry"])
def test_deep_nesting_is_a_catalog_error_not_a_recursion_error(tmp_path, text):
    (tmp_path / "deep.toml").write_text(text, encoding="utf-8")
    refused(tmp_path, "deep.toml")


def test_nesting_that_parses_is_refused_by_field(tmp_path):
    text = GOOD.replace('references = ["r"]', "references = " + "[" * 50 + '"r"' + "]" * 50)
    (tmp_path / "nested.toml").write_text(text, encoding="utf-8")
    exc = refused(tmp_path, "nested.toml", "mine", "references")
    assert exc.field == "references"


def test_bytes_that_are_not_utf8_are_a_catalog_error(tmp_path):
    (tmp_path / "latin.toml").write_bytes(GOOD.replace('"d"', '"caf\xe9"').encode("latin-1"))
    refused(tmp_path, "latin.toml", "UTF-8")


def test_too_many_entries_are_refused(tmp_path):
    entries = "".join(GOOD.replace('"mine"', f'"m{i}"') for i in range(catalog_loader.MAX_ENTRIES + 1))
    (tmp_path / "many.toml").write_text(entries, encoding="utf-8")
    refused(tmp_path, "many.toml", str(catalog_loader.MAX_ENTRIES))


def test_a_long_name_does_not_flood_the_message(tmp_path):
    (tmp_path / "long.toml").write_text(GOOD.replace('"mine"', '"' + "a" * 100_000 + '"').replace(
        '"regression"', '"nonsense"'), encoding="utf-8")
    exc = refused(tmp_path, "long.toml", "kind")
    assert len(str(exc)) < 500


# Through the command line: the way a user points lossaudit at catalog files.

@pytest.fixture
def catalog_env(tmp_path, monkeypatch):
    monkeypatch.setenv("LOSSAUDIT_CATALOG", str(tmp_path))
    catalog_loader._cached.cache_clear()
    yield tmp_path
    catalog_loader._cached.cache_clear()


@pytest.mark.parametrize("make", ["zero", "urandom", "fifo"])
def test_the_cli_refuses_special_catalog_files(catalog_env, make):
    target = catalog_env / "evil.toml"
    if make == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(f"/dev/{make}")
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["audit", "huber", "--quiet"])
    assert_refused(result, "evil.toml", "not a regular file")
    assert time.perf_counter() - start < 10.0


def test_the_cli_refuses_deeply_nested_catalog_files(catalog_env):
    (catalog_env / "deep.toml").write_text("x = " + "[" * 10000 + "]" * 10000 + "\n", encoding="utf-8")
    assert_refused(CliRunner().invoke(app, ["list"]), "deep.toml", "nested")  # before: RecursionError, exit 3


def test_a_fresh_process_refuses_dev_zero_with_status_2(tmp_path):
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    proc = run_cli("list", env={"LOSSAUDIT_CATALOG": str(tmp_path)}, timeout=60)
    assert_refused(proc, "zero.toml", "not a regular file")  # before: gigabytes, then an internal MemoryError
