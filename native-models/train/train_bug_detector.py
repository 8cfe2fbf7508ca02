"""hearth-bugs: Hearth's tiny learned bug detector (DeepBugs-style), trained on bugs seeded into real code.

    /usr/bin/python3 native-models/train/train_bug_detector.py --out native-models/

Data: the files of corpus-lock.json (CPython stdlib + permissively licensed JS/TS in node_modules) with the
same held-out rule as the other native models (corpus.py). Held-out files are never trained on or tuned on:
they give the test metrics. The training side is split again by file group (VALIDATION rule below); the
validation part picks the epoch and the per-kind thresholds.

Rows come from native-models/train/node/dumpBugSites.ts, which runs Hearth's own TypeScript site extraction
(server/src/review/candidateSites.ts) on each file: natural sites (label 0) and bugs seeded by the review
eval's own edits, re-parsed and re-extracted (label 1). Features are therefore the ones inference computes.

Model: one shared hashed embedding table (sub-words, whole names, category tokens); a site is the
concatenation of its slots' mean embeddings plus a few numbers, scored by a per-kind two-layer MLP.
Weights are written as native-models/hearth-bugs.bin (format in native-models/README.md).
"""
import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus as corpus_mod  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_WORK = os.path.join(HERE, "work")
KINDS = ["swapped-arguments", "wrong-operator", "wrong-operand", "off-by-one", "inverted-condition", "missing-await"]
LAYOUT = {"swapped-arguments": "call", "wrong-operator": "binary", "wrong-operand": "binary", "off-by-one": "binary",
          "inverted-condition": "condition", "missing-await": "await"}
SHAPE = {"call": (10, 13), "binary": (10, 16), "condition": (8, 9), "await": (8, 8)}
MAX_IDS = 5  # whole name + 4 sub-words (identifierTokens.ts maxSubwords)
CFG = dict(buckets=8192, dimension=32, hidden=64, epochs=8, batch=256, lr=3e-3, weight_decay=1e-5, seed=11,
           dump_seed=7, dropout=0.0, pair_weight=0.0)
for _override in os.environ.get("HEARTH_BUGS_CFG", "").split(","):  # experiments: HEARTH_BUGS_CFG=dropout=0.2
    if _override:
        _key, _value = _override.split("=")
        CFG[_key] = type(CFG[_key])(float(_value)) if not isinstance(CFG[_key], int) else int(float(_value))
# Per-function false-positive budget used to pick thresholds on validation data: the expected number of
# findings on natural (unchanged) sites of one function, summed over kinds. The goal is <= 0.1 per clean case;
# the budget leaves room for code unlike the training corpus.
FP_BUDGET_PER_FUNCTION = 0.06
# No kind may flag more than this share of natural sites on validation data, whatever the budget allows: how
# many sites of a kind a function holds varies between codebases (async functions are rare in the corpus and
# common in modern TypeScript), so a kind with few sites per function must not get a lax threshold. At 2%, a
# function dense in one kind (five un-awaited calls in an async function) still expects 0.1 false findings.
MAX_NATURAL_FLAG_RATE = 0.02
THREADS = 1  # the build machine is shared; OpenMP threads spin-waiting for each other were ~10x slower


def validation(group):
    """Training-side files held back for early stopping and threshold choice (10% of groups)."""
    return int(hashlib.sha256(("hearth-bugs-validation-v1:" + group).encode()).hexdigest(), 16) % 10 == 0


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, flush=True)


