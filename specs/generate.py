#!/usr/bin/env python3
"""Generate specs/directconnect.json from botocore's official Direct Connect service model.

Usage (from the repository root):
    python3 specs/generate.py --botocore 1.44.8

The script downloads the pinned botocore wheel from PyPI with pip (no install),
reads botocore/data/directconnect/2012-10-25/service-2.json(.gz) out of it and
writes a compact specification: operations (input, output, declared errors) and
shapes (type, members, required, enum, min/max, pattern, flags). Documentation
prose is dropped; everything the harness checks is kept. Output is
deterministic (sorted keys) so a regeneration diff shows only model changes.
"""
import argparse
import gzip
import io
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

MODEL_PATH = "botocore/data/directconnect/2012-10-25/service-2.json"
FORMAT_VERSION = 1
# Shape keys copied verbatim (everything else, notably "documentation", is dropped).
SHAPE_KEYS = ("type", "required", "enum", "min", "max", "pattern", "sensitive",
              "exception", "error", "deprecated", "box", "timestampFormat")
MEMBER_KEYS = ("shape", "deprecated", "idempotencyToken", "jsonvalue")


def load_model(botocore_version: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             f"botocore=={botocore_version}", "-d", tmp],
            check=True)
        wheel = next(pathlib.Path(tmp).glob("botocore-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            names = set(zf.namelist())
            if MODEL_PATH + ".gz" in names:
                return json.load(gzip.open(io.BytesIO(zf.read(MODEL_PATH + ".gz"))))
            return json.loads(zf.read(MODEL_PATH))


def compact_shape(shape: dict) -> dict:
    out = {k: shape[k] for k in SHAPE_KEYS if k in shape}
    if "members" in shape:
        out["members"] = {
            name: {k: m[k] for k in MEMBER_KEYS if k in m}
            for name, m in shape["members"].items()
        }
    for key in ("member", "key", "value"):
        if key in shape:
            out[key] = {"shape": shape[key]["shape"]}
    return out


def compact(model: dict, botocore_version: str) -> dict:
    meta = model["metadata"]
    operations = {}
    for name, op in model["operations"].items():
        entry = {"errors": [e["shape"] for e in op.get("errors", [])]}
        if "input" in op:
            entry["input"] = op["input"]["shape"]
        if "output" in op:
            entry["output"] = op["output"]["shape"]
        if op.get("deprecated"):
            entry["deprecated"] = True
        operations[name] = entry
    return {
        "format": FORMAT_VERSION,
        "source": {
            "package": "botocore",
            "version": botocore_version,
            "path": MODEL_PATH,
            "apiVersion": meta["apiVersion"],
            "serviceId": meta["serviceId"],
            "signingName": meta.get("signingName", meta["endpointPrefix"]),
            "targetPrefix": meta["targetPrefix"],
            "jsonVersion": meta["jsonVersion"],
            # The model also lists smithy-rpc-v2-cbor; the harness speaks awsJson 1.1,
            # which every SDK (including aws-sdk-directconnect) uses for this service.
            "protocols": meta.get("protocols", [meta["protocol"]]),
        },
        "operations": operations,
        "shapes": {name: compact_shape(s) for name, s in model["shapes"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--botocore", required=True, help="pinned botocore version")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).with_name("directconnect.json")))
    args = parser.parse_args()
    spec = compact(load_model(args.botocore), args.botocore)
    text = json.dumps(spec, indent=1, sort_keys=True) + "\n"
    pathlib.Path(args.out).write_text(text)
    print(f"wrote {args.out}: {len(spec['operations'])} operations, {len(spec['shapes'])} shapes")


if __name__ == "__main__":
    main()
