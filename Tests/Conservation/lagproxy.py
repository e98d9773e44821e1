"""A TCP forwarder that delivers every byte `delay` seconds late, in both directions: the network
between a primary and its standby, made as slow as a link across zones. Loopback replication is so
fast that an asynchronous standby is never far behind; through this it lags as it would in a fleet.

`freeze()` makes it a black hole, as a machine that lost power: nothing is delivered any more, nothing
is closed, new connections are accepted and never answered. `reset()` is that machine back, empty:
every connection it held is closed, and forwarding resumes.
"""
import collections
import socket
import threading
import time

from pgcluster import free_port


class LagProxy:
    def __init__(self, target_port, delay):
        self.target_port, self.delay = target_port, delay
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.closed = False
        self.frozen = False
        self.held = []      # sockets of connections this proxy carries or holds, for reset()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.closed = True
        self.listener.close()
        self.reset()

    def freeze(self):
        self.frozen = True

    def reset(self):
        held, self.held = self.held, []
        for s in held:
            try:
                # A zero linger makes it an RST, as a rebooted host answers; shutdown() first, because
                # close() alone does not wake (or end) a recv() blocked in another thread.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.frozen = False

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(client)
            if self.frozen:
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=2)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self.held.append(upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                _Pipe(src, dst, self.delay, self).start()


class _Pipe:
    """Reads from `src` as fast as it comes; writes each chunk to `dst` once it is `delay` old."""

    def __init__(self, src, dst, delay, proxy):
        self.src, self.dst, self.delay, self.proxy = src, dst, delay, proxy
        self.chunks = collections.deque()
        self.ready = threading.Condition()
        self.done = False

    def start(self):
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()

    def _read(self):
        try:
            while True:
                data = self.src.recv(65536)
                if not data:
                    break
                with self.ready:
                    self.chunks.append((time.monotonic() + self.delay, data))
                    self.ready.notify()
        except OSError:
            pass
        with self.ready:
            self.done = True
            self.ready.notify()

    def _write(self):
        try:
            while True:
                with self.ready:
                    while not self.chunks and not self.done:
                        self.ready.wait()
                    if not self.chunks:
                        break
                    due, data = self.chunks.popleft()
                time.sleep(max(0.0, due - time.monotonic()))
                while self.proxy.frozen:
                    time.sleep(0.05)
                self.dst.sendall(data)
        except OSError:
            pass
        while self.proxy.frozen and not self.proxy.closed:
            time.sleep(0.05)   # a black hole passes on no close either; reset() ends these connections
        for s in (self.src, self.dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
