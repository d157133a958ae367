"""A RabbitMQ broker (Debian's rabbitmq-server 3.10) for the AMQP tests: unprivileged, on a free
loopback port, with its node name, data and logs in its own folder, and always stopped (use it
as a context manager). `restart()` keeps the folder, so durable queues and persistent messages
survive it, as on a real broker restart. With tls=True it also listens for amqps:// on a second
port, with a certificate for 127.0.0.1 signed by a CA made for it (`ca_file`); `other_ca_file` is
a CA that signed nothing, for the wrong-CA cases.

    with RabbitMQ() as broker:
        url = broker.url()                       # amqp://guest:guest@127.0.0.1:PORT/%2f
        broker.declare_exchange("s3events")
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import harness

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


class RabbitMQ:
    def __init__(self, start_timeout=180.0, tls=False):
        self.folder = tempfile.mkdtemp(prefix="s3storm-rabbitmq-")
        self.port = harness.free_port()
        self.tls_port = harness.free_port() if tls else None
        self.dist_port = harness.free_port()
        self.node = f"s3storm{self.port}@localhost"
        self.start_timeout = start_timeout
        self.proc = None
        with open(os.path.join(self.folder, "rabbitmq.conf"), "w") as f:
            f.write(f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
                    "loopback_users = none\n"
                    "log.console = false\n"
                    "log.file.level = warning\n")
            if tls:
                self._make_certificates()
                f.write(f"listeners.ssl.default = 127.0.0.1:{self.tls_port}\n"
                        f"ssl_options.cacertfile = {self.ca_file}\n"
                        f"ssl_options.certfile = {self.folder}/server.pem\n"
                        f"ssl_options.keyfile = {self.folder}/server.key\n"
                        "ssl_options.verify = verify_none\n"
                        "ssl_options.fail_if_no_peer_cert = false\n")
        with open(os.path.join(self.folder, "enabled_plugins"), "w") as f:
            f.write("[].\n")
        try:
            self.start()
        except BaseException:
            self.close()
            raise

    def _make_certificates(self):
        """A CA, a server certificate for 127.0.0.1 it signed, and an unrelated CA."""
        def openssl(*args):
            subprocess.run(["openssl", *args], cwd=self.folder, check=True, capture_output=True)
        for name in ("ca", "other-ca"):
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN=s3storm test {name}", "-keyout", f"{name}.key",
                    "-out", f"{name}.pem")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", "server.key", "-out", "server.csr")
        with open(os.path.join(self.folder, "san.ext"), "w") as f:
            f.write("subjectAltName = IP:127.0.0.1, DNS:127.0.0.1, DNS:localhost\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem")
        self.ca_file = os.path.join(self.folder, "ca.pem")
        self.other_ca_file = os.path.join(self.folder, "other-ca.pem")

    def env(self):
        env = dict(os.environ)
        env.update({
            "HOME": self.folder,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_MNESIA_BASE": os.path.join(self.folder, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.folder, "log"),
            "RABBITMQ_CONFIG_FILE": os.path.join(self.folder, "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.folder, "enabled_plugins"),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_PID_FILE": os.path.join(self.folder, "rabbitmq.pid"),
        })
        return env

    def start(self):
        self.output = open(os.path.join(self.folder, "server.out"), "ab")
        # Its own session, so stop() reaches the Erlang VM the script starts, and nothing else.
        # Its own folder as the working directory: a failed start writes an MnesiaCore.* dump
        # there, which would otherwise land in the test's directory (the source tree).
        self.proc = subprocess.Popen([SERVER], env=self.env(), stdout=self.output,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     cwd=self.folder)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rabbitmq-server exited early; see {self.folder}/server.out")
            if self._answers_amqp() and (self.tls_port is None or self._listens(self.tls_port)):
                return
            time.sleep(0.2)
        raise TimeoutError(f"RabbitMQ did not accept AMQP on port {self.port} in time")

    def _answers_amqp(self):
        """The broker answers an AMQP protocol header with connection.start (a method frame)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"AMQP\x00\x00\x09\x01")
                return s.recv(1) == b"\x01"
        except OSError:
            return False

    @staticmethod
    def _listens(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self.proc = None
        self.output.close()
        wait_closed(self.port)

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def url(self, user="guest", password="guest"):
        return f"amqp://{user}:{password}@127.0.0.1:{self.port}/%2f"

    def tls_url(self, user="guest", password="guest"):
        return f"amqps://{user}:{password}@127.0.0.1:{self.tls_port}/%2f"

    def channel(self):
        import pika
        connection = pika.BlockingConnection(pika.ConnectionParameters(
            host="127.0.0.1", port=self.port, credentials=pika.PlainCredentials("guest", "guest")))
        return connection, connection.channel()

    def declare_exchange(self, name):
        connection, channel = self.channel()
        channel.exchange_declare(exchange=name, exchange_type="topic", durable=True)
        connection.close()

    def exchange_exists(self, name):
        import pika
        connection, channel = self.channel()
        try:
            channel.exchange_declare(exchange=name, passive=True)
            return True
        except pika.exceptions.ChannelClosedByBroker:
            return False
        finally:
            if connection.is_open:
                connection.close()

    def publish(self, exchange, routing_key, bodies):
        import pika
        connection, channel = self.channel()
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(exchange=exchange, routing_key=routing_key, body=body,
                                  properties=pika.BasicProperties(delivery_mode=2))
        connection.close()


class Witness:
    """A queue of the test's own bound to an exchange with routing key `#`: it gets a copy of
    every message the broker accepted for that exchange, whoever else consumes from it (the run
    binds a queue of its own). Declare it before the publisher starts.

        with Witness(broker, "s3events") as witness:
            ...                                  # witness.depth(): messages so far
            keys = witness.drain()               # the object key of every record, in order
    """

    def __init__(self, broker, exchange):
        self.connection, self.channel = broker.channel()
        self.queue = self.channel.queue_declare(queue="", exclusive=True).method.queue
        self.channel.queue_bind(queue=self.queue, exchange=exchange, routing_key="#")

    def depth(self):
        return self.channel.queue_declare(queue=self.queue, passive=True).method.message_count

    def drain(self):
        """The object keys of every S3 record in the messages still queued, in queue order."""
        keys = []
        while True:
            method, _, body = self.channel.basic_get(queue=self.queue, auto_ack=True)
            if method is None:
                return keys
            keys += [record["s3"]["object"]["key"] for record in json.loads(body)["Records"]]

    def close(self):
        if self.connection.is_open:
            self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_closed(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                time.sleep(0.1)
        except OSError:
            return