# ----------------------------------------------------------------------------- data
def dump_sites(work, files, split, seed, buckets):
    """Bundles the TypeScript dump script with esbuild and runs it over `files` (repairs for non-training rows)."""
    bundle = os.path.join(work, "dumpBugSites.mjs")
    esbuild = os.path.join(REPO, "node_modules", ".bin", "esbuild")
    subprocess.run([esbuild, os.path.join(HERE, "node", "dumpBugSites.ts"), "--bundle", "--platform=node",
                    "--format=esm", "--packages=external", f"--outfile={bundle}", "--log-level=warning"],
                   cwd=REPO, check=True)
    listing = os.path.join(work, "bug-files.json")
    with open(listing, "w", encoding="utf-8") as f:
        json.dump([{"path": c["path"], "index": i, "repairs": bool(split[i] != 0)} for i, c in enumerate(files)], f)
    out = os.path.join(work, "bug-sites.jsonl")
    subprocess.run(["node", bundle, listing, out, str(buckets), str(seed)], cwd=REPO, check=True)
    return out


def id_array(rows, slots):
    ids = np.full((len(rows), slots, MAX_IDS), -1, dtype=np.int64)
    for i, t in enumerate(rows):
        for s, slot in enumerate(t):
            ids[i, s, :len(slot)] = slot[:MAX_IDS]
    return ids


class KindData:
    def __init__(self, rows, slots, numbers):
        self.y = np.array([r["y"] for r in rows], dtype=np.float32)
        self.file = np.array([r["f"] for r in rows], dtype=np.int64)
        self.pair = np.array([r["p"] for r in rows], dtype=np.int64)
        self.ids = id_array([r["t"] for r in rows], slots)
        self.numbers = np.array([r["n"] for r in rows], dtype=np.float32).reshape(len(rows), numbers)
        # repairs (validation and held-out rows only): features of each mend the learned pass weighs
        self.has_repairs = np.array(["r" in r for r in rows], dtype=bool)
        owners = [i for i, r in enumerate(rows) for _ in r.get("r", [])]
        self.repair_owner = np.array(owners, dtype=np.int64)
        self.repair_ids = id_array([rep[0] for r in rows for rep in r.get("r", [])], slots)
        self.repair_numbers = np.array([rep[1] for r in rows for rep in r.get("r", [])],
                                       dtype=np.float32).reshape(len(owners), numbers)

    def take(self, mask):
        out = KindData.__new__(KindData)
        for name in ("y", "file", "pair", "ids", "numbers", "has_repairs"):
            setattr(out, name, getattr(self, name)[mask])
        index = np.full(len(self.y), -1, dtype=np.int64)
        index[np.nonzero(mask)[0]] = np.arange(int(np.sum(mask)))
        keep = index[self.repair_owner] >= 0 if len(self.repair_owner) else np.zeros(0, dtype=bool)
        out.repair_owner = index[self.repair_owner][keep]
        out.repair_ids = self.repair_ids[keep]
        out.repair_numbers = self.repair_numbers[keep]
        return out

    def __len__(self):
        return len(self.y)


def load_rows(path):
    by_kind = {k: [] for k in KINDS}
    stats = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if "stats" in r:
                stats.append(r["stats"])
            else:
                by_kind[KINDS[r["k"]]].append(r)
    data = {k: KindData(rows, *SHAPE[LAYOUT[k]]) for k, rows in by_kind.items()}
    return data, stats


# ----------------------------------------------------------------------------- model
class Detector(torch.nn.Module):
    def __init__(self, buckets, dim, hidden, dropout=0.0):
        super().__init__()
        self.embedding = torch.nn.Parameter(torch.randn(buckets, dim) * 0.1)
        self.dropout = torch.nn.Dropout(dropout)
        self.heads = torch.nn.ModuleDict()
        for k in KINDS:
            slots, numbers = SHAPE[LAYOUT[k]]
            self.heads[k] = torch.nn.Sequential(
                torch.nn.Linear(slots * dim + numbers, hidden), torch.nn.ReLU(),
                torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
                torch.nn.Linear(hidden, 1))

    def slot_vectors(self, ids):
        mask = (ids >= 0).float()
        rows = self.embedding[ids.clamp(min=0)] * mask.unsqueeze(-1)
        return rows.sum(2) / mask.sum(2).clamp(min=1).unsqueeze(-1)

    def forward(self, kind, ids, numbers):
        x = torch.cat([self.dropout(self.slot_vectors(ids).flatten(1)), numbers], dim=1)
        return self.heads[kind](x).squeeze(-1)


