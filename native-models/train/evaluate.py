"""Held-out evaluation, node-llama-cpp agreement checks, GGUF export, goldens, manifest."""
import collections
import hashlib
import json
import math
import os
import re
import subprocess
import time

import numpy as np
import torch
import torch.nn.functional as F

import corpus as corpus_mod
import data
import export_gguf
import hearth_tok as ht
import model as M
import pairs as pairs_mod
import train as TR

FILES = {"code": "hearth-tiny-code.gguf", "draft": "hearth-tiny-draft.gguf", "embed": "hearth-tiny-embed.gguf"}
NODE_PROBE = os.path.join(TR.HERE, "node", "probe.mjs")
NODE_THREADS = 2
FIM_PRE_MAX, FIM_SUF_MAX, FIM_MID_MAX = 640, 192, 48
N_FIM_PER_KIND = 200
N_FIM_NODE_PER_KIND = 40
GOLDEN_MAX_TOKENS = 48
EMBED_GOLDEN_TEXT = "def read_config(path):\n    with open(path) as f:\n        return json.load(f)\n"
INFILL_CONTEXT = 1024


def node_probe(job, path):
    with open(path, "w") as f:
        json.dump(job, f)
    r = subprocess.run(["node", NODE_PROBE, path], capture_output=True, text=True, cwd=TR.REPO)
    if r.returncode != 0:
        raise RuntimeError("node probe failed: " + r.stderr[-2000:])
    return json.loads(r.stdout.strip().split("\n")[-1])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def token_bytes(tok):
    tb = np.zeros(ht.VOCAB_SIZE, dtype=np.int64)
    for i, p in enumerate(tok.pieces):
        if ht.BYTE0 <= i < tok.first_char:
            tb[i] = 1
        elif i >= tok.first_char:
            tb[i] = len(p.replace(ht.SPACE, " ").encode("utf-8"))
    return tb


@torch.no_grad()
def lm_metrics(code, draft, held, tok, T=1024, B=4):
    """Bits per byte of both models and greedy agreement (draft argmax == code argmax)."""
    tb = token_bytes(tok)
    res = {}
    windows = collections.defaultdict(list)
    for c in held:
        f = np.asarray(tok.encode(c["text"]), dtype=np.int64)
        for s in range(0, len(f) - 1, T):
            w = f[s:s + T + 1]
            if len(w) >= 2:
                windows[c["lang"]].append(w)
    tot = {"code": [0.0, 0], "draft": [0.0, 0], "agree": [0, 0]}
    for lang, ws in sorted(windows.items()):
        acc = {"code": [0.0, 0], "draft": [0.0, 0], "agree": [0, 0]}
        ws.sort(key=len)
        for i in range(0, len(ws), B):
            chunk = ws[i:i + B]
            L = max(len(w) for w in chunk)
            x = np.full((len(chunk), L), ht.PAD, dtype=np.int64)
            mask = np.zeros((len(chunk), L - 1), dtype=bool)
            for j, w in enumerate(chunk):
                x[j, :len(w)] = w
                mask[j, :len(w) - 1] = True
            xt = torch.from_numpy(x)
            y = xt[:, 1:]
            nbytes = int(tb[x[:, 1:]][mask].sum())
            am = {}
            for name, m in (("code", code), ("draft", draft)):
                logits = m(xt[:, :-1])
                nll = F.cross_entropy(logits.reshape(-1, ht.VOCAB_SIZE), y.reshape(-1), reduction="none")
                nll = nll.view(y.shape)[torch.from_numpy(mask)].sum().item()
                acc[name][0] += nll
                acc[name][1] += nbytes
                am[name] = logits.argmax(-1)
            eq = (am["code"] == am["draft"])[torch.from_numpy(mask)]
            acc["agree"][0] += int(eq.sum())
            acc["agree"][1] += int(eq.numel())
        res[lang] = {"codeBitsPerByte": round(acc["code"][0] / math.log(2) / acc["code"][1], 4),
                     "draftBitsPerByte": round(acc["draft"][0] / math.log(2) / acc["draft"][1], 4),
                     "draftGreedyAgreement": round(acc["agree"][0] / acc["agree"][1], 4),
                     "bytes": acc["code"][1]}
        for k in tot:
            tot[k][0] += acc[k][0]
            tot[k][1] += acc[k][1]
    res["all"] = {"codeBitsPerByte": round(tot["code"][0] / math.log(2) / tot["code"][1], 4),
                  "draftBitsPerByte": round(tot["draft"][0] / math.log(2) / tot["draft"][1], 4),
                  "draftGreedyAgreement": round(tot["agree"][0] / tot["agree"][1], 4),
                  "bytes": tot["code"][1]}
    return res


