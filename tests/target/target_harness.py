"""Shared pieces of the target's script tests: start `s3storm serve`, a webhook that records
the events it receives, and boto3 clients pointed at the server."""

import http.server
import json
import os
import signal
import subprocess
import threading
import time

import boto3
from botocore.config import Config

ACCESS_KEY = "s3storm"
SECRET_KEY = "s3storm-secret"


class Webhook:
    """A tiny HTTP server on a free loopback port that keeps every JSON body POSTed to it."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.messages.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/events" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def records(self):
        with self.lock:
            return [r for m in self.messages for r in m["Records"]]

    def wait_for(self, count, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.records()) >= count:
                return self.records()
            time.sleep(0.02)
        return self.records()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Serve:
    """`s3storm serve` on a free port; stop() sends SIGTERM and returns (exit code, stderr)."""

    def __init__(self, *flags):
        binary = os.environ["S3STORM_BIN"]
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.process.kill()
            raise RuntimeError("serve did not start: %r %r" % (line, self.process.stderr.read()))
        self.banner = line
        self.endpoint = line.split("listening on ")[1].split()[0]
        self.clients = []
        self.port = int(self.endpoint.rsplit(":", 1)[1])

    def client(self, secret=SECRET_KEY, access_key=ACCESS_KEY, **config):
        client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=secret,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": 1, "mode": "standard"}, **config))
        self.clients.append(client)
        return client

    def stop(self):
        for client in self.clients:
            client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, stderr = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        return self.process.returncode, stderr


def multipart_form(fields, file_name, content):
    """A browser-form POST body (fields first, then the file) and its Content-Type."""
    boundary = "----s3stormBoundary7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                      % (boundary, name, value)).encode())
    parts.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n" % (boundary, file_name))
                 .encode())
    parts.append(content)
    parts.append(("\r\n--%s--\r\n" % boundary).encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary
