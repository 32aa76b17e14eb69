#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the protocol crates' test fixtures.

Usage: seed.py CORPUS_DIR  (writes CORPUS_DIR/<target>/<name>)
"""
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOCOLS = ["telemt", "nodepass", "kernel", "dash", "core"]


def write(directory, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    out = pathlib.Path(sys.argv[1])
    for proto in PROTOCOLS:
        fixtures = ROOT / "crates" / f"nodewire-{proto}" / "tests" / "fixtures"
        manifest = json.loads((fixtures / "manifest.json").read_text())
        for entry in manifest:
            body = (fixtures / entry["file"]).read_bytes()
            if "type" in entry:
                selector = f"type {entry['type']}"
            elif entry["body"] == "request":
                selector = f"{entry['operation']} request"
            else:
                selector = f"{entry['operation']} {entry.get('status', 200)}"
            write(out / proto, selector.encode() + b"\n" + body)
            if b"data:" in body:
                write(out / "sse", b"\x05" + body)
                write(out / "sse", b"\x01" + body.replace(b"\n", b"\r\n"))
            if proto == "dash" and b'"update"' in body:
                write(out / "dash_manifest", body)
    examples = ROOT / "crates/nodewire-nodepass/tests/fixtures/url-examples.json"
    for example in json.loads(examples.read_text())["examples"]:
        write(out / "nodepass_url", example["url"].encode())


if __name__ == "__main__":
    main()