def fim_examples(held, tok):
    """Deterministic held-out FIM cases: rest of the current line, and the whole next line
    (cursor after the editor's auto-indent)."""
    hc = data.Corpus([c["text"] for c in held], tok)
    rng = np.random.default_rng(7)
    out = []
    for kind in ("rest_of_line", "whole_line"):
        n = 0
        tries = 0
        while n < N_FIM_PER_KIND and tries < 50 * N_FIM_PER_KIND:
            tries += 1
            fi = int(rng.integers(0, len(hc.files)))
            pre, suf, mid, _ = hc.fim_row(rng, 1024, fi=fi, kind=kind, pre_max=FIM_PRE_MAX, suf_max=FIM_SUF_MAX)
            p, s, m = tok.decode(pre), tok.decode(suf), tok.decode(mid)
            if "\ufffd" in p + s + m or not m.strip() or len(mid) > FIM_MID_MAX or len(pre) < 32:
                continue
            out.append({"kind": kind, "lang": held[fi]["lang"], "file": held[fi]["rel"], "prefix": p, "suffix": s, "middle": m})
            n += 1
    return out


def fim_prompt(tok, ex):
    """SPM order, as node-llama-cpp builds it for a model without a middle token."""
    return [ht.FIM_SUF] + tok.encode(ex["suffix"]) + [ht.FIM_PRE] + tok.encode(ex["prefix"])


@torch.no_grad()
def fim_exact_match(model, tok, exs):
    """Per case (strict, line): strict = greedy output is the expected middle followed by </s>;
    line = greedy output's first line is the expected middle (the next greedy token after it is a
    newline or </s>), i.e. exact match once a client cuts single-line completions at the newline.
    Both are decided by one teacher-forced pass."""
    hits = []
    nl = tok.newline
    for ex in exs:
        p = fim_prompt(tok, ex)
        target = tok.encode(ex["middle"]) + [ht.EOS]
        x = torch.tensor([p + target[:-1]])
        am = model(x)[0, len(p) - 1:].argmax(-1).tolist()
        body = am[:-1] == target[:-1]
        hits.append((am == target, body and am[-1] in (ht.EOS, nl, ht.FILE_SEP)))
    return hits


def summarize_em(exs, hits):
    by = collections.defaultdict(list)
    for ex, h in zip(exs, hits):
        by[ex["kind"]].append(h)
        by[ex["kind"] + ":" + ex["lang"]].append(h)
    return {k: {"exactMatch": round(sum(a for a, _ in v) / len(v), 4),
                "firstLineExactMatch": round(sum(b for _, b in v) / len(v), 4), "n": len(v)}
            for k, v in sorted(by.items())}


# ----------------------------------------------------------------------------- retrieval
def words(text):
    out = []
    for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text):
        out += pairs_mod.ident_words(w).split()
    return [w for w in out if len(w) > 1]


