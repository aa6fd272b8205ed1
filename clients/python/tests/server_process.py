"""Starts the real accesstokens server for the end-to-end tests."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time

_LISTENING = re.compile(r"listening on (127\.0\.0\.1:\d+)")


class ServerProcess:
    """accesstokens-server on a free port of 127.0.0.1 with a new database.

    The binary is $ACCESSTOKENS_SERVER. The database, key and log live in a
    temporary folder that `stop()` deletes.
    """

    def __init__(self, start_timeout: float = 30.0):
        binary = os.environ.get("ACCESSTOKENS_SERVER", "")
        if not binary or not os.access(binary, os.X_OK):
            raise RuntimeError(
                f"ACCESSTOKENS_SERVER={binary!r} is not an executable; set it to the "
                "accesstokens-server binary, such as build/service/accesstokens-server"
            )
        self._folder = tempfile.TemporaryDirectory(prefix="accesstokens-python-")
        self.log_path = os.path.join(self._folder.name, "server.log")
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                [
                    binary,
                    "--listen=127.0.0.1:0",
                    f"--db={self._folder.name}/accesstokens.db",
                    f"--secret_key_file={self._folder.name}/secret.key",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.address = self._wait_for_address(start_timeout)

    def _wait_for_address(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = _LISTENING.search(self.log())
            if match:
                return match.group(1)
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the server did not start within {timeout} s; its log:\n{self.log()}")

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def stop(self) -> None:
        """Stop the server with SIGTERM, or SIGKILL after 10 s, and delete its files."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._folder.cleanup()
