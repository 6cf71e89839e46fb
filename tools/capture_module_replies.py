#!/usr/bin/env python3
"""Records replies of the time-series and probabilistic modules from a live
server, on RESP2 and RESP3, as decoder test vectors.

Usage: tools/capture_module_replies.py PORT OUT_DIR {timeseries|bloom}

The server on 127.0.0.1:PORT must have the module loaded; it is flushed.
Each vector is written to OUT_DIR/resp<N>_<name>.bin (the exact bytes of
one reply) and listed in OUT_DIR/SUMMARY.txt.
"""
import os
import socket
import sys

SETUP = {
    "timeseries": [
        ["FLUSHALL"],
        ["TS.CREATE", "ts:a", "LABELS", "room", "kitchen", "kind", "temp"],
        ["TS.CREATE", "ts:b", "LABELS", "room", "hall", "kind", "temp"],
        ["TS.CREATE", "ts:empty", "LABELS", "kind", "none"],
        ["TS.MADD", "ts:a", "1000", "1.5", "ts:a", "2000", "2.25", "ts:b", "1000", "-3"],
    ],
    "bloom": [
        ["FLUSHALL"],
        ["BF.RESERVE", "bf", "0.01", "100"],
        ["BF.MADD", "bf", "a", "b"],
        ["CF.RESERVE", "cf", "100"],
        ["CF.ADD", "cf", "a"],
        ["CMS.INITBYDIM", "cms", "10", "3"],
        ["TOPK.RESERVE", "topk", "3"],
        ["TOPK.ADD", "topk", "x", "y", "x"],
        ["TDIGEST.CREATE", "td"],
        ["TDIGEST.ADD", "td", "1", "2", "3", "4"],
    ],
}

VECTORS = {
    "timeseries": [
        ("ts_range", ["TS.RANGE", "ts:a", "-", "+"]),
        ("ts_range_empty", ["TS.RANGE", "ts:empty", "-", "+"]),
        ("ts_range_agg", ["TS.RANGE", "ts:a", "-", "+", "AGGREGATION", "avg", "10000"]),
        ("ts_get", ["TS.GET", "ts:a"]),
        ("ts_get_empty", ["TS.GET", "ts:empty"]),
        ("ts_mrange_withlabels", ["TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "kind=temp"]),
        ("ts_mrange_groupby", ["TS.MRANGE", "-", "+", "FILTER", "kind=temp", "GROUPBY", "kind",
                               "REDUCE", "max"]),
        ("ts_mrevrange_selected", ["TS.MREVRANGE", "-", "+", "SELECTED_LABELS", "room",
                                   "FILTER", "kind=temp"]),
        ("ts_mget_withlabels", ["TS.MGET", "WITHLABELS", "FILTER", "kind=temp"]),
        ("ts_mget_empty_series", ["TS.MGET", "FILTER", "kind=none"]),
        ("ts_info", ["TS.INFO", "ts:a"]),
        ("ts_queryindex", ["TS.QUERYINDEX", "kind=temp"]),
        ("ts_madd", ["TS.MADD", "ts:a", "3000", "4", "ts:b", "3000", "5"]),
        ("ts_madd_refused", ["TS.MADD", "ts:a", "4000", "1", "ts:none", "4000", "1"]),
    ],
    "bloom": [
        ("bf_add", ["BF.ADD", "bf", "c"]),
        ("bf_mexists", ["BF.MEXISTS", "bf", "a", "zz"]),
        ("bf_info", ["BF.INFO", "bf"]),
        ("bf_info_capacity", ["BF.INFO", "bf", "CAPACITY"]),
        ("bf_scandump_first", ["BF.SCANDUMP", "bf", "0"]),
        ("cf_insert", ["CF.INSERT", "cf", "ITEMS", "b", "c"]),
        ("cf_insertnx", ["CF.INSERTNX", "cf", "ITEMS", "b", "d"]),
        ("cf_info", ["CF.INFO", "cf"]),
        ("cms_incrby", ["CMS.INCRBY", "cms", "a", "2", "b", "5"]),
        ("cms_info", ["CMS.INFO", "cms"]),
        ("topk_list", ["TOPK.LIST", "topk"]),
        ("topk_list_withcount", ["TOPK.LIST", "topk", "WITHCOUNT"]),
        ("topk_add", ["TOPK.ADD", "topk", "z"]),
        ("topk_info", ["TOPK.INFO", "topk"]),
        ("tdigest_quantile", ["TDIGEST.QUANTILE", "td", "0.5", "1"]),
        ("tdigest_min", ["TDIGEST.MIN", "td"]),
        ("tdigest_rank", ["TDIGEST.RANK", "td", "2", "100"]),
        ("tdigest_info", ["TDIGEST.INFO", "td"]),
    ],
}


def encode(argv):
    out = b"*%d\r\n" % len(argv)
    for a in argv:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        i = self.buf.index(b"\r\n")
        return i + 2

    def need(self, n):
        while len(self.buf) < n:
            self.buf += self.s.recv(65536)

    def reply(self):
        """The bytes of one whole reply."""
        end = self._skip(0)
        raw, self.buf = self.buf[:end], self.buf[end:]
        return raw

    def _skip(self, at):
        while b"\r\n" not in self.buf[at:]:
            self.buf += self.s.recv(65536)
        i = self.buf.index(b"\r\n", at)
        t, head = self.buf[at:at + 1], self.buf[at + 1:i]
        nxt = i + 2
        if t in b"$=!":
            n = int(head)
            if n < 0:
                return nxt
            self.need(nxt + n + 2)
            return nxt + n + 2
        if t in b"*~>%|":
            n = int(head)
            if t in b"%|":
                n *= 2
            for _ in range(max(n, 0)):
                nxt = self._skip(nxt)
            if t == b"|":
                nxt = self._skip(nxt)
            return nxt
        return nxt

    def call(self, argv):
        self.s.sendall(encode(argv))
        return self.reply()


def main():
    port, out, module = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    summary = []
    for proto in (2, 3):
        c = Conn(port)
        c.call(["HELLO", str(proto)])
        for argv in SETUP[module]:
            c.call(argv)
        for name, argv in VECTORS[module]:
            raw = c.call(argv)
            with open(os.path.join(out, "resp%d_%s.bin" % (proto, name)), "wb") as f:
                f.write(raw)
            summary.append("RESP%d %-24s %s\n    %r\n" % (proto, name, " ".join(argv), raw))
    with open(os.path.join(out, "SUMMARY.txt"), "w") as f:
        f.write("".join(summary))


if __name__ == "__main__":
    main()
