"""A TCP proxy on 127.0.0.1 for failure tests: forwards to a target until `freeze()`, then keeps every connection
open and accepts new ones but forwards nothing (a network that hangs rather than refusing); `thaw()` resumes.

    with TcpProxy(("127.0.0.1", 5432)) as proxy:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test"
        proxy.freeze()
"""
from __future__ import annotations

import select
import socket
import threading

HOST = "127.0.0.1"


class TcpProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.flowing = threading.Event()
        self.flowing.set()
        self.stopped = threading.Event()
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.lock = threading.Lock()

    def __enter__(self) -> "TcpProxy":
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.flowing.set()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.close()
                except OSError:
                    pass

    def freeze(self) -> None:
        """Stop forwarding in both directions; connections stay open and new ones are accepted."""
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._track(client)
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        self.flowing.wait()
        if self.stopped.is_set():
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        self._track(upstream)
        self._pump(client, upstream)

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while not self.stopped.is_set():
            self.flowing.wait()
            try:
                readable, _, _ = select.select(list(peers), [], [], 0.2)
                for sock in readable:
                    self.flowing.wait()  # frozen: hold what was read until thawed (or stopped)
                    data = sock.recv(65536)
                    if not data:
                        return self._close(a, b)
                    peers[sock].sendall(data)
            except (OSError, ValueError):
                return self._close(a, b)

    def _track(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)

    @staticmethod
    def _close(*socks: socket.socket) -> None:
        for sock in socks:
            try:
                sock.close()
            except OSError:
                pass