def scores(model, kind, d, batch=4096):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(d), batch):
            out.append(torch.sigmoid(model(kind, torch.from_numpy(d.ids[i:i + batch]),
                                           torch.from_numpy(d.numbers[i:i + batch]))).numpy())
    model.train()
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def repair_scores(model, kind, d):
    """Lowest score among each row's repairs, as the learned pass computes it: 0 for an added `await` (the
    site disappears), +inf for a row without any repair (it can never be reported)."""
    if kind == "missing-await":
        return np.zeros(len(d), dtype=np.float32)
    best = np.full(len(d), np.inf, dtype=np.float32)
    if len(d.repair_owner):
        holder = KindData.__new__(KindData)
        holder.ids, holder.numbers = d.repair_ids, d.repair_numbers
        holder.y = np.zeros(len(d.repair_owner), dtype=np.float32)
        np.minimum.at(best, d.repair_owner, scores(model, kind, holder))
    return best


def auc(y, s):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def pair_accuracy(d, s):
    """Share of seeded bugs scored above the natural site they were made from."""
    by_pair = {}
    for i in np.nonzero(d.pair >= 0)[0]:
        by_pair.setdefault(int(d.pair[i]), {})[int(d.y[i])] = s[i]
    both = [v for v in by_pair.values() if 0 in v and 1 in v]
    return float(np.mean([v[1] > v[0] for v in both])) if both else None


def natural_mask(d):
    """Label-0 rows sampled without regard to seeding (pair -1): the unbiased sample of natural sites."""
    return (d.y == 0) & (d.pair < 0)


