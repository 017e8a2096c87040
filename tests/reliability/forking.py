"""The parent's side of a fork server: a process that imports fypdesk once, then forks a child
per kill cycle, so that a cycle costs the work being killed rather than an interpreter start-up.

The protocol, line by line on the server's stdin and stdout: the test sends one request line; the
server forks and answers ``pid N``; the child may write its own lines (acknowledgements) to the
same stdout; the test kills the child and sends ``reap``; the server reaps it and answers with a
last line (``reaped``, or how the child ended).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


def read_line(stream: IO[bytes]) -> str:
    """The next line from the server, stripped; fails the test if the server has gone."""
    line = stream.readline()
    if not line:
        raise AssertionError("the server process ended unexpectedly")
    return line.decode().strip()


@contextmanager
def server(argv: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python *argv`` with piped stdin and stdout; it must end with status 0."""
    with subprocess.Popen(
        [sys.executable, *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as process:
        try:
            yield process
        finally:
            assert process.stdin is not None
            process.stdin.close()
            assert process.wait(timeout=60) == 0


def send(process: subprocess.Popen[bytes], line: str) -> int:
    """Ask the server for a cycle; return the pid of the child it forked."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(line.encode() + b"\n")
    process.stdin.flush()
    reply = read_line(process.stdout)
    assert reply.startswith("pid "), reply
    return int(reply.split()[1])


def reap(process: subprocess.Popen[bytes]) -> None:
    """Tell the server that it may reap its child (finished, or killed by the test)."""
    assert process.stdin is not None
    process.stdin.write(b"reap\n")
    process.stdin.flush()


def kill(process: subprocess.Popen[bytes], pid: int) -> None:
    """SIGKILL the child (running, or a zombie that already finished), then let it be reaped."""
    os.kill(pid, signal.SIGKILL)  # the server reaps only after "reap": the pid is still ours
    reap(process)
