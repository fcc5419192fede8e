"""Concurrent requests against gunicorn on 127.0.0.1: the production-like server, mixed pages and
searches, for a fixed time. Every answer that is not a 200 counts as a failure."""

import http.client
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .measure import Timing, children, resident_megabytes


@dataclass
class LoadResult:
    seconds: float
    timing: Timing
    failures: dict[str, int] = field(default_factory=dict)
    workers: int = 0
    clients: int = 0
    worker_megabytes: list[float] = field(default_factory=list)  # each worker's resident memory after the run

    @property
    def requests(self) -> int:
        return len(self.timing.samples) + sum(self.failures.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def run_load(urls: list[str], seconds: float, workers: int, clients: int) -> LoadResult:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
    )
    try:
        _wait_until_up(port, process)
        for url in urls:  # each worker warms up on a share of the URLs
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", url)
            connection.getresponse().read()
        result = _hammer(port, urls, seconds, workers, clients)
        result.worker_megabytes = [resident_megabytes(pid) for pid in children(process.pid)]
        return result
    finally:
        process.terminate()
        process.wait(timeout=30)


def _hammer(port: int, urls: list[str], seconds: float, workers: int, clients: int) -> LoadResult:
    timing = Timing("load")
    failures: dict[str, int] = {}
    lock = threading.Lock()
    next_url = itertools.cycle(urls).__next__
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            with lock:
                url = next_url()
            started = time.perf_counter()
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                response.read()
                outcome = None if response.status == 200 else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                if outcome is None:
                    timing.samples.append(elapsed)
                else:
                    failures[outcome] = failures.get(outcome, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(time.perf_counter() - started, timing, failures, workers, clients)
