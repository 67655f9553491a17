"""Starts `groundswell explore` on a free port for the explorer's tests and
talks to it over real HTTP (http.client, so tests can set any Host/Origin)."""
import http.client
import json
import os
import re
import subprocess
import time

from gs_test import EXE


class ExploreServer:
    def __init__(self, *args, env=None):
        self.proc = subprocess.Popen([EXE, "explore", "--port", "0", *map(str, args)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.proc.kill()
            raise AssertionError(f"explore printed no address: {line!r} {self.proc.stderr.read()}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}/"

    def request(self, method, path, body=None, headers=None):
        """(status, headers dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
            conn.request(method, path, body=data, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def json(self, method, path, body=None, expect=200):
        status, _, data = self.request(method, path, body)
        if status != expect:
            raise AssertionError(f"{method} {path}: {status} (expected {expect}): {data[:500]!r}")
        return json.loads(data)

    def run(self, body, timeout=300):
        """Starts a run and waits for it; returns its final status."""
        run_id = self.json("POST", "/api/run", body, expect=202)["id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.json("GET", f"/api/runs/{run_id}")
            if status["state"] not in ("queued", "running"):
                return status
            time.sleep(0.05)
        raise AssertionError(f"run {run_id} did not finish in {timeout} s")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
        return self.proc.returncode
