"""Completion and repairs of the RedisBloom command facts (Bloom and cuckoo
filters, count-min sketch, top-k, t-digest;
codegen/import_module_specref.py bloom ...).
"""


def _one_child_block(name, child):
    # A block of one argument (TDIGEST.ADD's values) is that argument,
    # repeated; the generator wants blocks of two or more.
    def fix(args):
        for i, a in enumerate(args):
            if a["name"] == name:
                c = dict(a["arguments"][0])
                c["multiple"] = a.get("multiple", False)
                if a.get("optional"):
                    c["optional"] = True
                args[i] = c
                c["name"] = child
    return fix


def _token_block(name, new):
    # [KEYWORD value...] written as a block of a pure token and its value
    # (CMS.MERGE WEIGHTS, TDIGEST.MERGE COMPRESSION, whose two children even
    # share a name) is one argument with a token.
    def fix(args):
        for i, a in enumerate(args):
            if a["name"] == name:
                tok, val = a["arguments"]
                c = {k: v for k, v in val.items()}
                c["name"] = new
                c["token"] = tok["token"]
                c["optional"] = a.get("optional", False)
                args[i] = c
    return fix


REPAIRS = {
    "TDIGEST.ADD": [_one_child_block("values", "value")],
    "TDIGEST.MERGE": [_token_block("config", "compression")],
    "CMS.MERGE": [_token_block("weight", "weights")],
}
AFTER_RENAME = {}

# Doubles the server refuses when not finite (RedisBloom 8.0: "error rate
# must be in the range (0, 1)", "T-Digest: val parameter needs to be a
# finite number", ...), or when NaN while it takes inf (TDIGEST.CDF, RANK,
# REVRANK).
ARG_EXT = {
    "BF.RESERVE": [(("error-rate",), "finite", True)],
    "BF.INSERT": [(("error",), "finite", True)],
    "CMS.INITBYPROB": [(("error",), "finite", True), (("probability",), "finite", True)],
    "CMS.MERGE": [(("weights",), "finite", True), (("weights",), "same_count_as", "source")],
    "TOPK.RESERVE": [(("params", "decay"), "finite", True)],
    "TDIGEST.ADD": [(("value",), "finite", True)],
    "TDIGEST.QUANTILE": [(("quantile",), "finite", True)],
    "TDIGEST.BYRANK": [(("rank",), "finite", True)],
    "TDIGEST.BYREVRANK": [(("reverse-rank",), "finite", True)],
    "TDIGEST.TRIMMED_MEAN": [(("low-cut-quantile",), "finite", True),
                             (("high-cut-quantile",), "finite", True)],
    "TDIGEST.CDF": [(("value",), "not_nan", True)],
    "TDIGEST.RANK": [(("value",), "not_nan", True)],
    "TDIGEST.REVRANK": [(("value",), "not_nan", True)],
}

# COMMAND INFO flags of RedisBloom 8.0.
_W, _WD, _R = ["write", "module"], ["write", "denyoom", "module"], ["readonly", "module"]
_WDF, _RF, _WF = _WD, _R + ["fast"], _W + ["fast"]
SERVER_FLAGS = {
    "BF.RESERVE": _WD, "BF.ADD": _WD, "BF.MADD": _WD, "BF.INSERT": _WD, "BF.EXISTS": _RF,
    "BF.MEXISTS": _RF, "BF.SCANDUMP": _RF, "BF.LOADCHUNK": _WD, "BF.INFO": _RF, "BF.CARD": _RF,
    "CF.RESERVE": _WD, "CF.ADD": _WD, "CF.ADDNX": _WD, "CF.INSERT": _WD, "CF.INSERTNX": _WD,
    "CF.EXISTS": _RF, "CF.MEXISTS": _RF, "CF.DEL": _WF, "CF.COUNT": _RF, "CF.SCANDUMP": _RF,
    "CF.LOADCHUNK": _WD, "CF.INFO": _RF,
    "CMS.INITBYDIM": _WD, "CMS.INITBYPROB": _WD, "CMS.INCRBY": _WD, "CMS.QUERY": _R,
    "CMS.MERGE": _WD, "CMS.INFO": _R,
    "TOPK.RESERVE": _WD, "TOPK.ADD": _WD, "TOPK.INCRBY": _WD, "TOPK.QUERY": _R, "TOPK.COUNT": _R,
    "TOPK.LIST": _R, "TOPK.INFO": _R,
    "TDIGEST.CREATE": _WD, "TDIGEST.RESET": _WD, "TDIGEST.ADD": _WD, "TDIGEST.MERGE": _WD,
    "TDIGEST.MIN": _R, "TDIGEST.MAX": _R, "TDIGEST.QUANTILE": _R, "TDIGEST.CDF": _R,
    "TDIGEST.TRIMMED_MEAN": _R, "TDIGEST.RANK": _R, "TDIGEST.REVRANK": _R, "TDIGEST.BYRANK": _R,
    "TDIGEST.BYREVRANK": _R, "TDIGEST.INFO": _R,
}
KEY_FLAGS = ["RW", "ACCESS", "UPDATE"]  # what the module registers for every key

