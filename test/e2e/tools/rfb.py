#!/usr/bin/env python3
"""A minimal RFB (VNC) client for the e2e tests: the protocol handshake and
VNC authentication (DES, written out here since the stdlib has none).

  rfb.py probe HOST PORT              -> prints "RFB <version> security=<types>"
  rfb.py auth HOST PORT PASSWORD      -> "auth ok WIDTHxHEIGHT NAME" or "auth failed: why"
  rfb.py passwdfile PASSWORD FILE     -> writes a vncpasswd-format file (vncsnapshot -passwd)
  rfb.py vencrypt HOST PORT CA [PASSWORD [CERT KEY]]
      -> VeNCrypt (security type 19): picks the server's x509 sub-type, runs
         the TLS handshake verifying the server against CA (with a client
         certificate if given), then VNC authentication inside TLS when the
         sub-type asks for it; prints "tls ok subtypes=A,B WIDTHxHEIGHT NAME"
         or "tls failed: why"
"""
import socket
import ssl
import struct
import sys

# --- DES (FIPS 46-3), enough for VNC's 16-byte challenge -------------------
_PC1 = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19,
        11, 3, 60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6,
        61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4]
_PC2 = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
        41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36,
        29, 32]
_SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1]
_IP = [58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14,
       6, 64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11,
       3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7]
_FP = [_IP.index(i) + 1 for i in range(1, 65)]
_E = [32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17,
      18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1]
_P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9,
      19, 13, 30, 6, 22, 11, 4, 25]
