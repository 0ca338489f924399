"""No network at run time (issue 8, item 6), at the ingest and check level.

Sockets are blocked (socket.socket, socket.create_connection, getaddrinfo raise) and every
attempt is recorded, so a library that tries the network and swallows the error is caught too.
Once in this process (monkeypatch), and once in a fresh interpreter where the block is in place
before njbulletin and its dependencies are even imported. Last, a whole `njbulletin run` of one month
with a sitecustomize.py on PYTHONPATH that blocks every non-loopback connection and name lookup in the
run and in each notebook's kernel (loopback stays open: kernels talk to the run over ZMQ on 127.0.0.1).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import urllib.request

import polars as pl
import pytest

from njbulletin import storage
from njbulletin.commands.main import main
from njbulletin.contract import TABLE_NAMES

from seedtools import SEED_PATH


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

    from njbulletin.commands.main import main  # imported only now, with the network already blocked

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


# ----------------------------------------------------------------------------- a whole `njbulletin run`

# Put on PYTHONPATH, this is imported by every Python process started with that environment: the run
# and each notebook's kernel. It refuses AF_INET/AF_INET6 connections and datagrams to anything but
# loopback (kernels talk to the run over ZMQ on 127.0.0.1, which stays open) and name lookups of
# anything but localhost, and logs each refusal and each process it was loaded into.
SITECUSTOMIZE = textwrap.dedent('''
    import ipaddress
    import os
    import socket

    _LOG = os.environ["NJBULLETIN_NETBLOCK_LOG"]


    def _note(line):
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {line}\\n")


    def _command_line():
        with open("/proc/self/cmdline", "rb") as handle:
            return handle.read().replace(b"\\0", b" ").decode("utf-8", "replace").strip()


    class NetworkBlocked(OSError):
        pass


    def _is_loopback(host):
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host in (None, "", "localhost", "ip6-localhost"):
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False


    def _refuse(what):
        _note(f"blocked {what}")
        raise NetworkBlocked(f"network access is blocked: {what}")


    def _guard_address(method):
        def guarded(self, *args):
            address = args[-1]
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
                _refuse(f"{method.__name__} {address!r}")
            return method(self, *args)
        return guarded


    def _guard_lookup(function):
        def guarded(host, *args, **kwargs):
            if not _is_loopback(host):
                _refuse(f"{function.__name__} {host!r}")
            return function(host, *args, **kwargs)
        return guarded


    for _name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, _name, _guard_address(getattr(socket.socket, _name)))
    for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        setattr(socket, _name, _guard_lookup(getattr(socket, _name)))
    _note("loaded " + _command_line())
''')

POSITIVE_CONTROL = textwrap.dedent("""
    import socket

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.connect(("127.0.0.1", 9))  # loopback stays open (a UDP connect sends nothing)
    for attempt in (lambda: udp.connect(("192.0.2.1", 9)),
                    lambda: socket.getaddrinfo("192.0.2.1", 80, flags=socket.AI_NUMERICHOST),
                    lambda: socket.create_connection(("192.0.2.1", 80), timeout=1)):
        try:
            attempt()
        except OSError as exc:
            print(type(exc).__name__, exc)
        else:
            print("NOT BLOCKED")
""")


def blocked_environment(folder) -> tuple[dict, object]:
    """The environment that loads the block into every Python process, and its log file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = folder / "network.log"
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NJBULLETIN_NETBLOCK_LOG": str(log)}, log


def test_the_sitecustomize_block_refuses_non_loopback_and_keeps_loopback(tmp_path):
    env, log = blocked_environment(tmp_path / "block")
    result = subprocess.run([sys.executable, "-c", POSITIVE_CONTROL], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "NetworkBlocked network access is blocked: connect ('192.0.2.1', 9)",
        "NetworkBlocked network access is blocked: getaddrinfo '192.0.2.1'",
        "NetworkBlocked network access is blocked: getaddrinfo '192.0.2.1'"]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert sum(" blocked " in line for line in lines) == 3
    assert any(" loaded " in line and "-c" in line for line in lines)


def test_a_whole_run_needs_no_network_in_the_run_or_its_kernels(tmp_path):
    from conftest import make_workspace

    workspace = make_workspace(tmp_path / "workspace")
    env, log = blocked_environment(tmp_path / "block")
    result = subprocess.run([sys.executable, "-m", "njbulletin", "run", "2024-11", "--raw", str(workspace.raw),
                             "--processed", str(workspace.processed), "--reports", str(workspace.reports),
                             "--jobs", "1"], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if " blocked " in line] == []
    loaded = [line for line in lines if " loaded " in line]
    assert sum("njbulletin run" in line for line in loaded) == 1
    # a single month's notebooks share two kernels (pipeline.kernels.SHARED_KERNELS); each loaded the blocker
    assert sum("ipykernel_launcher" in line for line in loaded) == 2
    bookings = pl.read_parquet(storage.partition_path(workspace.processed, "bookings", "2024-11"))
    assert bookings["count"].sum() == 276195
    summary = (workspace.reports / "2024-11" / "summary.json").read_text(encoding="utf-8")
    assert '"bookings_total": 276195' in summary


def test_the_block_is_in_force_inside_a_kernel(tmp_path):
    """The positive control again, inside a Jupyter kernel started with the same environment (the kernel
    still talks to this process over loopback ZMQ)."""
    from jupyter_client.manager import KernelManager

    env, log = blocked_environment(tmp_path / "block")
    kernel = KernelManager(kernel_name="python3")
    kernel.start_kernel(env=env)
    client = kernel.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        messages = []
        reply = client.execute_interactive(POSITIVE_CONTROL, timeout=60, output_hook=messages.append)
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    printed = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert printed.splitlines() == [
        "NetworkBlocked network access is blocked: connect ('192.0.2.1', 9)",
        "NetworkBlocked network access is blocked: getaddrinfo '192.0.2.1'",
        "NetworkBlocked network access is blocked: getaddrinfo '192.0.2.1'"]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any(" loaded " in line and "ipykernel_launcher" in line for line in lines)
    assert sum(" blocked " in line for line in lines) == 3
