"""A TCP proxy on 127.0.0.1 that fault tests put between a process and PostgreSQL or Redis, to take the service
away without touching the shared server: refuse new connections, cut the open ones (a restart), or stall every
byte (a hang) until resumed."""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.refusing = False
        self._flowing = threading.Event()
        self._flowing.set()
        self._open: set[socket.socket] = set()
        self._guard = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))  # a port of its own, no race for it
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._guard:
                self._open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                self._flowing.wait()
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                self._close(end)

    def _close(self, end: socket.socket) -> None:
        with self._guard:
            self._open.discard(end)
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()

    def cut(self) -> None:
        """Close every open connection, as a restarting server does."""
        with self._guard:
            ends = list(self._open)
        for end in ends:
            self._close(end)

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        self.refusing = True
        self.cut()

    def up(self) -> None:
        self.refusing = False
        self._flowing.set()

    def stall(self) -> None:
        """Keep connections open but pass no byte: a server that hangs."""
        self._flowing.clear()

    def stop(self) -> None:
        self._stopped = True
        self._flowing.set()
        self._listener.close()
        self.cut()