_S = [
    [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12,
     11, 9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1,
     7, 5, 11, 3, 14, 10, 0, 6, 13],
    [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1,
     10, 6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15,
     4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
    [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14,
     12, 11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8,
     7, 4, 15, 14, 3, 11, 5, 2, 12],
    [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12,
     1, 10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13,
     8, 9, 4, 5, 11, 12, 7, 2, 14],
    [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15,
     10, 3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2,
     13, 6, 15, 0, 9, 10, 4, 5, 3],
    [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13,
     14, 0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15,
     10, 11, 14, 1, 7, 6, 0, 8, 13],
    [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5,
     12, 2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4,
     10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
    [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6,
     11, 0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8,
     13, 15, 12, 9, 0, 3, 5, 6, 11],
]


def _bits(data):
    return [(b >> (7 - i)) & 1 for b in data for i in range(8)]


def _bytes(bits):
    return bytes(sum(bits[i + j] << (7 - j) for j in range(8)) for i in range(0, len(bits), 8))


def des_encrypt_block(key, block):
    k = [_bits(key)[i - 1] for i in _PC1]
    c, d = k[:28], k[28:]
    subkeys = []
    for s in _SHIFTS:
        c, d = c[s:] + c[:s], d[s:] + d[:s]
        cd = c + d
        subkeys.append([cd[i - 1] for i in _PC2])
    b = [_bits(block)[i - 1] for i in _IP]
    left, right = b[:32], b[32:]
    for sk in subkeys:
        e = [right[i - 1] ^ sk[n] for n, i in enumerate(_E)]
        out = []
        for box in range(8):
            chunk = e[box * 6:box * 6 + 6]
            row = chunk[0] * 2 + chunk[5]
            col = chunk[1] * 8 + chunk[2] * 4 + chunk[3] * 2 + chunk[4]
            v = _S[box][row * 16 + col]
            out += [(v >> (3 - i)) & 1 for i in range(4)]
        f = [out[i - 1] for i in _P]
        left, right = right, [l ^ x for l, x in zip(left, f)]
    pre = right + left
    return _bytes([pre[i - 1] for i in _FP])


def vnc_key(password):
    """VNC uses the password (8 bytes, NUL-padded) with each byte's bits reversed."""
    raw = password.encode()[:8].ljust(8, b"\0")
    return bytes(int(f"{b:08b}"[::-1], 2) for b in raw)


def vnc_response(password, challenge):
    key = vnc_key(password)
    return des_encrypt_block(key, challenge[:8]) + des_encrypt_block(key, challenge[8:16])


# --- RFB --------------------------------------------------------------------
def _recv(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def handshake(host, port):
    sock = socket.create_connection((host, port), timeout=20)
    version = _recv(sock, 12)
    if not version.startswith(b"RFB ") or not version.endswith(b"\n"):
        raise ValueError(f"not an RFB server: {version!r}")
    sock.sendall(b"RFB 003.008\n")
    n = _recv(sock, 1)[0]
    if n == 0:
        reason_len = struct.unpack(">I", _recv(sock, 4))[0]
        raise ValueError("server refused: " + _recv(sock, reason_len).decode(errors="replace"))
    types = list(_recv(sock, n))
    return sock, version.decode().strip(), types


def _security_result(sock):
    if struct.unpack(">I", _recv(sock, 4))[0] != 0:
        reason_len = struct.unpack(">I", _recv(sock, 4))[0]
        # QEMU counts a trailing NUL in the reason.
        return _recv(sock, reason_len).decode(errors="replace").rstrip("\0") or "failed"
    return None


def authenticate(host, port, password):
    sock, _, types = handshake(host, port)
    with sock:
        if password:
            if 2 not in types:
                return f"auth failed: no VNC authentication offered (types {types})"
            sock.sendall(bytes([2]))
            challenge = _recv(sock, 16)
            sock.sendall(vnc_response(password, challenge))
        else:
            if 1 not in types:
                return f"auth failed: no 'None' security offered (types {types})"
            sock.sendall(bytes([1]))
        why = _security_result(sock)
        if why is not None:
            return f"auth failed: {why}"
        sock.sendall(bytes([1]))  # ClientInit: shared
        width, height = struct.unpack(">HH", _recv(sock, 4))
        _recv(sock, 16)  # pixel format
        name_len = struct.unpack(">I", _recv(sock, 4))[0]
        name = _recv(sock, name_len).decode(errors="replace")
        return f"auth ok {width}x{height} {name}"


# VeNCrypt sub-types (TLS with x509 certificates): none, VNC auth, plain.
_X509_NONE, _X509_VNC, _X509_PLAIN = 260, 261, 262


def vencrypt(host, port, ca, password="", cert=None, key=None):
    sock, _, types = handshake(host, port)
    with sock:
        if 19 not in types:
            return f"tls failed: no VeNCrypt offered (types {types})"
        sock.sendall(bytes([19]))
        major, minor = _recv(sock, 2)
        if (major, minor) < (0, 2):
            return f"tls failed: VeNCrypt {major}.{minor}"
        sock.sendall(bytes([0, 2]))
        if _recv(sock, 1)[0] != 0:
            return "tls failed: server refused VeNCrypt 0.2"
        n = _recv(sock, 1)[0]
        subtypes = list(struct.unpack(f">{n}I", _recv(sock, 4 * n)))
        shown = ",".join(map(str, subtypes))
        picks = [t for t in subtypes if t in (_X509_NONE, _X509_VNC)]
        if not picks:
            return f"tls failed: no x509 sub-type (subtypes {shown})"
        sock.sendall(struct.pack(">I", picks[0]))
        if _recv(sock, 1)[0] != 1:
            return "tls failed: sub-type refused"
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False  # the CA is what is tested, not a name
        ctx.load_verify_locations(ca)
        if cert:
            ctx.load_cert_chain(cert, key)
        try:
            tls = ctx.wrap_socket(sock)
        except (ssl.SSLError, OSError) as e:
            return f"tls failed: {e}"
        # With TLS 1.3 a refused client certificate shows on the first read.
        try:
            with tls:
                if picks[0] == _X509_VNC:
                    challenge = _recv(tls, 16)
                    tls.sendall(vnc_response(password, challenge))
                why = _security_result(tls)
                if why is not None:
                    return f"tls failed: {why}"
                tls.sendall(bytes([1]))
                width, height = struct.unpack(">HH", _recv(tls, 4))
                _recv(tls, 16)
                name = _recv(tls, struct.unpack(">I", _recv(tls, 4))[0]).decode(errors="replace")
                return f"tls ok subtypes={shown} {width}x{height} {name}"
        except (ssl.SSLError, OSError, EOFError) as e:
            return f"tls failed: {e}"


def main(argv):
    if len(argv) >= 4 and argv[1] == "probe":
        sock, version, types = handshake(argv[2], int(argv[3]))
        sock.close()
        print(f"{version} security={','.join(map(str, types))}")
        return 0
    if len(argv) >= 5 and argv[1] == "auth":
        out = authenticate(argv[2], int(argv[3]), argv[4])
        print(out)
        return 0 if out.startswith("auth ok") else 1
    if len(argv) >= 5 and argv[1] == "vencrypt":
        out = vencrypt(argv[2], int(argv[3]), argv[4], *argv[5:8])
        print(out)
        return 0 if out.startswith("tls ok") else 1
    if len(argv) >= 4 and argv[1] == "passwdfile":
        # vncpasswd's file: the password DES-encrypted with VNC's fixed key
        # (bit-reversed like any VNC key: d3des reads key bits LSB first).
        fixed = bytes(int(f"{b:08b}"[::-1], 2) for b in [23, 82, 107, 6, 35, 78, 88, 7])
        raw = argv[2].encode()[:8].ljust(8, b"\0")
        with open(argv[3], "wb") as f:
            f.write(des_encrypt_block(fixed, raw))
        return 0
    if len(argv) == 2 and argv[1] == "selftest":
        # FIPS 81 / classic test vector.
        got = des_encrypt_block(bytes.fromhex("133457799BBCDFF1"), bytes.fromhex("0123456789ABCDEF"))
        assert got.hex() == "85e813540f0ab405", got.hex()
        print("des ok")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