def bm25_rank(queries, docs, k1=1.2, b=0.75):
    dtoks = [collections.Counter(words(d)) for d in docs]
    N = len(docs)
    avg = sum(sum(c.values()) for c in dtoks) / N
    df = collections.Counter()
    for c in dtoks:
        df.update(c.keys())
    idf = {w: math.log(1 + (N - n + 0.5) / (n + 0.5)) for w, n in df.items()}
    scores = np.zeros((len(queries), N))
    for qi, q in enumerate(queries):
        for w in set(words(q)):
            if w not in idf:
                continue
            for di, c in enumerate(dtoks):
                tf = c.get(w, 0)
                if tf:
                    dl = sum(c.values())
                    scores[qi, di] += idf[w] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avg))
    return scores


def recall_at(scores, gold, k=10):
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.mean([g in t for g, t in zip(gold, top)]))


@torch.no_grad()
def embed_texts(model, tok, texts, maxlen, B=16):
    out = []
    for i in range(0, len(texts), B):
        out.append(TR.embed_batch(model, [tok.encode(t)[:maxlen] for t in texts[i:i + B]], maxlen))
    return torch.cat(out)


def retrieval_metrics(embed, tok, held_pairs):
    codes = sorted({p["code"] for p in held_pairs})
    idx = {c: i for i, c in enumerate(codes)}
    ec = F.normalize(embed_texts(embed, tok, codes, 512), dim=-1)
    res = {}
    for kind in ("doc", "name"):
        ps = [p for p in held_pairs if p["kind"] == kind]
        gold = [idx[p["code"]] for p in ps]
        eq = F.normalize(embed_texts(embed, tok, [p["query"] for p in ps], 128), dim=-1)
        s_emb = (eq @ ec.t()).numpy()
        s_bm25 = bm25_rank([p["query"] for p in ps], codes)
        res[kind] = {"queries": len(ps), "candidates": len(codes),
                     "recallAt10": round(recall_at(s_emb, gold), 4),
                     "chanceRecallAt10": round(10 / len(codes), 4),
                     "bm25RecallAt10": round(recall_at(s_bm25, gold), 4)}
    return res


