"""A TCP proxy on a free loopback port that a test can cut and restore: what a network outage
between two peers looks like to both of them, while everything else keeps its direct way.

    proxy = TcpProxy(broker.port)      # give a peer 127.0.0.1:proxy.port instead
    proxy.down(); ...; proxy.up()      # refused and reset meanwhile
"""
import socket
import threading

import harness


class TcpProxy:
    """A peer's way to 127.0.0.1:target_port (RGW's to the broker in the Ceph AMQP tests), which
    the test can cut: down() resets every connection through it and closes its port (a connect is
    refused, as with a stopped server), up() opens the same port again. `accepted` counts the
    connections it let through. Whoever talks to the target directly never notices."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = harness.free_port()
        self.lock = threading.Lock()
        self.sockets = []
        self.accepted = 0
        self.listener = None
        self.up()

    def up(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self):
        with self.lock:
            victims, self.sockets = [self.listener] + self.sockets, []
        for s in victims:
            try:
                s.shutdown(socket.SHUT_RDWR)  # wakes the accept and the pumps
            except OSError:
                pass
            s.close()

    def close(self):
        self.down()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
                self.accepted += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
