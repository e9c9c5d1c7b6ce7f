#!/usr/bin/env python3
"""Keeps the modification times of the built site's files whose bytes did not
change, so that cargo does not compile the server again for nothing.

build.rs asks cargo to rebuild the server whenever anything in `target/site`
(or cargo-leptos's `hash.txt`) changes, since the binary embeds those files;
cargo goes by modification times. `cargo leptos build` writes every file of
the site again on every build, the same bytes or not, and the server crate
was compiled again each time (some 3 minutes here). scripts/test.sh and
scripts/serve.sh build the site, then call this, then build the server:

    keep_site_times.py save FILE PATH...     # before the site build
    keep_site_times.py restore FILE          # after it

`save` records each file's SHA-256 and time, and each folder's listing and
time; `restore` puts the old time back on every file whose bytes are the
same, and on every folder whose listing is the same. A file that changed, or
came or went, keeps its new time, so cargo still rebuilds when it must.
"""

import hashlib
import json
import os
import sys


def digest(path):
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def listing(path):
    return sorted(os.listdir(path))


def entries(roots):
    for root in roots:
        if os.path.isfile(root):
            yield root
        for folder, dirs, files in os.walk(root):
            yield folder
            for name in files:
                yield os.path.join(folder, name)


def save(record, roots):
    seen = {}
    for path in entries(roots):
        stat = os.stat(path)
        if os.path.isdir(path):
            seen[path] = {"listing": listing(path), "mtime_ns": stat.st_mtime_ns}
        else:
            seen[path] = {"sha256": digest(path), "mtime_ns": stat.st_mtime_ns}
    with open(record, "w") as f:
        json.dump(seen, f)


def restore(record):
    try:
        with open(record) as f:
            seen = json.load(f)
    except FileNotFoundError:
        return
    kept = 0
    # Files first: setting a file's time does not touch its folder's.
    for path, old in sorted(seen.items(), key=lambda item: "listing" in item[1]):
        if not os.path.exists(path):
            continue
        same = (
            os.path.isdir(path) and old.get("listing") == listing(path)
        ) or (os.path.isfile(path) and old.get("sha256") == digest(path))
        if same and os.stat(path).st_mtime_ns != old["mtime_ns"]:
            os.utime(path, ns=(old["mtime_ns"], old["mtime_ns"]))
            kept += 1
    print(f"kept the times of {kept} unchanged site files and folders", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "save":
        save(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 3 and sys.argv[1] == "restore":
        restore(sys.argv[2])
    else:
        sys.exit(__doc__)
