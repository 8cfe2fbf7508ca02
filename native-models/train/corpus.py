"""Deterministic selection of real source files present on the build machine.

Sources
  * CPython 3.11 standard library as installed by Debian (/usr/lib/python3.11), PSF licence.
  * JavaScript / TypeScript files of npm packages in the repository's node_modules whose
    package.json declares a permissive licence (see PERMISSIVE).

Held-out rule (never trained on): a file is held out when
  int(sha256("hearth-heldout-v1:" + group).hexdigest(), 16) % 1000 < 30
where group is the stdlib path relative to /usr/lib/python3.11 (e.g. "json/decoder.py") and, for
npm files, "npm:<package>/<file name without extensions>" so that the ESM, CJS and source copies
of one module fall on the same side of the split. Held-out files whose exact content also occurs
among training files are dropped from the held-out set.
"""
import hashlib
import json
import os
import random

PY_ROOT = "/usr/lib/python3.11"
PERMISSIVE = {"MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "BlueOak-1.0.0",
              "Unlicense", "CC0-1.0", "Python-2.0", "MIT-0"}
JS_EXT = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
SKIP_DIR_PARTS = {"test", "tests", "__tests__", "fixtures", "__pycache__", "site-packages", "dist-packages",
                  "idlelib", "turtledemo", "lib2to3", "ensurepip", "pydoc_data", "encodings"}
MAX_BYTES = 200_000
MIN_BYTES = 300
MAX_LINE = 240
MAX_MEAN_LINE = 90
NPM_CAP = 200_000          # bytes per npm package
SEED = 20240611
HELDOUT_PER_MILLE = 30


def heldout(group: str) -> bool:
    h = int(hashlib.sha256(("hearth-heldout-v1:" + group).encode()).hexdigest(), 16)
    return h % 1000 < HELDOUT_PER_MILLE


def _ok_text(text: str) -> bool:
    if "\x00" in text or "sourceMappingURL=data:" in text:
        return False
    lines = text.split("\n")
    if max(len(l) for l in lines) > MAX_LINE:
        return False
    if len(text) / max(1, len(lines)) > MAX_MEAN_LINE:
        return False
    return True


def _read(path):
    try:
        size = os.path.getsize(path)
        if size < MIN_BYTES or size > MAX_BYTES:
            return None
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if _ok_text(text) else None


def _licence(pkg_json):
    lic = pkg_json.get("license")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if lic is None and isinstance(pkg_json.get("licenses"), list) and pkg_json["licenses"]:
        l0 = pkg_json["licenses"][0]
        lic = l0.get("type") if isinstance(l0, dict) else l0
    if not isinstance(lic, str):
        return None
    return lic.strip()


def _licence_ok(lic):
    if lic is None:
        return False
    parts = lic.strip("()").replace(" AND ", " OR ").split(" OR ")
    return all(p.strip() in PERMISSIVE for p in parts)


def python_files():
    out = []
    for dirpath, dirnames, filenames in os.walk(PY_ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIR_PARTS and not d.startswith("."))
        for fn in sorted(filenames):
            if fn.endswith(".py"):
                p = os.path.join(dirpath, fn)
                rel = os.path.relpath(p, PY_ROOT)
                out.append({"path": p, "rel": "python3.11/" + rel, "group": rel, "lang": "python",
                            "package": "cpython-stdlib", "version": "3.11", "licence": "PSF-2.0"})
    return out


def npm_files(node_modules):
    out = []
    pkg_cache = {}

    def package_of(dirpath):
        d = dirpath
        while d.startswith(node_modules) and d != node_modules:
            if d in pkg_cache:
                return pkg_cache[d]
            pj = os.path.join(d, "package.json")
            if os.path.isfile(pj):
                try:
                    with open(pj, encoding="utf-8") as f:
                        data = json.load(f)
                except (OSError, ValueError):
                    data = {}
                if isinstance(data.get("name"), str) and data.get("name"):
                    res = (data["name"], data.get("version", ""), _licence(data), d)
                    pkg_cache[d] = res
                    return res
            d = os.path.dirname(d)
        return None

    for dirpath, dirnames, filenames in os.walk(node_modules):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIR_PARTS and not d.startswith("."))
        for fn in sorted(filenames):
            if not fn.endswith(JS_EXT) or ".min." in fn or ".bundle." in fn:
                continue
            p = os.path.join(dirpath, fn)
            pkg = package_of(dirpath)
            if pkg is None or not _licence_ok(pkg[2]):
                continue
            stem = fn.split(".")[0]
            rel = os.path.relpath(p, os.path.dirname(node_modules))
            lang = "typescript" if ".ts" in fn or fn.endswith(".tsx") else "javascript"
            out.append({"path": p, "rel": rel, "group": f"npm:{pkg[0]}/{stem}", "lang": lang,
                        "package": pkg[0], "version": pkg[1], "licence": pkg[2]})
    return out


