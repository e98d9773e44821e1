"""A PostgreSQL server of the checker's own: its own data directory and port on 127.0.0.1, run as the
`postgres` user when the checker runs as root (PostgreSQL refuses root). The checker stops, kills and
promotes these freely; it never touches any other server (the project's shared one included).
"""
import os
import shutil
import signal
import socket
import subprocess
import time


def pg_bin():
    for version in ("17", "16", "15"):
        path = f"/usr/lib/postgresql/{version}/bin"
        if os.access(path + "/initdb", os.X_OK):
            return path
    raise SystemExit("conservation: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(words):
    return ["runuser", "-u", "postgres", "--"] + words if os.getuid() == 0 else words


def give_to_postgres(path):
    if os.getuid() == 0:
        shutil.chown(path, "postgres")


class Cluster:
    """One server: `directory/data`, log in `directory/log`, socket in `directory`."""

    def __init__(self, directory, port=None):
        self.directory = directory
        self.data = os.path.join(directory, "data")
        self.port = port or free_port()
        self.bin = pg_bin()
        self.replication_port = self.port   # where standbys stream from (a LagProxy's port, if any)

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def url(self, database="postgres"):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool, *args, check=True, timeout=120):
        words = as_postgres([os.path.join(self.bin, tool), *args])
        done = subprocess.run(words, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(words)} failed ({done.returncode}): {done.stdout[-2000:]}")
        return done

    def init(self, settings=""):
        os.makedirs(self.directory, exist_ok=True)
        give_to_postgres(self.directory)
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.append_settings(settings)

    def append_settings(self, settings):
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write("\n# conservation checker\nlisten_addresses = '127.0.0.1'\n"
                       "max_connections = 60\nshared_buffers = 32MB\nfsync = off\n"
                       "wal_keep_size = 256MB\n" + settings + "\n")

    def copy_from(self, template):
        """A new server whose data directory is a copy of a stopped template's (faster than initdb + migrate)."""
        os.makedirs(self.directory, exist_ok=True)
        give_to_postgres(self.directory)
        subprocess.run(["cp", "-a", template.data, self.data], check=True)

    def start(self):
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.directory, "log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.directory}", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self):
        self.stop("fast")
        self.start()

    def running(self):
        return self._run("pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def kill9(self):
        """`kill -9` of the postmaster and of its children (as a machine that lost power would stop);
        returns the monotonic time right after the signals were sent."""
        pid = self.postmaster_pid()
        if pid is None:
            return time.monotonic()
        children = [c for c in all_pids() if parent_pid(c) == pid]
        for p in [pid] + children:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        killed = time.monotonic()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(process_alive(p) for p in [pid] + children):
            time.sleep(0.02)
        # The dead postmaster may linger as a zombie (its parent here need not reap it), and PostgreSQL
        # refuses a data directory whose postmaster.pid names a process that exists: a rebooted machine
        # would have no such process, so neither do we.
        if not any(process_alive(p) for p in [pid] + children):
            for lock in (os.path.join(self.data, "postmaster.pid"),
                         os.path.join(self.directory, f".s.PGSQL.{self.port}.lock")):
                try:
                    os.unlink(lock)
                except OSError:
                    pass
        return killed

    def promote(self):
        self._run("pg_ctl", "-D", self.data, "-w", "-t", "60", "promote")

    def base_backup_from(self, primary):
        """Replaces this server's data with a streaming standby of `primary` (pg_basebackup -R)."""
        shutil.rmtree(self.data, ignore_errors=True)
        os.makedirs(self.directory, exist_ok=True)
        give_to_postgres(self.directory)
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", self.data, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as conf:
            # The copy carries the primary's ALTER SYSTEM settings: once promoted, this node must not
            # wait for a synchronous standby it does not have yet.
            conf.write(f"primary_conninfo = 'host=127.0.0.1 port={primary.replication_port} user=postgres "
                       f"application_name=node{self.port}'\nsynchronous_standby_names = ''\n")

    def psql(self, sql, database="postgres", check=True, timeout=60):
        done = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database),
                               "-c", sql], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"psql on {self.host}: {done.stderr.strip()}")
        return done.stdout

    def scalar(self, sql, database="postgres"):
        return int(self.psql(sql, database).strip() or 0)

    def log_tail(self, lines=20):
        try:
            with open(os.path.join(self.directory, "log")) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def destroy(self):
        if os.path.exists(self.data):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def parent_pid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def process_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
