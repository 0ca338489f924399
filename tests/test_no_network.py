"""No network at run time (issue 8, item 6), at the ingest and check level.

Sockets are blocked (socket.socket, socket.create_connection, getaddrinfo raise) and every
attempt is recorded, so a library that tries the network and swallows the error is caught too.
Once in this process (monkeypatch), and once in a fresh interpreter where the block is in place
before njbulletin and its dependencies are even imported.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import urllib.request

import polars as pl
import pytest
from seedtools import SEED_PATH

from njbulletin import storage
from njbulletin.cli import main
from njbulletin.parser import TABLE_NAMES


class NetworkBlocked(OSError):
    """Raised by every blocked socket call."""


@pytest.fixture
def network_attempts(monkeypatch):
    """Block sockets for the test; yield the list of attempts made (each a short description)."""
    attempts: list[str] = []

    class BlockedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            attempts.append(f"socket.socket{args}")
            raise NetworkBlocked("network access is blocked in this test")

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(f"socket.{name}{args}")
            raise NetworkBlocked("network access is blocked in this test")
        return blocked

    monkeypatch.setattr(socket, "socket", BlockedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(name))
    yield attempts


def test_the_block_really_blocks(network_attempts):
    """Without this, the tests below could pass with the network wide open."""
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert len(network_attempts) == 3


def test_ingest_and_check_need_no_network(network_attempts, tmp_path, capsys):
    processed = tmp_path / "processed"
    assert main(["ingest", str(SEED_PATH), "--processed", str(processed)]) == 0
    assert main(["check", str(SEED_PATH)]) == 0
    assert network_attempts == []
    for table in TABLE_NAMES:
        assert storage.partition_path(processed, table, "2024-11").is_file(), table
    bookings = pl.read_parquet(storage.partition_path(processed, "bookings", "2024-11"))
    assert bookings["count"].sum() == 276195
    assert bookings.filter(pl.col("channel") == "third_party")["count"].sum() == 259989
    out = capsys.readouterr().out
    assert out.startswith("2024-11: ")  # ingest's summary line comes first


CHILD = textwrap.dedent("""
    import socket, sys

    attempts = []

    class NetworkBlocked(OSError):
        pass

    class BlockedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            attempts.append("socket.socket")
            raise NetworkBlocked("network access is blocked")

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append("socket." + name)
            raise NetworkBlocked("network access is blocked")
        return blocked

    socket.socket = BlockedSocket
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        setattr(socket, name, refuse(name))

    from njbulletin.cli import main  # imported only now, with the network already blocked

    status = max(main(["ingest", sys.argv[1], "--processed", sys.argv[2]]), main(["check", sys.argv[1]]))
    if attempts:
        print("network attempts: " + ", ".join(attempts), file=sys.stderr)
        sys.exit(99)
    sys.exit(status)
""")


def test_fresh_process_ingests_and_checks_without_network(tmp_path):
    processed = tmp_path / "processed"
    result = subprocess.run([sys.executable, "-c", CHILD, str(SEED_PATH), str(processed)],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    hotline = pl.read_parquet(storage.partition_path(processed, "hotline", "2024-11"))
    assert hotline.height == 9
    assert hotline["count"].sum() == 7269 + 1564 + 9573 + 7860 + 801 + 265 + 3384 + 1096 + 1564
