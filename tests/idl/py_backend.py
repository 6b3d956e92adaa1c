#!/usr/bin/python3
"""everything-py-backend: the test IDL's service (everything.thrift, service
Everythings extends Base) on Debian's python3-thrift, for the gateway's
IDL-serving tests: a Thrift implementation actorgate did not write, to check
its hand-written wire codec against. It behaves exactly as
everything_backend.cpp (the C++ one); keep the two in step.

  python3 py_backend.py --gen-py DIR [--port 0] [--transport framed|buffered]

DIR holds what `thrift -r --gen py -out DIR tests/idl/everything.thrift`
generated (the build makes it: build/tests/idl/gen-py). The first line on
stdout is

  everything-py-backend listening on 127.0.0.1:PORT (python3-thrift, framed transport)

with the bound port. SIGTERM or SIGINT ends it with exit code 0.

ping()        the number of notify() calls received so far
echo(v)       v, except: v.text "missing" raises NotFound{"missing", v.big},
              "broken" raises Broken{"broken"}, "crash" raises ValueError
              (undeclared: python-thrift's processor logs it and sends a
              TApplicationException INTERNAL_ERROR "Internal error"),
              "slow" answers after 300 ms
forget        returns; notify (oneway) is counted; add(a, b) is a + b
              (wrapping at 64 bits); route, blob and tree return their
              argument; levels() is {"low": LOW, "mid": MID, "high": HIGH}
"""

import argparse
import logging
import signal
import socket
import sys
import threading
import time

PROGRAM = "everything-py-backend"


def parse_args(argv):
    p = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.split("\n\n")[0])
    p.add_argument("--gen-py", required=True, help="the directory thrift --gen py wrote")
    p.add_argument("--address", default="127.0.0.1", help="IPv4 address to bind")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    p.add_argument("--transport", choices=("framed", "buffered"), default="framed")
    p.add_argument("--threads", type=int, default=16,
                   help="worker threads: each serves one connection at a time")
    return p.parse_args(argv)


def make_structs_hashable(modules):
    """The generated Python structs define __eq__ but not __hash__, so Python 3
    leaves them unhashable and reading a map or set keyed by a struct (Everything's
    map<common.Point, string> by_point) fails with TypeError. A hash over the
    hashable fields agrees with the generated __eq__ (equal __dict__s)."""

    def struct_hash(self):
        parts = []
        for name, value in sorted(self.__dict__.items()):
            try:
                parts.append((name, hash(value)))
            except TypeError:  # a container field: left out, still consistent
                pass
        return hash((type(self).__name__, tuple(parts)))

    for module in modules:
        for cls in vars(module).values():
            if isinstance(cls, type) and hasattr(cls, "thrift_spec") and cls.__hash__ is None:
                cls.__hash__ = struct_hash


class Handler:
    """Called on the pool's threads at once: the notify() count takes a lock."""

    def __init__(self, ttypes):
        self._t = ttypes
        self._lock = threading.Lock()
        self._notified = 0

    def ping(self):
        with self._lock:
            return self._notified

    def echo(self, value):
        if value.text == "missing":
            raise self._t.NotFound(item="missing", id=value.big)
        if value.text == "broken":
            raise self._t.Broken(reason="broken")
        if value.text == "crash":
            raise ValueError("crash")
        if value.text == "slow":
            time.sleep(0.3)
        return value

    def forget(self, id, why):
        return None

    def notify(self, msg):
        with self._lock:
            self._notified += 1

    def add(self, a, b):
        s = (a + b) & 0xFFFFFFFFFFFFFFFF  # two's complement, as the C++ backend
        return s - (1 << 64) if s >= 1 << 63 else s

    def route(self, path, color):
        return path

    def levels(self):
        L = self._t.Level
        return {"low": L.LOW, "mid": L.MID, "high": L.HIGH}

    def blob(self, data):
        return data

    def tree(self, t):
        return t


def main(argv):
    args = parse_args(argv)
    sys.path.insert(0, args.gen_py)
    try:
        from thrift.protocol import TBinaryProtocol
        from thrift.server import TServer
        from thrift.transport import TSocket, TTransport
    except ImportError as e:
        print(f"{PROGRAM}: {e}: install the Debian package python3-thrift and run this with "
              "Debian's python3 (/usr/bin/python3)", file=sys.stderr)
        return 2

    import common.ttypes
    import everything.ttypes
    from everything import Everythings

    make_structs_hashable([common.ttypes, everything.ttypes])

    class BoundServerSocket(TSocket.TServerSocket):
        """Binds and listens when made, so that port 0 becomes a real port we
        can print before serving; TThreadPoolServer.serve() calls listen()
        again, which is then a no-op."""

        def __init__(self, host, port):
            super().__init__(host=host, port=port, socket_family=socket.AF_INET)
            super().listen()

        def listen(self):
            pass

        def bound_port(self):
            return self.handle.getsockname()[1]

    logging.basicConfig(level=logging.WARNING, format=PROGRAM + ": %(levelname)s %(message)s")

    try:
        sock = BoundServerSocket(args.address, args.port)
    except OSError as e:
        print(f"{PROGRAM}: cannot serve on {args.address}:{args.port}: {e}", file=sys.stderr)
        return 1
    if args.transport == "framed":
        tfactory = TTransport.TFramedTransportFactory()
    else:
        tfactory = TTransport.TBufferedTransportFactory()
    pfactory = TBinaryProtocol.TBinaryProtocolFactory()
    processor = Everythings.Processor(Handler(everything.ttypes))
    server = TServer.TThreadPoolServer(processor, sock, tfactory, pfactory, daemon=True)
    server.setNumThreads(args.threads)

    # The stop signals are blocked in every thread and taken by sigwait() here.
    # A Python handler would not do: the kernel may deliver the signal to a
    # worker thread, and the main thread, blocked in accept(), would never run
    # the handler.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # before any thread starts
    # serve() starts the (daemon) workers, then accepts; its thread is a daemon
    # too, so that neither holds up the exit.
    threading.Thread(target=server.serve, name="accept", daemon=True).start()
    print(f"{PROGRAM} listening on {args.address}:{sock.bound_port()} "
          f"(python3-thrift, {args.transport} transport)", flush=True)
    sig = signal.sigwait(stop_signals)
    print(f"{PROGRAM}: signal {int(sig)}, stopping", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