def train(data, val, cfg):
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    model = Detector(cfg["buckets"], cfg["dimension"], cfg["hidden"], cfg["dropout"])
    pairs = {}
    for k in KINDS:
        d = data[k]
        rows = {}
        for i in np.nonzero(d.pair >= 0)[0]:
            rows.setdefault(int(d.pair[i]), [None, None])[int(d.y[i])] = i
        pairs[k] = np.array([v for v in rows.values() if v[0] is not None and v[1] is not None], dtype=np.int64)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    steps_per_epoch = {k: max(1, len(data[k]) // cfg["batch"]) for k in KINDS}
    schedule = [k for k in KINDS for _ in range(steps_per_epoch[k])]
    total = cfg["epochs"] * len(schedule)
    pos_weight = {k: float((data[k].y == 0).sum() / max(1, (data[k].y == 1).sum())) for k in KINDS}
    best, best_state, history = None, None, []
    step = 0
    t0 = time.time()
    for epoch in range(cfg["epochs"]):
        for k in rng.permutation(schedule):
            d = data[k]
            idx = rng.integers(0, len(d), cfg["batch"])
            for g in opt.param_groups:
                g["lr"] = cfg["lr"] * 0.5 * (1 + np.cos(np.pi * step / total))
            logits = model(k, torch.from_numpy(d.ids[idx]), torch.from_numpy(d.numbers[idx]))
            y = torch.from_numpy(d.y[idx])
            loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=torch.tensor(pos_weight[k]))
            if cfg["pair_weight"] > 0 and len(pairs[k]):
                # a seeded bug should outscore the natural site it was made from: the learned pass reports a
                # site only when it scores well above its repair
                chosen = pairs[k][rng.integers(0, len(pairs[k]), cfg["batch"] // 2)]
                both = chosen.reshape(-1)
                pair_logits = model(k, torch.from_numpy(d.ids[both]), torch.from_numpy(d.numbers[both])).view(-1, 2)
                loss = loss + cfg["pair_weight"] * F.softplus(pair_logits[:, 0] - pair_logits[:, 1]).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
        aucs = {k: auc(val[k].y, scores(model, k, val[k])) for k in KINDS if len(val[k])}
        mean_auc = float(np.nanmean(list(aucs.values())))
        history.append({"epoch": epoch + 1, "validationAuc": {k: round(v, 4) for k, v in aucs.items()},
                        "meanValidationAuc": round(mean_auc, 4), "elapsedSeconds": round(time.time() - t0, 1)})
        log(f"epoch {epoch + 1}: mean validation AUC {mean_auc:.4f} {json.dumps(history[-1]['validationAuc'])}")
        if best is None or mean_auc > best:
            best = mean_auc
            best_state = {n: p.detach().clone() for n, p in model.state_dict().items()}
            best_epoch = epoch + 1
    model.load_state_dict(best_state)
    return model, history, best_epoch, time.time() - t0


# ----------------------------------------------------------------------------- thresholds
def sites_per_function(stats):
    functions = sum(s["functions"] for s in stats)
    return {k: sum(s["sites"][k] for s in stats) / max(1, functions) for k in KINDS}


MARGINS = [-1.0, 0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def choose_thresholds(val, model, per_function, budget):
    """Per kind, a score threshold and a margin (the site must score at least `margin` above its best repair)
    that together maximise mean recall on seeded bugs while the expected false positives per function
    (natural sites per function x false-positive rate, summed over kinds) stay within `budget`.
    Lagrangian search: for a cost c each kind picks the pair maximising recall - c * fp; c rises until the
    budget holds."""
    curves = {}
    for k in KINDS:
        d = val[k]
        s = scores(model, k, d)
        gain = s - repair_scores(model, k, d)
        pos = (d.y == 1) & d.has_repairs
        neg = natural_mask(d) & d.has_repairs
        grid = np.unique(np.concatenate([np.linspace(0.05, 0.9999, 300), np.quantile(s[pos], np.linspace(0, 1, 150))]))
        options = []
        for margin in MARGINS:
            ok_pos = np.sort(s[pos][gain[pos] >= margin])
            ok_neg = np.sort(s[neg][gain[neg] >= margin])
            recall = (len(ok_pos) - np.searchsorted(ok_pos, grid, side="left")) / max(1, pos.sum())
            fpr = (len(ok_neg) - np.searchsorted(ok_neg, grid, side="left")) / max(1, neg.sum())
            allowed = fpr <= MAX_NATURAL_FLAG_RATE
            options.extend(zip(grid[allowed], [margin] * int(allowed.sum()), recall[allowed], (fpr * per_function[k])[allowed]))
        curves[k] = np.array(options, dtype=np.float64)
    chosen = None
    for cost in np.geomspace(0.01, 10000, 600):
        pick = {}
        for k, table in curves.items():
            i = int(np.argmax(table[:, 2] - cost * table[:, 3]))
            pick[k] = table[i]
        if sum(v[3] for v in pick.values()) <= budget:
            chosen = pick
            break
    return {k: {"threshold": round(float(v[0]), 4), "margin": float(v[1]), "validationRecall": round(float(v[2]), 4),
                "validationFalsePositivesPerFunction": round(float(v[3]), 4)} for k, v in chosen.items()}


def metrics(model, data, thresholds):
    out = {}
    for k in KINDS:
        d = data[k]
        if not len(d):
            continue
        s = scores(model, k, d)
        t, m = thresholds[k]["threshold"], thresholds[k]["margin"]
        flagged = (s >= t) & (s - repair_scores(model, k, d) >= m)
        nat = natural_mask(d)
        pos = d.y == 1
        pa = pair_accuracy(d, s)
        out[k] = {
            "seededBugs": int(pos.sum()), "naturalSites": int(nat.sum()),
            "auc": round(auc(d.y[pos | nat], s[pos | nat]), 4),
            "pairAccuracy": None if pa is None else round(pa, 4),
            "recallAtThreshold": round(float(flagged[pos].mean()), 4),
            "falsePositiveRateAtThreshold": round(float(flagged[nat].mean()), 5),
        }
    return out


# ----------------------------------------------------------------------------- export
def export(model, cfg, thresholds, path):
    tensors = [("embedding", model.embedding.detach().numpy())]
    for k in KINDS:
        seq = model.heads[k]
        for name, layer in (("w1", seq[0]), ("w2", seq[2]), ("w3", seq[4])):
            tensors.append((f"{k}.{name}", layer.weight.detach().numpy()))
            tensors.append((f"{k}.b{name[1]}", layer.bias.detach().numpy()))
    header = {
        "format": "hearth-bug-detector", "version": 1, "buckets": cfg["buckets"], "dimension": cfg["dimension"],
        "hidden": cfg["hidden"], "maxIdsPerSlot": MAX_IDS,
        "kinds": {k: {"layout": LAYOUT[k], "slots": SHAPE[LAYOUT[k]][0], "numbers": SHAPE[LAYOUT[k]][1],
                      "threshold": thresholds[k]["threshold"], "margin": thresholds[k]["margin"]} for k in KINDS},
        "tensors": [{"name": n, "shape": list(t.shape)} for n, t in tensors],
    }
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((-(12 + len(raw))) % 4)
    with open(path, "wb") as f:
        f.write(b"HRTHBUG1")
        f.write(struct.pack("<I", len(raw)))
        f.write(raw)
        for _, t in tensors:
            f.write(np.ascontiguousarray(t, dtype="<f4").tobytes())
    return sum(t.size for _, t in tensors)


def golden(model, data):
    """A few held-out rows with their exact scores: the TypeScript inference must reproduce them."""
    out = []
    for k in KINDS:
        d = data[k]
        for i in range(min(2, len(d))):
            ids = [[int(x) for x in slot if x >= 0] for slot in d.ids[i]]
            out.append({"kind": k, "ids": ids, "numbers": [float(x) for x in d.numbers[i]],
                        "score": float(scores(model, k, d.take(np.array([i])))[0])})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "native-models"))
    ap.add_argument("--work", default=DEFAULT_WORK)
    ap.add_argument("--reuse-dump", action="store_true", help="train on the existing work/bug-sites.jsonl")
    args = ap.parse_args()
    torch.set_num_threads(THREADS)
    os.makedirs(args.work, exist_ok=True)
    started = time.time()
    skipped = []
    train_files, held_files = corpus_mod.select_locked(os.path.join(HERE, "corpus-lock.json"),
                                                       os.path.join(REPO, "node_modules"), skipped=skipped)
    files = train_files + held_files
    split = np.array([2 if i >= len(train_files) else int(validation(c["group"])) for i, c in enumerate(files)])
    log(f"corpus: {len(train_files)} training-side files ({int((split == 1).sum())} for validation), "
        f"{len(held_files)} held out; {len(skipped)} locked files missing here: {skipped}")
    dump = os.path.join(args.work, "bug-sites.jsonl")
    t0 = time.time()
    if args.reuse_dump:
        # the dump's file indices refer to the listing written with it
        by_path = {c["path"]: split[i] for i, c in enumerate(files)}
        with open(os.path.join(args.work, "bug-files.json"), encoding="utf-8") as f:
            split = np.array([by_path.get(e["path"], -1) for e in json.load(f)])
    else:
        dump = dump_sites(args.work, files, split, CFG["dump_seed"], CFG["buckets"])
    dump_wall = time.time() - t0
    data, stats = load_rows(dump)
    part = {name: {k: d.take(split[d.file] == code) for k, d in data.items()}
            for name, code in (("train", 0), ("validation", 1), ("heldOut", 2))}
    stats_by = {name: [s for s in stats if split[s["f"]] == code]
                for name, code in (("train", 0), ("validation", 1), ("heldOut", 2))}
    for name, p in part.items():
        log(f"{name}: " + ", ".join(f"{k} {len(d)} ({int(d.y.sum())} seeded)" for k, d in p.items()))
    model, history, best_epoch, train_wall = train(part["train"], part["validation"], CFG)
    per_function = sites_per_function(stats_by["validation"])
    thresholds = choose_thresholds(part["validation"], model, per_function, FP_BUDGET_PER_FUNCTION)
    # what other budgets would have bought, on the same validation data (the shipped thresholds use the above)
    recall_by_budget = {}
    for budget in (0.02, 0.04, 0.06, 0.1, 0.15, 0.2):
        other = choose_thresholds(part["validation"], model, per_function, budget)
        recall_by_budget[str(budget)] = round(float(np.mean([v["validationRecall"] for v in other.values()])), 4)
    log(f"mean validation recall by false-positive budget per function: {recall_by_budget}")
    log(f"thresholds: {json.dumps(thresholds)}")
    held = metrics(model, part["heldOut"], thresholds)
    val = metrics(model, part["validation"], thresholds)
    log(f"held-out: {json.dumps(held)}")
    out_file = os.path.join(args.out, "hearth-bugs.bin")
    parameters = export(model, CFG, thresholds, out_file)
    with open(out_file, "rb") as f:
        blob = f.read()
    held_per_function = sites_per_function(stats_by["heldOut"])
    entry = {
        "file": "hearth-bugs.bin", "sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob),
        "parameters": int(parameters), "role": "review (learned bug detector)",
        "architecture": {"embedding": f"{CFG['buckets']} hashed buckets x {CFG['dimension']} (shared)",
                         "site": "concatenated mean slot embeddings + numbers",
                         "head": f"per kind: Linear({CFG['hidden']}) ReLU Linear({CFG['hidden']}) ReLU Linear(1), sigmoid",
                         "weightType": "F32"},
        "kinds": KINDS,
        "training": {**CFG, "bestEpoch": best_epoch, "history": history, "wallSeconds": round(train_wall, 1),
                     "dumpWallSeconds": round(dump_wall, 1),
                     "rows": {n: {k: len(d) for k, d in p.items()} for n, p in part.items()},
                     "falsePositiveBudgetPerFunction": FP_BUDGET_PER_FUNCTION,
                     "maxNaturalFlagRate": MAX_NATURAL_FLAG_RATE,
                     "meanValidationRecallByBudget": recall_by_budget,
                     "validationRule": "int(sha256('hearth-bugs-validation-v1:' + group), 16) % 10 == 0 (training side only)",
                     "lockedFilesMissing": skipped},
        "data": "corpus-lock.json files (see data); bugs seeded by server/src/review/bugEdits.ts, features by server/src/review/candidateSites.ts",
        "thresholds": thresholds,
        "sitesPerFunction": {"validation": {k: round(v, 3) for k, v in per_function.items()},
                             "heldOut": {k: round(v, 3) for k, v in held_per_function.items()}},
        "validation": val,
        "heldOut": held,
        "golden": golden(model, part["heldOut"]),
        "trainingCommand": "/usr/bin/python3 native-models/train/train_bug_detector.py --out native-models/",
        "trainingEnvironment": f"Debian 12, python3-torch {torch.__version__} (CPU, {THREADS} threads), node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}; 2 shared CPU cores",
        "totalWallSeconds": round(time.time() - started, 1),
    }
    manifest_path = os.path.join(args.out, "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["models"]["bugs"] = entry
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    biome = os.path.join(REPO, "node_modules", ".bin", "biome")
    if os.path.exists(biome):
        subprocess.run([biome, "format", "--write", manifest_path], cwd=REPO, check=True, capture_output=True)
    log(f"wrote {out_file} ({len(blob)} bytes, {parameters} parameters) and manifest.models.bugs")


if __name__ == "__main__":
    main()
