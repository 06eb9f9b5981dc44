"""Starting the server the way command one (`make run`) starts it, for the
top-level suites."""

import contextlib
import os
import signal
import subprocess
import time

import pytest
import requests


@contextlib.contextmanager
def run_server(root, log_path, port, **env_vars):
    """Start ``scripts/run.sh`` with ``env_vars`` (BO_DB, BO_WORKERS...) on
    ``port``, its output in ``log_path``; yield ``(process, base URL)`` once
    /web/health answers, stop its whole process group afterwards. A server
    that exits or stays silent for 300 s fails the test with its log."""
    env = dict(os.environ, BO_HTTP_PORT=str(port), **env_vars)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["bash", str(root / "scripts" / "run.sh")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"server exited early ({proc.returncode}):\n{log_path.read_text()[-4000:]}"
                )
            try:
                if requests.get(f"{base}/web/health", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or still loading the registry
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer in 300 s:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
        yield proc, base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
