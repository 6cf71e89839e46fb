#!/usr/bin/env python3
"""Records module replies as decoder test vectors (tests/data/json,
tests/data/vectorset): each case runs its setup, then the command, on RESP2
and RESP3, and the command's raw reply bytes are written to
resp<2|3>_<name>.bin.

Usage: tools/record_module_replies.py json PORT OUT_DIR       (valkey-json)
       tools/record_module_replies.py vectorset PORT OUT_DIR  (Redis 8.0)
"""
import os
import socket
import sys

DOC = '{"s":"x","n":1,"a":[1,2],"o":{"k":1},"b":true}'
JSON_SETUP = [["FLUSHALL"], ["JSON.SET", "d", "$", DOC], ["JSON.SET", "e", "$", "[1]"]]
CASES = {
    "json": [
        ("get_legacy", ["JSON.GET", "d", "."]),
        ("get_dollar", ["JSON.GET", "d", "$"]),
        ("get_paths", ["JSON.GET", "d", "$.s", "$.n"]),
        ("get_missing", ["JSON.GET", "nokey"]),
        ("set_ok", ["JSON.SET", "d", "$.n", "2"]),
        ("set_nx_nil", ["JSON.SET", "d", "$", "1", "NX"]),
        ("mget", ["JSON.MGET", "d", "nokey", "e", "$"]),
        ("numincrby_legacy", ["JSON.NUMINCRBY", "d", ".n", "2"]),
        ("numincrby_dollar", ["JSON.NUMINCRBY", "d", "$.*", "1.5"]),
        ("strlen_dollar", ["JSON.STRLEN", "d", "$.*"]),
        ("arrappend_legacy", ["JSON.ARRAPPEND", "d", ".a", "3"]),
        ("arrpop_dollar", ["JSON.ARRPOP", "d", "$.*"]),
        ("type_dollar", ["JSON.TYPE", "d", "$.*"]),
        ("toggle_legacy", ["JSON.TOGGLE", "d", ".b"]),
        ("objkeys_dollar", ["JSON.OBJKEYS", "d", "$.*"]),
    ],
    "vectorset": [
        ("vadd", ["VADD", "v", "VALUES", "2", "1", "0", "c"]),
        ("vsim", ["VSIM", "v", "ELE", "a"]),
        ("vsim_withscores", ["VSIM", "v", "ELE", "a", "WITHSCORES"]),
        ("vemb", ["VEMB", "v", "b"]),
        ("vemb_missing", ["VEMB", "v", "nope"]),
        ("vgetattr", ["VGETATTR", "v", "a"]),
        ("vrandmember_count", ["VRANDMEMBER", "v", "5"]),
        ("vcard", ["VCARD", "v"]),
    ],
}
SETUP = {
    "json": JSON_SETUP,
    "vectorset": [["FLUSHALL"], ["VADD", "v", "VALUES", "2", "1", "0", "a", "SETATTR", '{"k":1}'],
                  ["VADD", "v", "VALUES", "2", "0.5", "0.5", "b"]],
}


def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def read(f):
    line = f.readline()
    t, body = line[:1], line[1:-2]
    if t in b"$=!":
        n = int(body)
        return line if n < 0 else line + f.read(n + 2)
    if t in b"*~>%|":
        n = int(body)
        out = line
        for _ in range(max(n, 0) * (2 if t in b"%|" else 1)):
            out += read(f)
        return out + (read(f) if t == b"|" else b"")
    return line


def main():
    module, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    for proto in (2, 3):
        for name, cmd in CASES[module]:
            s = socket.create_connection(("127.0.0.1", port))
            f = s.makefile("rb")
            s.sendall(enc(["HELLO", str(proto)]))
            read(f)
            for c in SETUP[module]:
                s.sendall(enc(c))
                read(f)
            s.sendall(enc(cmd))
            with open(os.path.join(out, "resp%d_%s.bin" % (proto, name)), "wb") as w:
                w.write(read(f))
            s.close()


if __name__ == "__main__":
    main()
