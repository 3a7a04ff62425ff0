"""A deliberately tiny RESP client for black-box tests.

It never interprets replies while reading: `read_reply()` only finds where
one complete reply ends and hands back its exact bytes, so differential tests
can compare servers byte for byte. `decode()` turns those bytes into Python
values when a test wants to assert on meaning instead.
"""
import socket

CRLF = b"\r\n"

# How long a client waits for the server before calling it a failure (seconds).
# Generous on purpose: a passing test never waits this long.
WAIT = 10.0

# Reply types whose payload is the rest of the line (RESP2 + RESP3).
LINE_TYPES = b"+-:_,#("
# Reply types with a length line followed by that many bytes and CRLF.
BULK_TYPES = b"$!="
# Aggregates of N elements, and of N key/value pairs (2N elements).
ARRAY_TYPES = b"*~>"
MAP_TYPES = b"%|"


class Incomplete(Exception):
    """The buffer does not yet hold a whole reply."""


class ProtocolViolation(Exception):
    """The server sent bytes that are not RESP."""


class RespError(Exception):
    """A decoded `-ERR ...` / `!...` reply; also raised by `RespClient.call`."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __eq__(self, other):
        return isinstance(other, RespError) and other.message == self.message

    def __hash__(self):
        return hash(self.message)


class Push(list):
    """A RESP3 out-of-band push (`>`), kept distinct from an ordinary array."""


def _line(buf, pos):
    end = buf.find(CRLF, pos)
    if end < 0:
        raise Incomplete()
    return buf[pos:end], end + 2


def reply_end(buf, pos=0):
    """Return the index just past the reply that starts at `pos`.

    Raises Incomplete when more bytes are needed. Nested aggregates are walked
    recursively so that e.g. a map of arrays is delimited correctly.
    """
    if pos >= len(buf):
        raise Incomplete()
    kind = buf[pos]
    line, nxt = _line(buf, pos + 1)
    if kind in LINE_TYPES:
        return nxt
    if kind in BULK_TYPES:
        n = int(line)
        if n < 0:  # RESP2 null bulk ($-1)
            return nxt
        if len(buf) < nxt + n + 2:
            raise Incomplete()
        if buf[nxt + n:nxt + n + 2] != CRLF:
            raise ProtocolViolation("bulk not terminated by CRLF at %d" % nxt)
        end = nxt + n + 2
    elif kind in ARRAY_TYPES or kind in MAP_TYPES:
        n = int(line)
        if n < 0:  # RESP2 null array (*-1)
            return nxt
        if kind in MAP_TYPES:
            n *= 2
        end = nxt
        for _ in range(n):
            end = reply_end(buf, end)
    else:
        raise ProtocolViolation("unknown reply type %r at %d in %r"
                                % (bytes([kind]), pos, buf[:200]))
    # An attribute (`|`) decorates the reply that follows it: both together
    # are one reply from the caller's point of view.
    if kind == ord("|"):
        return reply_end(buf, end)
    return end


def decode(raw):
    """Decode one complete raw reply into Python values.

    bulk/verbatim -> bytes, simple string -> str, error -> RespError (returned,
    not raised), integer/big number -> int, double -> float, boolean -> bool,
    null -> None, array/set -> list, map -> dict, push -> Push.
    """
    value, end = _decode(raw, 0)
    if end != len(raw):
        raise ProtocolViolation("trailing bytes after reply: %r" % raw[end:])
    return value


def _decode(buf, pos):
    kind = chr(buf[pos])
    line, nxt = _line(buf, pos + 1)
    if kind == "+":
        return line.decode("utf-8", "replace"), nxt
    if kind == "-":
        return RespError(line.decode("utf-8", "replace")), nxt
    if kind in ":(":
        return int(line), nxt
    if kind == "_":
        return None, nxt
    if kind == ",":
        return float(line), nxt  # float() accepts inf / -inf / nan
    if kind == "#":
        return line == b"t", nxt
    if kind in "$!=":
        n = int(line)
        if n < 0:
            return None, nxt
        data = bytes(buf[nxt:nxt + n])
        if kind == "!":
            return RespError(data.decode("utf-8", "replace")), nxt + n + 2
        if kind == "=":
            data = data[4:]  # drop the "txt:" format prefix
        return data, nxt + n + 2
    if kind in "*~>":
        n = int(line)
        if n < 0:
            return None, nxt
        items = []
        for _ in range(n):
            item, nxt = _decode(buf, nxt)
            items.append(item)
        return (Push(items) if kind == ">" else items), nxt
    if kind in "%|":
        out = {}
        for _ in range(int(line)):
            k, nxt = _decode(buf, nxt)
            v, nxt = _decode(buf, nxt)
            out[k if isinstance(k, (bytes, str, int, float, type(None))) else repr(k)] = v
        if kind == "|":  # attributes are dropped; return what they decorate
            return _decode(buf, nxt)
        return out, nxt
    raise ProtocolViolation("unknown reply type %r" % kind)


def to_bytes(arg):
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, (bytearray, memoryview)):
        return bytes(arg)
    return str(arg).encode("utf-8")


def encode_command(*args):
    """RESP multibulk of byte-safe arguments."""
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = to_bytes(a)
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


class RespClient:
    def __init__(self, port, host="127.0.0.1", timeout=WAIT, source=None, unix=None):
        # `source`: the local address to connect from (127.0.0.2 is not local to Redis).
        # `unix`: a unix socket's path, connected to instead of host:port.
        if unix is not None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(unix)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout,
                                                 source_address=(source, 0) if source else None)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    # -- raw byte level -------------------------------------------------
    def send_raw(self, data):
        self.sock.sendall(data)

    def send_command(self, *args):
        self.sock.sendall(encode_command(*args))

    def read_reply(self):
        """Block until one complete reply is buffered; return its raw bytes."""
        while True:
            try:
                end = reply_end(self.buf)
                break
            except Incomplete:
                pass
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("server closed the connection; "
                                      "unparsed bytes: %r" % bytes(self.buf[:200]))
            self.buf += chunk
        raw = bytes(self.buf[:end])
        del self.buf[:end]
        return raw

    def call_raw(self, *args):
        self.send_command(*args)
        return self.read_reply()

    # -- decoded level ----------------------------------------------------
    def call(self, *args):
        """Send a command and return its decoded reply; raise on errors."""
        value = decode(self.call_raw(*args))
        if isinstance(value, RespError):
            raise value
        return value

    def pipeline(self, commands):
        """Send many commands in one write, then read one reply each."""
        self.sock.sendall(b"".join(encode_command(*c) for c in commands))
        return [decode(self.read_reply()) for _ in commands]

    def is_closed_by_peer(self, timeout=WAIT):
        """True once the server has closed its side (EOF after any pending data)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
