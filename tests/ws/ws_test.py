#!/usr/bin/env python3
"""WebSocket routes through the whole pipeline, with a real client (Debian's
python3-websockets, its asyncio API as of 10.4): the real actorgate-server
and compute-backend (GET /ws/echo: actor -> pool -> Thrift and back), or the
chat-room-gateway example (a room actor shared by its connections), each
started here on 127.0.0.1 ephemeral ports.

    ws_test.py CASE --server BIN --backend BIN --room BIN

Each CASE is its own CTest test (tests/CMakeLists.txt); it exits non-zero,
saying why, when what it checks does not hold.
"""
import argparse
import asyncio
import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import websockets

TIMEOUT = 20  # seconds for any one wait


class Proc:
    """A child process whose stdout is collected; knows the port it printed."""

    def __init__(self, args):
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, bufsize=1)
        self.lines = []
        self.port = None
        got = threading.Event()

        def read():
            for line in self.p.stdout:
                self.lines.append(line)
                m = re.search(r"listening on \S*:(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    got.set()
            got.set()

        threading.Thread(target=read, daemon=True).start()
        if not got.wait(TIMEOUT) or self.port is None:
            self.stop()
            raise SystemExit(f"{args[0]} did not start:\n{''.join(self.lines)}")

    def output(self):
        return "".join(self.lines)

    def stop(self):
        """Ends it with SIGTERM; returns its exit code (killed: -9)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                return -9
        return self.p.returncode

    def maps(self, lib):
        """Whether the process has `lib` loaded (e.g. libasan)."""
        with open(f"/proc/{self.p.pid}/maps") as f:
            return lib in f.read()

    def rss_kib(self):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


class TestCertificate:
    """A self-signed EC certificate for 127.0.0.1, made by the openssl command."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="actorgate-wss-")
        self.cert = os.path.join(self.dir.name, "cert.pem")
        self.key = os.path.join(self.dir.name, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", self.key, "-out",
                        self.cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Stack:
    """compute-backend + actorgate-server, or the chat-room example."""

    def __init__(self, opts, room=False, extra=(), tls=False):
        self.procs = []
        self.tls = None
        if tls:
            self.tls = TestCertificate()
            extra = [*extra, f"--http.tls-cert={self.tls.cert}",
                     f"--http.tls-key={self.tls.key}"]
        common = ["--config-file=/dev/null", "--http.port=0", *extra]
        if room:
            self.gw = self.start([opts.room, *common])
        else:
            backend = self.start([opts.backend, "--config-file=/dev/null",
                                  "--compute-server.port=0", "--compute-server.threads=16"])
            self.gw = self.start([opts.server, *common, f"--backend.port={backend.port}",
                                  "--backend.pool-size=8"])

    def start(self, args):
        p = Proc(args)
        self.procs.append(p)
        return p

    def url(self, path):
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.gw.port}{path}"

    def ssl(self):
        """A client context trusting only the test certificate, or None."""
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=self.tls.cert)
        return ctx

    def metric(self, name):
        scheme = "https" if self.tls else "http"
        body = urllib.request.urlopen(f"{scheme}://127.0.0.1:{self.gw.port}/metrics",
                                      timeout=TIMEOUT, context=self.ssl()).read().decode()
        m = re.search(rf"^{name} (\d+)", body, re.M)
        check(m, f"{name} missing from /metrics")
        return int(m.group(1))

    def stop(self):
        """Stops every process; says which did not exit 0 (a crash, a
        sanitizer's report, a hang in the drain)."""
        bad = []
        for p in reversed(self.procs):
            rc = p.stop()
            if rc != 0:
                bad.append(f"{p.p.args[0]} exited {rc}")
        return bad


def connect(url, **kw):
    kw.setdefault("ping_interval", None)
    kw.setdefault("open_timeout", TIMEOUT)
    return websockets.connect(url, **kw)


async def recv(ws):
    return await asyncio.wait_for(ws.recv(), TIMEOUT)


async def closed_code(ws):
    """Reads until the connection ends; returns the close code received."""
    try:
        while True:
            await recv(ws)
    except websockets.ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else 1006


# ---- cases ---------------------------------------------------------------


async def echoed_in_order(ws, texts):
    """Sends every text, then expects each back, in the order sent."""
    for t in texts:
        await ws.send(t)
    for t in texts:
        got = await recv(ws)
        check(got == t, f"expected {t!r} back, got {got!r}")


async def echo_order(s):
    async with connect(s.url("/ws/echo")) as ws:
        await echoed_in_order(ws, [f"message {i}" for i in range(200)])
    check(s.metric("actorgate_ws_messages_received_total") >= 200, "messages in not counted")
    check(s.metric("actorgate_ws_messages_sent_total") >= 200, "messages out not counted")