# ----------------------------------------------------------------------------- main
def run(st, args):
    tok = st.tok
    out_dir = args.out
    work = args.work
    code, ck_code = TR.load_model(st, "code")
    draft, ck_draft = TR.load_model(st, "draft")
    embed, ck_embed = TR.load_model(st, "embed")
    fh = st.logfile("eval")
    L = lambda m: TR.log("[eval] " + m, fh)  # noqa: E731

    desc = {"code": "Hearth tiny code completion model (FIM, hearth template). Trained by native-models/train.",
            "draft": "Hearth tiny draft model for speculative decoding with hearth-tiny-code.",
            "embed": "Hearth tiny code embedding model (mean pooling)."}
    for name, m in (("code", code), ("draft", draft), ("embed", embed)):
        export_gguf.write(os.path.join(out_dir, FILES[name]), m, tok, TR.REPO, "hearth-tiny-" + name, desc[name],
                          embedding=(name == "embed"))
    L("wrote GGUFs")

    held = st.held_files
    quick = int(os.environ.get("HEARTH_QUICK_EVAL", "0"))  # smoke tests only
    t0 = time.time()
    lm = lm_metrics(code, draft, held[:quick] if quick else held, tok)
    L(f"lm metrics {json.dumps(lm)} ({time.time() - t0:.0f}s)")

    exs = fim_examples(held, tok)
    if quick:
        exs = [e for e in exs if e["kind"] == "rest_of_line"][:quick] + [e for e in exs if e["kind"] == "whole_line"][:quick]
    em_code = fim_exact_match(code, tok, exs)
    em_draft = fim_exact_match(draft, tok, exs)
    fim = {"code": summarize_em(exs, em_code), "draft": summarize_em(exs, em_draft)}
    L(f"fim {json.dumps(fim)}")

    # node-llama-cpp: greedy infill on a subset, compared with torch greedy decoding
    sub = [e for e in exs if e["kind"] == "rest_of_line"][:N_FIM_NODE_PER_KIND] + \
          [e for e in exs if e["kind"] == "whole_line"][:N_FIM_NODE_PER_KIND]
    job = {"model": os.path.join(out_dir, FILES["code"]), "threads": NODE_THREADS, "contextSize": INFILL_CONTEXT,
           "infill": [{"prefix": e["prefix"], "suffix": e["suffix"], "maxTokens": GOLDEN_MAX_TOKENS} for e in sub]}
    nres = node_probe(job, os.path.join(work, "job_infill.json"))
    torch_out = [tok.decode(M.greedy(code, fim_prompt(tok, e), GOLDEN_MAX_TOKENS, stop_ids={ht.EOS, ht.FILE_SEP}))
                 for e in sub]
    agree = [a == b for a, b in zip(nres["infill"], torch_out)]
    node_em = [a == e["middle"] for a, e in zip(nres["infill"], sub)]
    node_line_em = [a.split("\n")[0] == e["middle"] for a, e in zip(nres["infill"], sub)]
    torch_em_sub = [a == e["middle"] for a, e in zip(torch_out, sub)]
    node_check = {"examples": len(sub), "nodeEqualsTorchGreedy": sum(agree),
                  "nodeExactMatch": round(sum(node_em) / len(sub), 4),
                  "nodeFirstLineExactMatch": round(sum(node_line_em) / len(sub), 4),
                  "torchExactMatchSameSubset": round(sum(torch_em_sub) / len(sub), 4),
                  "contextSize": INFILL_CONTEXT, "threads": NODE_THREADS, "maxTokens": GOLDEN_MAX_TOKENS,
                  "secondsForAll": round(nres["infillMs"] / 1000, 2)}
    L(f"node infill check {json.dumps(node_check)}")
    # speculative decoding through node-llama-cpp's DraftSequenceTokenPredictor
    spec_ex = sub[:10] + sub[40:50]
    spec = {}
    for conf in (0.6, 0.0):
        sj = {"model": os.path.join(out_dir, FILES["code"]), "threads": NODE_THREADS, "contextSize": INFILL_CONTEXT,
              "speculative": {"draft": os.path.join(out_dir, FILES["draft"]), "minTokens": 4, "maxTokens": 8,
                              "minConfidence": conf,
                              "infill": [{"prefix": e["prefix"], "suffix": e["suffix"], "maxTokens": GOLDEN_MAX_TOKENS}
                                         for e in spec_ex]}}
        sr = node_probe(sj, os.path.join(work, "job_spec.json"))["speculative"]
        stt = sr["stats"]
        spec[f"minConfidence={conf}"] = {
            "stats": stt, "acceptanceRate": round(stt["validated"] / max(1, stt["validated"] + stt["refuted"]), 4),
            "sameOutputAsWithoutDraft": sr["sameOutput"], "msWithDraft": sr["ms"], "msWithoutDraft": sr["plainMs"]}
    node_check["speculative"] = dict(spec, examples=len(spec_ex), predictor="DraftSequenceTokenPredictor(minTokens 4, maxTokens 8)")
    L(f"speculative {json.dumps(spec)}")
    samples = [{"kind": e["kind"], "file": e["file"], "prefixTail": e["prefix"][-120:], "expected": e["middle"],
                "node": o} for e, o in list(zip(sub, nres["infill"]))[:6] + list(zip(sub, nres["infill"]))[40:46]]

    # golden: the first rest-of-line case that node completes exactly with >= 8 characters,
    # prefix and suffix cut to whole lines to keep the manifest readable
    golden = None
    for e, o in zip(sub, nres["infill"]):
        if o == e["middle"] and len(o.strip()) >= 8:
            golden = {"prefix": e["prefix"], "suffix": e["suffix"], "file": e["file"], "kind": e["kind"]}
            break
    if golden is None:
        for e, o in zip(sub, nres["infill"]):
            if o.split("\n")[0] == e["middle"] and len(e["middle"].strip()) >= 4:
                golden = {"prefix": e["prefix"], "suffix": e["suffix"], "file": e["file"], "kind": e["kind"]}
                break
    if golden is None:
        golden = {"prefix": sub[0]["prefix"], "suffix": sub[0]["suffix"], "file": sub[0]["file"], "kind": sub[0]["kind"]}
    pre = golden["prefix"]
    golden["prefix"] = pre[pre.find("\n") + 1:] if "\n" in pre[:-1] else pre
    suf = golden["suffix"]
    golden["suffix"] = suf[:suf.rfind("\n") + 1] if "\n" in suf else suf
    gj = {"model": os.path.join(out_dir, FILES["code"]), "threads": NODE_THREADS, "contextSize": INFILL_CONTEXT,
          "infill": [{"prefix": golden["prefix"], "suffix": golden["suffix"], "maxTokens": GOLDEN_MAX_TOKENS}]}
    g1 = node_probe(gj, os.path.join(work, "job_golden.json"))["infill"][0]
    gj["threads"] = 1
    g2 = node_probe(gj, os.path.join(work, "job_golden.json"))["infill"][0]
    golden_torch = tok.decode(M.greedy(code, fim_prompt(tok, golden), GOLDEN_MAX_TOKENS, stop_ids={ht.EOS, ht.FILE_SEP}))
    golden.update({"maxTokens": GOLDEN_MAX_TOKENS, "expected": g1, "contextSize": INFILL_CONTEXT,
                   "temperature": 0, "stableAcrossThreads1and2": g1 == g2, "torchGreedyAgrees": golden_torch == g1})
    L(f"golden {json.dumps(golden)[-400:]}")

    # tokenizer agreement on held-out strings
    rng = np.random.default_rng(11)
    strings = ["\tindented with a tab\n\t\treturn x\n", "    four spaces\n        eight\n", " leading space",
               "unicode: héllo wörld → λ ✓ 🦄 “quotes” — ß", "crlf\r\nline\r\n", "<s></s><fim_prefix>x<fim_middle>",
               "literal \u2581 block", "trailing spaces   \n\n\n", "", "\u00a0nbsp\u3000ideographic"]
    for c in held[:40]:
        t = c["text"]
        s = int(rng.integers(0, max(1, len(t) - 300)))
        strings.append(t[s:s + 300])
    tj = node_probe({"model": os.path.join(out_dir, FILES["code"]), "tokenize": strings, "threads": 1},
                    os.path.join(work, "job_tok.json"))
    tok_ok = [a == tok.encode(s) for a, s in zip(tj["tokenize"], strings)]
    tok_check = {"strings": len(strings), "identical": sum(tok_ok), "nodeInfillTokens": tj["infillTokens"]}
    L(f"tokenizer check {tok_check}")
    draft_tok = node_probe({"model": os.path.join(out_dir, FILES["draft"]), "tokenize": strings[:12], "threads": 1},
                           os.path.join(work, "job_tok2.json"))["tokenize"]
    tok_check["draftIdentical"] = sum(a == tok.encode(s) for a, s in zip(draft_tok, strings[:12]))
    tok_check["infillTokens"] = {"prefix": ht.FIM_PRE, "suffix": ht.FIM_SUF, "middle": None}

    # embeddings
    held_pairs = pairs_mod.mine(held)
    ret = retrieval_metrics(embed, tok, held_pairs)
    L(f"retrieval {json.dumps(ret)}")
    long_text = held[0]["text"][:900]
    while len(tok.encode(long_text)) > 900:
        long_text = long_text[:-10]
    etexts = [EMBED_GOLDEN_TEXT, held_pairs[0]["query"], held_pairs[0]["code"], long_text]
    ej = {"model": os.path.join(out_dir, FILES["embed"]), "threads": NODE_THREADS, "embed": etexts,
          "embedContextSize": 1024}
    e1 = node_probe(ej, os.path.join(work, "job_embed.json"))
    ej["threads"] = 1
    e2 = node_probe(ej, os.path.join(work, "job_embed.json"))
    with torch.no_grad():
        te = [TR.embed_batch(embed, [tok.encode(t)], 4096)[0] for t in etexts]
    cos_nt = [float(F.cosine_similarity(torch.tensor(a), b, dim=0)) for a, b in zip(e1["embed"], te)]
    g4 = [round(v, 3) for v in e1["embed"][0][:4]]
    g4b = [round(v, 3) for v in e2["embed"][0][:4]]
    embed_check = {"dimension": len(e1["embed"][0]), "nodeVsTorchCosine": [round(c, 5) for c in cos_nt],
                   "longTextTokens": len(tok.encode(long_text)), "stableAcrossThreads1and2": g4 == g4b}
    L(f"embed check {embed_check}")
    golden_embed = {"text": EMBED_GOLDEN_TEXT, "first4": g4, "dimension": len(e1["embed"][0]),
                    "contextSize": 1024, "stable": g4 == g4b}

    # a held-out (query, matching code, other code) triple that node-llama-cpp ranks with a clear margin
    doc_pairs = [p for p in held_pairs if p["kind"] == "doc" and len(tok.encode(p["code"])) <= 400]
    trip = None
    cands = doc_pairs[:24]
    cj = node_probe({"model": os.path.join(out_dir, FILES["embed"]), "threads": NODE_THREADS, "embedContextSize": 1024,
                     "embed": [p["query"] for p in cands] + [p["code"] for p in cands]}, os.path.join(work, "job_trip.json"))
    qv = F.normalize(torch.tensor(cj["embed"][:len(cands)]), dim=-1)
    cv = F.normalize(torch.tensor(cj["embed"][len(cands):]), dim=-1)
    sims = qv @ cv.t()
    for i in range(len(cands)):
        j = (i + len(cands) // 2) % len(cands)
        if float(sims[i, i] - sims[i, j]) > 0.1 and int(sims[i].argmax()) == i:
            trip = {"query": cands[i]["query"], "positive": cands[i]["code"], "negative": cands[j]["code"],
                    "cosPositive": round(float(sims[i, i]), 4), "cosNegative": round(float(sims[i, j]), 4),
                    "source": cands[i]["source"]}
            break
    golden_embed["retrievalCheck"] = trip
    L(f"embedding triple {json.dumps(trip)[:300]}")
    sample_text = "def f(x):\n\treturn x  # héllo → 🦄\n"
    tok_check["sample"] = {"text": sample_text, "ids": tok.encode(sample_text)}

    times_path = os.path.join(work, "times.json")
    times = json.load(open(times_path)) if os.path.exists(times_path) else {}
    manifest = build_manifest(st, out_dir, {"code": ck_code, "draft": ck_draft, "embed": ck_embed},
                              {"code": code, "draft": draft, "embed": embed}, lm, fim, node_check, tok_check,
                              ret, embed_check, golden, golden_embed, times, samples, held_pairs)
    keep_chat_entries(os.path.join(out_dir, "manifest.json"), manifest)
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    TR.biome_format(os.path.join(out_dir, "manifest.json"))
    L("wrote manifest.json")
    fh.close()


def arch(m):
    c = m.cfg
    return {"architecture": "llama", "embeddingLength": c.dim, "blockCount": c.n_layers, "headCount": c.n_heads,
            "headCountKv": c.n_kv_heads, "headDim": c.head_dim, "feedForwardLength": c.ffn_dim,
            "ropeFreqBase": c.rope_base, "ropeType": "llama (interleaved pairs)", "rmsNormEps": c.norm_eps,
            "activation": "SwiGLU", "tiedEmbeddings": True, "weightType": "F32"}


def keep_chat_entries(path, manifest):
    """hearth-tiny-chat is trained and evaluated by chat.py: its entries in an existing manifest carry over."""
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        old = json.load(f)
    if "chat" in old.get("models", {}):
        manifest["models"]["chat"] = old["models"]["chat"]
    for key in ("goldenChat", "chatTrainingCommand"):
        if key in old:
            manifest[key] = old[key]
    if "chat" in old.get("trainingWallSeconds", {}):
        manifest.setdefault("trainingWallSeconds", {})["chat"] = old["trainingWallSeconds"]["chat"]


def build_manifest(st, out_dir, cks, models, lm, fim, node_check, tok_check, ret, embed_check, golden,
                   golden_embed, times, samples, held_pairs):
    tok = st.tok
    pk = corpus_mod.describe(st.train_files, st.held_files)
    langs = collections.Counter()
    for c in st.train_files:
        langs[c["lang"]] += len(c["text"].encode())
    ent = {}
    roles = {"code": "completion", "draft": "draft", "embed": "embedding"}
    for name in ("code", "draft", "embed"):
        path = os.path.join(out_dir, FILES[name])
        m = models[name]
        ck = cks[name]
        e = {"file": FILES[name], "sha256": sha256(path), "bytes": os.path.getsize(path),
             "parameters": m.n_params(), "role": roles[name], "contextLength": m.cfg.context_length,
             "vocabSize": m.cfg.vocab_size, "hyperparameters": arch(m)}
        if name == "code":
            base = torch.load(st.ckpt("code-base"))
            e["training"] = {
                "stages": [
                    {"stage": "code (base)", "objective": "next-token cross-entropy on 50% PSM FIM rows (middle tokens weighted x2) and 50% plain rows",
                     "steps": base["steps"], "tokens": base["tokens"], "phases [fraction, context, batch]": TR.CODE["phases"],
                     "peakLr": TR.CODE["lr"], "seed": TR.CODE["seed"], "wallSeconds": round(base["wall_s"], 1)},
                    {"stage": "codefim", "objective": "continued from the base on 80% SPM FIM rows (middle tokens weighted x2) and 20% plain rows",
                     "steps": ck["steps"], "tokens": ck["tokens"], "phases [fraction, context, batch]": TR.CODE_FIM["phases"],
                     "peakLr": TR.CODE_FIM["lr"], "seed": TR.CODE_FIM["seed"], "wallSeconds": round(ck["wall_s"], 1)}],
                "whySpm": "after the PSM base stage the model got the first middle token of held-out PSM cases right ~15% of the time vs ~44% for plain continuation of the same prefix (it had not learned the jump from <fim_middle> back to the prefix end); further PSM-weighted training did not move it. SPM order lets the middle continue the prefix directly."}
            e["fimTemplate"] = "hearth"
            e["heldOut"] = {"lm": lm, "fim": fim["code"], "nodeInfillCheck": node_check}
        elif name == "draft":
            e["targetModel"] = FILES["code"]
            e["parameterRatio"] = round(models["code"].n_params() / m.n_params(), 2)
            e["training"] = {"objective": f"{1 - TR.DRAFT['distill']:.1f} x cross-entropy + {TR.DRAFT['distill']:.1f} x KL(teacher=hearth-tiny-code) on the same row mix",
                             "steps": ck["steps"], "tokens": ck["tokens"], "phases": TR.DRAFT["phases"],
                             "peakLr": TR.DRAFT["lr"], "seed": TR.DRAFT["seed"], "wallSeconds": round(ck["wall_s"], 1)}
            e["fimTemplate"] = "hearth"
            e["heldOut"] = {"bitsPerByte": {k: v["draftBitsPerByte"] for k, v in lm.items()},
                            "greedyAgreementWithCode": {k: v["draftGreedyAgreement"] for k, v in lm.items()},
                            "fim": fim["draft"]}
        else:
            e["pooling"] = "mean"
            e["embeddingDimension"] = m.cfg.dim
            e["maxInputTokens"] = m.cfg.context_length - 1
            e["training"] = {"objective": "InfoNCE, in-batch negatives, symmetric, learned temperature; initialised from hearth-tiny-draft",
                             "steps": ck["steps"], "pairs": ck["pairs"], "batch": TR.EMBED["batch"],
                             "queryTokens": TR.EMBED["q_len"], "codeTokens": TR.EMBED["c_len"],
                             "peakLr": TR.EMBED["lr"], "seed": TR.EMBED["seed"], "wallSeconds": round(ck["wall_s"], 1)}
            e["heldOut"] = {"retrieval": ret, "nodeCheck": embed_check, "heldOutPairs": len(held_pairs)}
        ent[name] = e
    return {
        "schema": 1,
        "name": "hearth-native-models",
        "description": "Hearth's own small models: defaults when nothing is configured, and what tests and CI use. Trained on this repository's build machine from real code; see README.md.",
        "models": ent,
        "tokenizer": {"model": "llama (SentencePiece-style, character level)", "vocabSize": ht.VOCAB_SIZE,
                      "addBos": False, "addEos": False, "addSpacePrefix": False, "byteFallback": True,
                      "specialTokens": {s: i for i, s in enumerate(ht.SPECIALS)},
                      "pieces": "ids 8..263 = <0x00>..<0xFF>; 264 = '\u2581' (space); 265..358 = printable ASCII '!'..'~'; 359..383 = most frequent non-ASCII characters of the training data",
                      "extraCharacters": "".join(tok.pieces[tok.first_char + 95:]),
                      "nodeAgreement": tok_check},
        "fimTemplate": {"family": "hearth", "order": "SPM", "prefix": "<fim_prefix>", "suffix": "<fim_suffix>",
                        "middle": None, "end": "</s>", "fileSeparator": "<file_sep>", "pad": "<pad>",
                        "prompt": "<fim_suffix>{suffix}<fim_prefix>{prefix}",
                        "format": "<fim_suffix>{suffix}<fim_prefix>{prefix}{middle}</s>",
                        "bos": False,
                        "nodeLlamaCpp": "LlamaCompletion.generateInfillCompletion(prefix, suffix) builds exactly this prompt for a model with infill prefix and suffix tokens and no middle token (model.tokens.infill.middle is null); generation stops at </s> (EOG) or <file_sep> (fim_sep, EOG)",
                        "ggufKeys": ["tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.fim_suf_token_id",
                                     "tokenizer.ggml.fim_sep_token_id", "tokenizer.ggml.eot_token_id"],
                        "noMiddleToken": "tokenizer.ggml.fim_mid_token_id is deliberately absent and id 5 is named <hearth_reserved_5> so llama.cpp does not auto-detect a middle token; with one, node-llama-cpp would switch to PSM order, which these models were not finished on"},
        "data": {
            "description": "Real source files present on the build machine: the CPython 3.11 standard library installed by Debian (/usr/lib/python3.11) and JavaScript/TypeScript files of npm packages in node_modules with a permissive licence. Minified/bundled files (lines > 240 chars or mean line > 90 chars), files outside 300..200000 bytes, tests/fixtures and exact duplicates are skipped; at most 200 kB per npm package; selection sorted then shuffled with a fixed seed.",
            "trainFiles": len(st.train_files), "heldOutFiles": len(st.held_files),
            "trainBytesByLanguage": dict(sorted(langs.items())),
            "heldOutRule": "int(sha256('hearth-heldout-v1:' + group), 16) % 1000 < 30; group = stdlib path relative to /usr/lib/python3.11, or 'npm:<package>/<file stem>'",
            "heldOutFileList": sorted(c["rel"] for c in st.held_files),
            "licences": sorted(collections.Counter(p["licence"] for p in pk).items()),
            "packages": pk,
        },
        "trainingCommand": "/usr/bin/python3 native-models/train/train.py --all --out native-models/",
        "trainingEnvironment": "Debian 12, python3-torch 1.13 (CPU, 2 threads), python3-numpy, gguf-py from node-llama-cpp 3.21.1's bundled llama.cpp source; 2 CPU cores",
        "trainingWallSeconds": times,
        "goldensProducedWith": "node-llama-cpp 3.21.1, getLlama({gpu:false, build:'never'}), CPU",
        "goldenInfill": golden,
        "goldenEmbedding": golden_embed,
        "sampleInfills": samples,
    }