OK = {"const": "OK"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}
MAP = {"type": "object"}
BOOLS = {"type": "array", "items": BOOL}
INTS = {"type": "array", "items": INT}
NUMS = {"type": "array", "items": NUM}
CHUNK = {"type": "array", "minItems": 2, "maxItems": 2, "items": [INT, {"type": "string"}]}
ITEMS = {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "null"}]}}

REPLY_SCHEMAS = {
    "BF.RESERVE": OK, "BF.ADD": BOOL, "BF.MADD": BOOLS, "BF.INSERT": BOOLS, "BF.EXISTS": BOOL,
    "BF.MEXISTS": BOOLS, "BF.SCANDUMP": CHUNK, "BF.LOADCHUNK": OK,
    "BF.INFO": {"oneOf": [MAP, INTS]}, "BF.CARD": INT,
    "CF.RESERVE": OK, "CF.ADD": BOOL, "CF.ADDNX": BOOL, "CF.INSERT": BOOLS,
    # 1 added, 0 already there, -1 the filter is full: integers on both protocols
    "CF.INSERTNX": INTS,
    "CF.EXISTS": BOOL, "CF.MEXISTS": BOOLS, "CF.DEL": BOOL, "CF.COUNT": INT,
    "CF.SCANDUMP": CHUNK, "CF.LOADCHUNK": OK, "CF.INFO": MAP,
    "CMS.INITBYDIM": OK, "CMS.INITBYPROB": OK, "CMS.INCRBY": INTS, "CMS.QUERY": INTS,
    "CMS.MERGE": OK, "CMS.INFO": MAP,
    "TOPK.RESERVE": OK, "TOPK.ADD": ITEMS, "TOPK.INCRBY": ITEMS, "TOPK.QUERY": BOOLS,
    "TOPK.COUNT": INTS,
    # items, or with WITHCOUNT item, count, item, count ... (flat on both)
    "TOPK.LIST": {"type": "array"},
    "TOPK.INFO": MAP,
    "TDIGEST.CREATE": OK, "TDIGEST.RESET": OK, "TDIGEST.ADD": OK, "TDIGEST.MERGE": OK,
    "TDIGEST.MIN": NUM, "TDIGEST.MAX": NUM, "TDIGEST.QUANTILE": NUMS, "TDIGEST.CDF": NUMS,
    "TDIGEST.TRIMMED_MEAN": NUM, "TDIGEST.RANK": INTS, "TDIGEST.REVRANK": INTS,
    "TDIGEST.BYRANK": NUMS, "TDIGEST.BYREVRANK": NUMS, "TDIGEST.INFO": MAP,
}

# Results read by hand-written glue (modules/bloom/src, rbloom_<glue>).
GLUE = {
    "BF.SCANDUMP": "chunk", "CF.SCANDUMP": "chunk",
    "BF.INFO": "bf_summary", "CF.INFO": "cf_summary", "CMS.INFO": "cms_summary",
    "TOPK.INFO": "topk_summary", "TDIGEST.INFO": "tdigest_summary", "TOPK.LIST": "topk_items",
}
REPLY = {}
SKIP = {}