async def large_messages(s):
    async with connect(s.url("/ws/echo")) as ws:
        for i in range(5):
            text = chr(ord("a") + i) * (60 * 1024)
            await ws.send(text)
            got = await recv(ws)
            check(got == text, f"60 KB message {i}: {len(got)} bytes back, not the same")


async def ping_pong(s):
    async with connect(s.url("/ws/echo")) as ws:
        for _ in range(3):
            pong = await ws.ping(b"are you there")
            await asyncio.wait_for(pong, TIMEOUT)
        # The server pings an idle connection (ws-idle-timeout=1s here) and
        # keeps it while the client answers: still open after 2.5 idle seconds.
        await asyncio.sleep(2.5)
        await ws.send("still here")
        check(await recv(ws) == "still here", "connection unusable after idling")


async def idle_timeout(s):
    # A raw client that completes the handshake and then never answers: the
    # gateway pings it (opcode 0x9) and, with no answer, closes the TCP
    # connection after ws-idle-timeout (1 s here).
    sock = socket.create_connection(("127.0.0.1", s.gw.port), timeout=TIMEOUT)
    sock.sendall(b"GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 b"Sec-WebSocket-Version: 13\r\n\r\n")
    got = b""
    while b"\r\n\r\n" not in got:
        got += sock.recv(4096)
    head, _, rest = got.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 101"), f"handshake answered {head[:40]!r}")
    began = time.monotonic()
    while True:
        chunk = await asyncio.get_running_loop().run_in_executor(None, sock.recv, 4096)
        if not chunk:
            break
        rest += chunk
    took = time.monotonic() - began
    check(rest[:1] == b"\x89", f"no ping before the close: {rest[:8]!r}")
    check(0.8 < took < 5, f"an idle connection was closed after {took:.2f} s, not about 1 s")


async def code_after_oversized(ws):
    """Sends a message one byte over the default 1 MiB limit; returns the
    close code the server answered with."""
    try:
        await ws.send("y" * (1048576 + 1))
        return await closed_code(ws)
    except websockets.ConnectionClosed as e:
        # The server may close while the client is still sending.
        return e.rcvd.code if e.rcvd else 1006


async def oversized(s):
    async with connect(s.url("/ws/echo"), max_size=None) as ws:
        await ws.send("x" * 1024)
        check(await recv(ws) == "x" * 1024, "a message under the limit was not echoed")
        code = await code_after_oversized(ws)
        check(code == 1009, f"a message over 1 MiB closed with {code}, not 1009")


async def concurrent(s):
    async def one(i):
        async with connect(s.url("/ws/echo")) as ws:
            await echoed_in_order(ws, [f"{i}-{k}" for k in range(3)])
            return True

    conns = [one(i) for i in range(300)]
    done = await asyncio.gather(*conns)
    check(len(done) == 300 and all(done), "not every connection got its answers")


async def wss(s):
    """The same /ws/echo over TLS (wss://): a client that trusts only the
    gateway's certificate, messages of several sizes in order, pings, and
    an oversized message closed with 1009."""
    async with connect(s.url("/ws/echo"), ssl=s.ssl(), max_size=None) as ws:
        await echoed_in_order(ws, [f"tls-{i}" for i in range(100)])
        big = "b" * 60000
        await ws.send(big)
        check(await recv(ws) == big, "a 60 KB message over TLS was not echoed")
        pong = await ws.ping()
        await asyncio.wait_for(pong, TIMEOUT)
        code = await code_after_oversized(ws)
        check(code == 1009, f"over TLS a message over 1 MiB closed with {code}, not 1009")
    check(s.metric("actorgate_ws_messages_sent_total") >= 101, "wss messages not counted")
    # A plain ws:// client gets nothing from the TLS port.
    try:
        async with connect(f"ws://127.0.0.1:{s.gw.port}/ws/echo", open_timeout=5):
            check(False, "a plain ws:// handshake succeeded on the TLS port")
    except (websockets.InvalidHandshake, websockets.InvalidMessage, OSError, EOFError,
            asyncio.TimeoutError):
        pass


async def plain_get(s):
    c = http.client.HTTPConnection("127.0.0.1", s.gw.port, timeout=TIMEOUT)
    c.request("GET", "/ws/echo")
    r = c.getresponse()
    check(r.status == 426, f"plain GET answered {r.status}, not 426")
    check(r.getheader("Upgrade", "").lower() == "websocket",
          f"426 without Upgrade: websocket ({r.getheaders()})")


async def drain(s):
    async with connect(s.url("/ws/echo")) as ws:
        await ws.send("before")
        check(await recv(ws) == "before", "no echo before the drain")
        s.gw.p.send_signal(signal.SIGTERM)
        code = await closed_code(ws)
        check(code == 1001, f"the drain closed with {code}, not 1001")
    check(s.gw.p.wait(TIMEOUT) == 0, "gateway did not exit cleanly after the drain")


async def room_broadcast(s):
    async with connect(s.url("/ws/chat")) as a, connect(s.url("/ws/chat")) as b:
        await asyncio.sleep(0.2)  # both joined
        await a.send("hello from a")
        check(await recv(a) == "hello from a", "the sender did not get its own message")
        check(await recv(b) == "hello from a", "the other member did not get the message")
        await b.send("hi from b")
        check(await recv(a) == "hi from b", "a did not get b's message")
        check(await recv(b) == "hi from b", "b did not get its own message")
        # b's actor learns how its client went (ws_closed with the code) and
        # says so through the room.
        await b.close(code=4001, reason="bye")
        got = await recv(a)
        check(got == "* a member left (4001)", f"b's leaving announced as {got!r}")
    # Members that went are dropped: a new one alone gets only its own.
    async with connect(s.url("/ws/chat")) as c:
        await asyncio.sleep(0.2)
        await c.send("alone")
        check(await recv(c) == "alone", "a lone member did not get its message")


async def slow_consumer(s):
    rss_before = s.gw.rss_kib()
    # The slow client stops reading: its library buffers little, so the
    # kernel's buffers fill, then the gateway's queue for it.
    slow = await connect(s.url("/ws/chat"), max_queue=1, read_limit=1024, max_size=None)
    sent_bytes = 0
    async with connect(s.url("/ws/chat"), max_size=None) as talker:
        received = 0

        async def drain_own():
            nonlocal received
            try:
                while True:
                    await talker.recv()
                    received += 1
            except websockets.ConnectionClosed:
                pass

        reader = asyncio.create_task(drain_own())
        await asyncio.sleep(0.2)
        chunk = "z" * 8192
        deadline = time.monotonic() + TIMEOUT
        for i in range(3000):
            # The talker itself keeps up: never more than 16 of its own
            # messages unread, far under the gateway's bound of 64.
            while i - received > 16 and time.monotonic() < deadline:
                await asyncio.sleep(0.001)
            await talker.send(chunk)
            sent_bytes += len(chunk)
        while received < 3000 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        check(received >= 3000, f"the reading member got {received} of 3000")
        reader.cancel()
    rss_growth = (s.gw.rss_kib() - rss_before) * 1024
    check(s.metric("actorgate_ws_overflow_closes_total") >= 1, "no overflow close counted")
    code = await closed_code(slow)
    check(code == 1008, f"the slow consumer was closed with {code}, not 1008")
    # AddressSanitizer keeps freed memory in quarantine (256 MB): its RSS
    # says nothing about what is live.
    if not s.gw.maps("libasan"):
        check(rss_growth < sent_bytes // 2,
              f"gateway memory grew by {rss_growth} bytes for {sent_bytes} sent")


CASES = {
    "echo_order": (echo_order, {}),
    "large_messages": (large_messages, {}),
    "ping_pong": (ping_pong, {"extra": ["--http.ws-idle-timeout=1s"]}),
    "idle_timeout": (idle_timeout, {"extra": ["--http.ws-idle-timeout=1s"]}),
    "oversized": (oversized, {}),
    # Each connection has one call in flight: the pool's queue must hold 300.
    "concurrent": (concurrent, {"extra": ["--backend.queue-size=512"]}),
    "wss": (wss, {"tls": True}),
    "plain_get": (plain_get, {}),
    "drain": (drain, {"extra": ["--http.shutdown-grace=5s"]}),
    "room_broadcast": (room_broadcast, {"room": True}),
    "slow_consumer": (slow_consumer, {"room": True,
                                      "extra": ["--http.ws-max-queued-messages=64"]}),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--server", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--room", required=True)
    opts = ap.parse_args()
    fn, kw = CASES[opts.case]
    s = Stack(opts, **kw)
    try:
        asyncio.run(asyncio.wait_for(fn(s), 120))
        bad = s.stop()
        check(not bad, "; ".join(bad))
    except Exception as e:
        print(f"FAIL {opts.case}: {type(e).__name__}: {e}", file=sys.stderr)
        s.stop()
        for p in s.procs:
            print(f"--- output of {p.p.args[0]}:\n{p.output()}", file=sys.stderr)
        return 1
    print(f"ok {opts.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
