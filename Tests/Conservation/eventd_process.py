"""`eventd serve` as its own process, configured the way an operator would: a TOML file, fixed ports that
survive restarts (senders reconnect to the same address), the HTTP write key requirement and rate limits
off (the checker's senders are trusted and fast), everything else at its default unless a scenario says.
"""
import os
import signal
import socket
import subprocess
import time
import urllib.request

from pgcluster import free_port


class Eventd:
    def __init__(self, binary, directory, database_url, spool=None, extra="", wrapper=None):
        self.binary = binary
        self.directory = directory
        self.tcp_port, self.udp_port, self.http_port, self.admin_port = (free_port() for _ in range(4))
        self.config = os.path.join(directory, "eventd.toml")
        self.log_path = os.path.join(directory, "eventd.log")
        self.wrapper = wrapper or []
        self.process = None
        self.starts = 0
        spool_section = ""
        if spool:
            spool_section = "[spool]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in spool.items())
        with open(self.config, "w") as f:
            f.write(f"""[database]
url = "{database_url}"
[sources.tcp]
listen = "127.0.0.1:{self.tcp_port}"
[sources.udp]
listen = "127.0.0.1:{self.udp_port}"
[sources.http]
listen = "127.0.0.1:{self.http_port}"
require_write_key = false
[sources.http.rate_limit]
per_key_per_second = 0
per_ip_per_second = 0
[admin]
listen = "127.0.0.1:{self.admin_port}"
[log]
level = "notice"
{spool_section}
{extra}
""")

    def set_database_url(self, url):
        with open(self.config) as f:
            lines = f.read().splitlines()
        lines = [f'url = "{url}"' if line.startswith("url = ") else line for line in lines]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, timeout=60):
        log = open(self.log_path, "a")
        log.write(f"\n=== conservation: start #{self.starts + 1} at {time.strftime('%H:%M:%S')} ===\n")
        log.flush()
        self.process = subprocess.Popen(self.wrapper + [self.binary, "serve", "--config", self.config],
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"eventd exited with {self.process.returncode} at start:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.tcp_port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"eventd did not listen within {timeout} s:\n{self.log_tail()}")

    def terminate(self, timeout=60):
        """SIGTERM and wait: the graceful stop (drain the ring, commit or spool the rest)."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        return code

    def kill9(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def restart(self):
        self.terminate()
        self.start()

    def metrics(self):
        """Prometheus text from /metrics, summed over labels: name -> value ({} when unreachable)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin_port}/metrics", timeout=2) as r:
                text = r.read().decode()
        except OSError:
            return {}
        values = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name, _, value = line.rpartition(" ")
            name = name.split("{", 1)[0]
            try:
                values[name] = values.get(name, 0.0) + float(value)
            except ValueError:
                pass
        return values

    def wait_metric(self, name, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.metrics().get(name)
            if value is not None and predicate(value):
                return value
            time.sleep(0.1)
        return None

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_tail(self, lines=30):
        return "\n".join(self.log_text().splitlines()[-lines:])


def _toml(value):
    return str(value).lower() if isinstance(value, bool) else (str(value) if isinstance(value, int) else f'"{value}"')
