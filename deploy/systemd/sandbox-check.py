#!/usr/bin/python3
"""eventd under a pretend systemd, with eventd.service's sandbox rebuilt by hand.

Checks what `systemd-analyze verify` cannot: that the real binary works inside the unit's
SystemCallFilter= (@system-service minus @privileged @resources, others failing with EPERM) and
MemoryDenyWriteExecute= (the kernel's PR_SET_MDWE), speaking sd_notify on NOTIFY_SOCKET with a
watchdog, on sockets passed as LISTEN_FDS: events over TCP, UDP and HTTP, a SIGHUP reload, an
invalid reload, SIGTERM. Needs python3-seccomp (Debian) and a PostgreSQL admin URL:

    /usr/bin/python3 deploy/systemd/sandbox-check.py .build/debug/eventd postgresql://postgres@127.0.0.1:54329/postgres
"""
import ctypes, errno, json, os, signal, socket, subprocess, sys, time


def exec_sandboxed(argv):
    import seccomp
    text = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"], capture_output=True, text=True).stdout
    groups, current = {}, None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"): continue
        if line.startswith("@"): current = s; groups[current] = []; continue
        if current: groups[current].append(s)
    def expand(name, seen=None):
        seen = seen or set()
        if not name.startswith("@"): return {name}
        if name in seen: return set()
        seen.add(name); out = set()
        for m in groups.get(name, []): out |= expand(m, seen)
        return out
    allowed = expand("@system-service") - expand("@privileged") - expand("@resources")
    f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    n = 0
    for name in sorted(allowed):
        try: f.add_rule(seccomp.ALLOW, name); n += 1
        except Exception: pass
    print(f"sandbox: {n} syscalls allowed", file=sys.stderr)
    f.load()
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(65, 1, 0, 0, 0) == 0, "PR_SET_MDWE"
    os.execv(argv[0], argv)


if len(sys.argv) > 1 and sys.argv[1] == "--exec-sandboxed":
    exec_sandboxed(sys.argv[2:])

BIN = sys.argv[1]; ADMIN = sys.argv[2]; DB = "eventd_e2e_systemd"
subprocess.run(["psql", "-Xq", ADMIN, "-c", f"DROP DATABASE IF EXISTS {DB}", "-c", f"CREATE DATABASE {DB}"], check=True)
url = ADMIN.rsplit("/", 1)[0] + "/" + DB
subprocess.run([BIN, "migrate", "--database-url", url], check=True, capture_output=True)

notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); notify.bind("\0eventd-e2e-notify"); notify.settimeout(0.2)
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(128)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
http = socket.socket(); http.bind(("127.0.0.1", 0)); http.listen(128)
ports = [s.getsockname()[1] for s in (tcp, udp, http)]
conf = "/tmp/eventd-e2e.toml"
open(conf, "w").write('[admin]\nlisten = "127.0.0.1:0"\n[sources.http]\nrequire_write_key = false\n')
pid = os.fork()
if pid == 0:
    for i, s in enumerate((tcp, udp, http)):
        os.dup2(s.fileno(), 3 + i, inheritable=True)
    env = dict(os.environ, NOTIFY_SOCKET="@eventd-e2e-notify", WATCHDOG_USEC="2000000", WATCHDOG_PID=str(os.getpid()),
               LISTEN_FDS="3", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="tcp:udp:http", EVENTD_DATABASE_URL=url)
    os.execve("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__), "--exec-sandboxed", BIN, "serve", "--config", conf], env)
for s in (tcp, udp, http): s.close()

seen = []
def wait_for(pred, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            m = notify.recv(4096).decode(); seen.append(m)
            if pred(m): return m
        except socket.timeout: pass
    return None
print("ready:", wait_for(lambda m: m.startswith("READY=1")))
c = socket.create_connection(("127.0.0.1", ports[0])); c.sendall(b'{"ack":true}\n{"type":"page_view","name":"tcp","session_id":"e2e"}\n'); print("tcp ack:", c.recv(4096))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b'{"type":"page_view","name":"udp","session_id":"e2e"}', ("127.0.0.1", ports[1]))
h = socket.create_connection(("127.0.0.1", ports[2])); body = b'{"event":"http","anonymousId":"a","context":{"sessionId":"e2e"}}'
h.sendall(b"POST /v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body); print("http:", h.recv(4096).split(b"\r\n")[0])
print("watchdog:", wait_for(lambda m: m == "WATCHDOG=1"))
open(conf, "a").write('[log]\nlevel = "debug"\n[sources.tcp]\nlisten = "127.0.0.1:1"\n')
os.kill(pid, signal.SIGHUP)
print("reloading:", wait_for(lambda m: m.startswith("RELOADING=1")).replace("\n", " | "))
print("after reload:", wait_for(lambda m: m.startswith("READY=1")))
open(conf, "a").write('bogus_key = 1\n')
os.kill(pid, signal.SIGHUP)
print("after bad reload:", wait_for(lambda m: m.startswith("READY=1")))
c.sendall(b'{"type":"page_view","name":"tcp-after-reload","session_id":"e2e"}\n'); print("tcp ack after reloads:", c.recv(4096))
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
print("stopping:", wait_for(lambda m: m.startswith("STOPPING=1")))
_, status = os.waitpid(pid, 0); print("exit status:", os.waitstatus_to_exitcode(status))
print("rows:", subprocess.run(["psql", "-XAtq", url, "-c", "SELECT string_agg(transport::text || ':' || name, ' ' ORDER BY name) FROM analytics.events WHERE session_id = 'e2e'"], capture_output=True, text=True).stdout.strip())
subprocess.run(["psql", "-Xq", ADMIN, "-c", f"DROP DATABASE {DB} WITH (FORCE)"])