def select(node_modules):
    """Returns (train, heldout) lists of dicts with 'text' added, deterministic."""
    cands = python_files() + npm_files(node_modules)
    cands.sort(key=lambda c: c["rel"])
    random.Random(SEED).shuffle(cands)
    per_pkg = {}
    seen = set()
    train, held = [], []
    for c in cands:
        text = _read(c["path"])
        if text is None:
            continue
        if c["package"] != "cpython-stdlib":
            used = per_pkg.get(c["package"], 0)
            if used + len(text) > NPM_CAP:
                continue
            per_pkg[c["package"]] = used + len(text)
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        c = dict(c, text=text, sha256=digest)
        (held if heldout(c["group"]) else train).append(c)
    # drop held-out files that share a module stem with training files of the same package
    # is already guaranteed by grouping; nothing else to do
    return train, held


def fingerprint(files):
    h = hashlib.sha256()
    for c in files:
        h.update((c["rel"] + "\0" + c["sha256"] + "\n").encode())
    return h.hexdigest()


def write_lock(path, train, held):
    """Freezes the selection: node_modules changes with the lockfile, the lock keeps retrains exact.
    files: [path, sha256 (first 32 hex digits), held out 0/1, package@version, split group] in training order;
    packages: {package@version: licence}."""
    held_ids = {id(c) for c in held}
    pkgs = {}
    rows = []
    for c in train + held:
        key = c["package"] + "@" + c.get("version", "3.11")
        rows.append([c["rel"], c["sha256"][:32], int(id(c) in held_ids), key, c["group"]])
        pkgs[key] = c["licence"]
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"rule": "selected by corpus.select(); regenerate with train.py --relock",\n')
        f.write(f' "trainFingerprint": "{fingerprint(train)}",\n "heldOutFingerprint": "{fingerprint(held)}",\n')
        f.write(' "packages": ' + json.dumps(pkgs, sort_keys=True, ensure_ascii=False) + ',\n "files": [\n')
        f.write(",\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
        f.write("\n]}\n")


def _meta_for(rel, key, group, pkgs):
    package, version = key.rsplit("@", 1)
    fn = rel.split("/")[-1]
    lang = "python" if fn.endswith(".py") else "typescript" if ".ts" in fn or fn.endswith(".tsx") else "javascript"
    return {"group": group, "lang": lang, "package": package, "version": version, "licence": pkgs[key]}


def select_locked(path, node_modules, snapshot=None, skipped=None):
    """Reads exactly the files listed in the lock, verifying their sha256 (falling back to a
    snapshot of the texts, {rel: text}, when the installed file changed). With a list as `skipped`,
    missing or changed files are appended to it instead of failing (the split of the others is kept)."""
    with open(path, encoding="utf-8") as f:
        lock = json.load(f)
    base = os.path.dirname(node_modules)
    train, held, bad = [], [], []
    for rel, digest, is_held, key, group in lock["files"]:
        p = os.path.join(PY_ROOT, rel[len("python3.11/"):]) if rel.startswith("python3.11/") \
            else os.path.join(base, rel)
        try:
            with open(p, "rb") as fh:
                text = fh.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        ok = lambda t: t is not None and hashlib.sha256(t.encode()).hexdigest().startswith(digest)  # noqa: E731
        if not ok(text):
            text = (snapshot or {}).get(rel)
            if not ok(text):
                bad.append(rel)
                continue
        c = dict(_meta_for(rel, key, group, lock["packages"]), rel=rel, path=p, text=text,
                 sha256=hashlib.sha256(text.encode()).hexdigest())
        (held if is_held else train).append(c)
    if bad and skipped is not None:
        skipped.extend(bad)
    elif bad:
        raise SystemExit(f"corpus-lock.json: {len(bad)} files missing or changed (e.g. {bad[:5]}); "
                         "install the lockfile's node_modules (npm ci) or regenerate with --relock")
    return train, held


def describe(train, held):
    pk = {}
    for c in train + held:
        k = (c["package"], c["version"])
        e = pk.setdefault(k, {"package": k[0], "version": k[1], "licence": c["licence"], "files": 0, "bytes": 0})
        e["files"] += 1
        e["bytes"] += len(c["text"].encode())
    return sorted(pk.values(), key=lambda e: (e["package"], e["version"]))
