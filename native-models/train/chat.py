"""hearth-tiny-chat: Hearth's tiny chat model, fine-tuned from hearth-tiny-code on grounded question-answer
conversations generated from real code and rendered by the server's own chat layout.

    /usr/bin/python3 native-models/train/train.py --only chat --out native-models/

Steps (all in this stage):
  init   hearth-tiny-code.gguf's weights, its vocabulary plus the ChatML markers <|im_start|> and <|im_end|>
         (control tokens), exported with a ChatML chat template as work/chat-init.gguf
  data   node/chatData.ts (bundled with esbuild) parses the corpus files with Hearth's tree-sitter outline, chunks
         them as the index does, makes conversations (where is X defined / which function does "<summary>" /
         what does f return, with distractor blocks and map entries, and questions whose answer is absent),
         renders them with server/src/chat/chatPrompt.ts and tokenizes them through node-llama-cpp's chat
         wrapper resolved from chat-init.gguf: the ids trained on are the ids the product sends
  train  next-token loss, answer tokens (and the <|im_end|> after them) weighted 1, prompt tokens PROMPT_WEIGHT
  export hearth-tiny-chat.gguf, then node/chatEval.mjs answers the held-out conversations through LlamaChat
         and the metrics and a golden go into manifest.json
"""
import json
import math
import os
import subprocess
import time

import numpy as np
import torch
import torch.nn.functional as F

import export_gguf
import hearth_tok as ht
from model import Config, Llama

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CHAT_FILE = "hearth-tiny-chat.gguf"
BASE_FILE = "hearth-tiny-code.gguf"
IM_START, IM_END = "<|im_start|>", "<|im_end|>"
# The usual ChatML template. node-llama-cpp recognises it as its ChatML wrapper (resolveChatWrapper), which is
# also what renders the training conversations.
CHAT_TEMPLATE = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
                 "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
                 "{% endif %}")
CONTEXT_LENGTH = 2048


class ChatTokenizer:
    """Hearth's character vocabulary (hearth_tok) with the two ChatML markers appended as control tokens."""

    def __init__(self, base_pieces):
        self.pieces = list(base_pieces) + [IM_START, IM_END]
        self.first_char = ht.BYTE0 + 256
        self.control = (IM_START, IM_END)
        self.im_start = len(base_pieces)
        self.im_end = len(base_pieces) + 1


def read_gguf(path):
    """A llama GGUF written by export_gguf back into (Llama, token pieces)."""
    gguf = export_gguf.load_gguf(REPO)
    r = gguf.GGUFReader(path)

    def u32(key):
        return int(r.fields[key].parts[-1][0])

    cfg = Config(vocab_size=u32("llama.vocab_size"), dim=u32("llama.embedding_length"),
                 n_layers=u32("llama.block_count"), n_heads=u32("llama.attention.head_count"),
                 n_kv_heads=u32("llama.attention.head_count_kv"), ffn_dim=u32("llama.feed_forward_length"),
                 context_length=u32("llama.context_length"))
    tensors = {t.name: torch.from_numpy(np.array(t.data, dtype=np.float32)) for t in r.tensors}
    sd = {"tok_embd.weight": tensors["token_embd.weight"], "output_norm.weight": tensors["output_norm.weight"]}
    names = {"attn_norm": "attn_norm", "attn_q": "wq", "attn_k": "wk", "attn_v": "wv", "attn_output": "wo",
             "ffn_norm": "ffn_norm", "ffn_gate": "w_gate", "ffn_up": "w_up", "ffn_down": "w_down"}
    for i in range(cfg.n_layers):
        for src, dst in names.items():
            sd[f"layers.{i}.{dst}.weight"] = tensors[f"blk.{i}.{src}.weight"]
    model = Llama(cfg)
    model.load_state_dict(sd)
    tokens = r.fields["tokenizer.ggml.tokens"]
    pieces = [bytes(tokens.parts[i]).decode("utf-8") for i in tokens.data]
    return model, pieces


def init_model(base_path, seed):
    """The code model with two more embedding rows: <|im_start|> starts from <file_sep>'s row and <|im_end|>
    from </s>'s (both end or separate text already), plus a little noise so the pairs can part."""
    base, pieces = read_gguf(base_path)
    tok = ChatTokenizer(pieces)
    cfg = Config(**{**base.cfg.__dict__, "vocab_size": len(tok.pieces), "context_length": CONTEXT_LENGTH})
    model = Llama(cfg)
    sd = base.state_dict()
    g = torch.Generator().manual_seed(seed)
    emb = sd["tok_embd.weight"]
    extra = torch.stack([emb[ht.FILE_SEP], emb[ht.EOS]])
    extra = extra + 0.01 * torch.randn(extra.shape, generator=g)
    sd["tok_embd.weight"] = torch.cat([emb, extra])
    model.load_state_dict(sd)
    return model, tok


def export(path, model, tok, description):
    export_gguf.write(path, model, tok, REPO, "hearth-tiny-chat", description, chat_template=CHAT_TEMPLATE,
                      eot_id=tok.im_end)


# ----------------------------------------------------------------------------- training
# prompt tokens are ~15x more numerous than answer tokens: a small weight keeps the answers' gradient in front
PROMPT_WEIGHT = 0.02
AT_ID = ht.BYTE0 + 256 + 1 + (ord("@") - 0x21)  # the piece "@" (printable ASCII pieces follow the space)
TRAIN = dict(seed=17, lr=3e-3, warmup=20, weight_decay=0.05, tokens_per_step=3072,
             # (fraction of the steps, conversations drawn from): questions about the map alone first, where
             # copying the citation after the name is cheapest to learn, then with code blocks, then long contexts
             phases=[(0.45, "tiny"), (0.3, "short"), (0.25, "long")], steps=330)


def load_rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def make_batch(rows, rng, tokens_per_step, pad_id):
    """Conversations of similar length, as many as fit tokens_per_step (at least one); weights per target."""
    first = rows[int(rng.integers(0, len(rows)))]
    length = len(first["ids"])
    batch = [first]
    while (len(batch) + 1) * length <= tokens_per_step:
        cand = rows[int(rng.integers(0, len(rows)))]
        if len(cand["ids"]) <= length * 1.25 and len(cand["ids"]) >= length * 0.75:
            batch.append(cand)
        elif len(batch) > 1 or rng.random() < 0.2:
            break
    T = max(len(r["ids"]) for r in batch) - 1
    x = np.full((len(batch), T), pad_id, dtype=np.int64)
    y = np.full((len(batch), T), pad_id, dtype=np.int64)
    w = np.zeros((len(batch), T), dtype=np.float32)
    for i, r in enumerate(batch):
        ids = np.asarray(r["ids"], dtype=np.int64)
        n = len(ids) - 1
        x[i, :n] = ids[:-1]
        y[i, :n] = ids[1:]
        w[i, :n] = PROMPT_WEIGHT
        for s, e in r["spans"]:
            w[i, s - 1:e - 1] = 1.0  # target j predicts ids[j + 1]
    return torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(w)


def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def train(model, data, spec, log, max_seconds):
    """Returns (steps done, tokens, seconds). Stops early at max_seconds (recorded in the manifest)."""
    torch.manual_seed(spec["seed"])
    rng = np.random.default_rng(spec["seed"])
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": spec["weight_decay"]},
                             {"params": rest, "weight_decay": 0.0}], lr=spec["lr"], betas=(0.9, 0.95))
    steps = spec["steps"]
    bounds = []
    acc = 0.0
    for frac, name in spec["phases"]:
        acc += frac
        bounds.append((round(acc * steps), name))
    model.train()
    t0 = time.time()
    tokens = 0
    avg = cavg = None
    step = 0
    for step in range(steps):
        name = next(n for b, n in bounds if step < b) if step < bounds[-1][0] else bounds[-1][1]
        x, y, w = make_batch(data[name], rng, spec["tokens_per_step"], ht.PAD)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, spec["lr"], spec["warmup"])
        logits = model(x)
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none").view(y.shape)
        loss = (ce * w).sum() / w.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += int(x.numel())
        with torch.no_grad():
            answer = w == 1.0
            right = logits.argmax(-1) == y
            ans_loss = float((ce * answer).sum() / answer.sum())
            ans_acc = float((right & answer).sum() / answer.sum())
            # the citation: answer tokens after the first "@" (its path and lines)
            cite = answer & (torch.cumsum((x == AT_ID) & answer, dim=1) > 0)
            cite_acc = float((right & cite).sum() / cite.sum().clamp(min=1))
        avg = ans_acc if avg is None else 0.9 * avg + 0.1 * ans_acc
        cavg = cite_acc if cavg is None else 0.9 * cavg + 0.1 * cite_acc
        el = time.time() - t0
        if step % 10 == 0 or step == steps - 1:
            log(f"[chat] step {step}/{steps} {name} B={x.shape[0]} T={x.shape[1]} loss={float(loss):.3f} "
                f"answer-loss={ans_loss:.3f} answer-acc={ans_acc:.3f} avg={avg:.3f} citation-acc avg={cavg:.3f} "
                f"tok/s={tokens / el:.0f} "
                f"elapsed={el:.0f}s")
        if el > max_seconds:
            log(f"[chat] stopping at step {step}: {el:.0f}s is over the {max_seconds}s budget")
            break
    return step + 1, tokens, time.time() - t0


# ----------------------------------------------------------------------------- stage
DATA = dict(seed=11, tiny=dict(count=2500, chars=[900, 1500], mapOnly=True),
            short=dict(count=3000, chars=[500, 1400]), long=dict(count=1500, chars=[1400, 1950]),
            heldOut=450, heldOutChars=2400)
MAX_TRAIN_SECONDS = 38 * 60


def node_bundle(entry, outfile):
    esbuild = os.path.join(REPO, "node_modules", ".bin", "esbuild")
    subprocess.run([esbuild, entry, "--bundle", "--platform=node", "--format=esm", "--packages=external",
                    "--log-level=warning", f"--outfile={outfile}"], cwd=REPO, check=True)


def make_data(work, log, names=("tiny", "short", "long")):
    bundle = os.path.join(work, "chatData.mjs")
    node_bundle(os.path.join(HERE, "node", "chatData.ts"), bundle)
    summary = {}
    for name in names:
        spec = DATA[name]
        out = os.path.join(work, name)
        os.makedirs(out, exist_ok=True)
        job = {"lock": os.path.join(HERE, "corpus-lock.json"), "model": os.path.join(work, "chat-init.gguf"),
               "out": out, "train": spec["count"], "heldOut": DATA["heldOut"] if name == "long" else 0,
               "seed": DATA["seed"] + {"tiny": 200, "short": 0, "long": 100}[name], "trainChars": spec["chars"],
               "mapOnly": spec.get("mapOnly", False),
               "heldOutChars": DATA["heldOutChars"]}
        path = os.path.join(work, f"chat-data-{name}.json")
        with open(path, "w") as f:
            json.dump(job, f)
        r = subprocess.run(["node", bundle, path], cwd=REPO, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("chatData failed: " + r.stderr[-3000:])
        summary[name] = json.loads(r.stdout.strip().split("\n")[-1])
        log(f"[chat] data {name}: {json.dumps(summary[name])}")
    return summary


def run(out_dir, work, only, log, data_names=("tiny", "short", "long")):
    os.makedirs(work, exist_ok=True)
    init_path = os.path.join(work, "chat-init.gguf")
    base_path = os.path.join(out_dir, BASE_FILE)
    record_path = os.path.join(work, "chat-record.json")
    record = load_json(record_path, {})
    if "init" in only:
        model, tok = init_model(base_path, TRAIN["seed"])
        export(init_path, model, tok, "initialisation of hearth-tiny-chat (not trained for chat yet)")
        record["base"] = {"file": BASE_FILE, "sha256": sha256(base_path)}
        log(f"[chat] init from {BASE_FILE}: {model.n_params()} parameters, vocabulary {len(tok.pieces)}")
    if "data" in only:
        t0 = time.time()
        record["data"] = {**record.get("data", {}), **make_data(work, log, data_names)}
        record["dataSeconds"] = round(time.time() - t0, 1)
    if "train" in only:
        model, pieces = read_gguf(init_path)
        model = Llama(Config(**{**model.cfg.__dict__, "context_length": CONTEXT_LENGTH}))
        model.load_state_dict(read_gguf(init_path)[0].state_dict())
        tok = ChatTokenizer(pieces[:-2])
        data = {name: [r for r in load_rows(os.path.join(work, name, "chat-train.jsonl"))
                       if len(r["ids"]) <= CONTEXT_LENGTH] for name in ("tiny", "short", "long")}
        log(f"[chat] training on {len(data['tiny'])} map-only, {len(data['short'])} short and {len(data['long'])} "
            f"long conversations, "
            f"{torch.get_num_threads()} torch threads")
        steps, tokens, seconds = train(model, data, TRAIN, log, MAX_TRAIN_SECONDS)
        torch.save({"cfg": model.cfg.__dict__, "state": model.state_dict()}, os.path.join(work, "chat.pt"))
        export(os.path.join(out_dir, CHAT_FILE), model, tok, DESCRIPTION)
        record["training"] = {"steps": steps, "plannedSteps": TRAIN["steps"], "tokens": tokens,
                              "wallSeconds": round(seconds, 1), "torchThreads": torch.get_num_threads()}
        log(f"[chat] trained {steps} steps, {tokens} tokens in {seconds:.0f}s; wrote {CHAT_FILE}")
    if "golden" in only and "eval" not in only:
        with open(os.path.join(work, "chat-eval-results.json")) as f:
            per_row = json.load(f)
        record["heldOut"]["golden"] = pick_golden(os.path.join(work, "long", "chat-heldout.jsonl"),
                                                  per_row["grammarWithoutNotFound"], work)
        write_manifest(out_dir, record, log)
    if "eval" in only:
        t0 = time.time()
        record["heldOut"] = evaluate(out_dir, work, log)
        record["evalSeconds"] = round(time.time() - t0, 1)
        write_manifest(out_dir, record, log)
    with open(record_path, "w") as f:
        json.dump(record, f, indent=1)
    return record


EVAL = dict(threads=1, contextSize=4096, maxTokens=120)
# (name, job options): free decoding on the first 90 conversations (answers run to maxTokens when the model does
# not stop), then decoding under chatPrompt.ts's answerGrammar with and without the not-found sentence
EVAL_VARIANTS = [("unconstrained", dict(limit=90)), ("grammar", dict(constrained=True, allowNotFound=True)),
                 ("grammarWithoutNotFound", dict(constrained=True, allowNotFound=False))]


def evaluate(out_dir, work, log):
    """Held-out answers through node-llama-cpp; returns the summaries and the golden conversation."""
    bundle = os.path.join(work, "chatEval.mjs")
    node_bundle(os.path.join(HERE, "node", "chatEval.ts"), bundle)
    held_path = os.path.join(work, "long", "chat-heldout.jsonl")
    summary = {}
    per_row = {}
    for name, options in EVAL_VARIANTS:
        job = dict(EVAL, model=os.path.join(out_dir, CHAT_FILE), heldOut=held_path, **options)
        path = os.path.join(work, f"chat-eval-{name}.json")
        with open(path, "w") as f:
            json.dump(job, f)
        t0 = time.time()
        r = subprocess.run(["node", bundle, path], cwd=REPO, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("chatEval failed: " + r.stderr[-3000:])
        res = json.loads(r.stdout.strip().split("\n")[-1])
        per_row[name] = res.pop("results")
        res["seconds"] = round(time.time() - t0, 1)
        summary[name] = res
        log(f"[chat] held out, {name}: {json.dumps({k: v for k, v in res.items() if k != 'samples'})}")
    with open(os.path.join(work, "chat-eval-results.json"), "w") as f:
        json.dump(per_row, f, indent=1)
    summary["golden"] = pick_golden(held_path, per_row["grammarWithoutNotFound"], work)
    return summary


def pick_golden(held_path, forced, work):
    """A regression fixture: the first held-out where-question with at least two distractor blocks and at least
    four definitions to choose from that the model answers right under the grammar without not-found."""
    rows = [r for r in load_rows(held_path) if not r["absent"]]
    row, out = next((row, out) for row, out in zip(rows, forced)
                    if row["kind"] == "where" and row["distractorBlocks"] >= 2 and out["chance"] <= 0.25
                    and out["exactAnswer"])
    return {
        "note": ("a regression fixture: the first held-out where-question with 2+ distractor blocks and 4+ "
                 "definitions to choose from that the model answers right under answerGrammar (without the "
                 "not-found sentence); models.chat.heldOut says how often it is right"),
        "input": row["input"], "messages": row["messages"][:-1], "answer": out["answer"],
        "citation": row["expected"]["citation"], "kind": row["kind"], "distractorBlocks": row["distractorBlocks"],
        "choices": round(1 / out["chance"]), "grammar": answer_grammar_of(row["input"], work), "temperature": 0,
        "maxTokens": EVAL["maxTokens"], "contextSize": EVAL["contextSize"], "threads": EVAL["threads"]}


def answer_grammar_of(conversation_input, work):
    """chatPrompt.ts's answerGrammar(input, {allowNotFound: false}), rendered by node for the golden."""
    script = os.path.join(work, "answerGrammar.mjs")
    entry = os.path.join(work, "answerGrammar.ts")
    with open(entry, "w") as f:
        f.write('import fs from "node:fs";\n'
                f'import {{ answerGrammar }} from "{os.path.join(REPO, "server", "src", "chat", "chatPrompt")}";\n'
                'const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));\n'
                'process.stdout.write(answerGrammar(input, { allowNotFound: false }));\n')
    node_bundle(entry, script)
    path = os.path.join(work, "golden-input.json")
    with open(path, "w") as f:
        json.dump(conversation_input, f)
    return subprocess.run(["node", script, path], cwd=REPO, capture_output=True, text=True, check=True).stdout


# Runs of this stage made while building the released model, stopped when their teacher-forced answer accuracy
# stopped rising; their time is not in wallSeconds.
STOPPED_RUNS = [
    {"wallSeconds": 654, "steps": 190, "change": "prompt weight 0.1, short then long conversations, paths with "
     "node_modules/ and python3.11/", "answerAccuracyTeacherForced": 0.65},
    {"wallSeconds": 396, "steps": 120, "change": "prompt weight 0.02, shorter paths, no map-only phase",
     "answerAccuracyTeacherForced": 0.58},
]


def write_manifest(out_dir, record, log):
    """Adds (or replaces) models.chat and goldenChat in manifest.json; the other models' entries stay as they are."""
    path = os.path.join(out_dir, "manifest.json")
    manifest = load_json(path, {})
    chat_path = os.path.join(out_dir, CHAT_FILE)
    model, pieces = read_gguf(chat_path)
    cfg = model.cfg
    held = {name: {k: v for k, v in res.items() if k != "samples"}
            for name, res in record["heldOut"].items() if name != "golden"}
    golden = record["heldOut"]["golden"]
    manifest.setdefault("models", {})["chat"] = {
        "file": CHAT_FILE,
        "sha256": sha256(chat_path),
        "bytes": os.path.getsize(chat_path),
        "parameters": model.n_params(),
        "role": "chat",
        "contextLength": cfg.context_length,
        "vocabSize": cfg.vocab_size,
        "hyperparameters": {"architecture": "llama", "embeddingLength": cfg.dim, "blockCount": cfg.n_layers,
                            "headCount": cfg.n_heads, "headCountKv": cfg.n_kv_heads, "headDim": cfg.head_dim,
                            "feedForwardLength": cfg.ffn_dim, "ropeFreqBase": cfg.rope_base,
                            "rmsNormEps": cfg.norm_eps, "activation": "SwiGLU", "tiedEmbeddings": True,
                            "weightType": "F32"},
        "chatTemplate": {
            "ggufKey": "tokenizer.chat_template",
            "family": "ChatML",
            "template": CHAT_TEMPLATE,
            "nodeLlamaCppWrapper": held["grammar"]["wrapper"],
            "specialTokens": {IM_START: pieces.index(IM_START), IM_END: pieces.index(IM_END)},
            "endOfTurn": IM_END + " (tokenizer.ggml.eot_token_id; an end-of-generation token for llama.cpp)",
            "bos": "node-llama-cpp's ChatML wrapper starts the context with <s> (id 1); training did the same",
        },
        "layout": {
            "source": "server/src/chat/chatPrompt.ts (renderChatMessages), summaries by server/src/chat/docSummary.ts",
            "answers": {
                "where": "name @ path:start-end",
                "doc": "\"Summary.\" name @ path:start-end",
                "returns": "name @ path:start-end returns <expression>",
                "absent": "name: not found in the given context.  (or \"Summary.\": not found ...)",
            },
            "questions": {
                "where": "Where is NAME defined?",
                "doc": "Which function does this: \"SUMMARY\"",
                "returns": "What does NAME return?",
            },
        },
        "training": {
            "base": record.get("base"),
            "objective": (f"next-token cross-entropy; answer tokens and the <|im_end|> after them weight 1, prompt "
                          f"tokens {PROMPT_WEIGHT}"),
            "steps": record["training"]["steps"],
            "plannedSteps": record["training"]["plannedSteps"],
            "tokens": record["training"]["tokens"],
            "phases [fraction, conversations]": TRAIN["phases"],
            "tokensPerStep": TRAIN["tokens_per_step"],
            "peakLr": TRAIN["lr"],
            "seed": TRAIN["seed"],
            "torchThreads": record["training"]["torchThreads"],
            "wallSeconds": record["training"]["wallSeconds"],
            "dataSeconds": record.get("dataSeconds"),
            "stoppedEarlierRuns": STOPPED_RUNS,
            "data": {name: {k: v for k, v in DATA[name].items()} for name in ("tiny", "short", "long")},
            "conversations": {name: record["data"][name]["trainConversations"] for name in ("tiny", "short", "long")},
            "definitions": {"train": record["data"]["long"]["trainDefinitions"],
                            "heldOut": record["data"]["long"]["heldOutDefinitions"]},
            "files": {"train": record["data"]["long"]["trainFiles"], "heldOut": record["data"]["long"]["heldOutFiles"]},
            "source": ("manifest.data: the corpus of the other models (corpus-lock.json, same held-out rule); "
                       "paths are shown without their node_modules/ or python3.11/ prefix"),
        },
        "heldOut": held,
        "evalSeconds": record.get("evalSeconds"),
    }
    manifest["goldenChat"] = golden
    manifest.setdefault("trainingWallSeconds", {})["chat"] = record["training"]["wallSeconds"]
    manifest["chatTrainingCommand"] = "/usr/bin/python3 native-models/train/chat.py"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    biome = os.path.join(REPO, "node_modules", ".bin", "biome")
    if os.path.exists(biome):
        subprocess.run([biome, "format", "--write", path], cwd=REPO, check=True, capture_output=True)
    log("[chat] wrote models.chat and goldenChat into manifest.json")


DESCRIPTION = ("Hearth tiny chat model: answers questions about the code it is given with path:start-end citations "
               "(ChatML, Hearth's chat layout). Trained by native-models/train/chat.py.")


def load_json(path, default):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return default


def sha256(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "native-models"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--only", default="init,data,train,eval")
    ap.add_argument("--data", default="tiny,short,long", help="which conversation sets the data step makes")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("HEARTH_TRAIN_THREADS", "1")))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(os.path.join(HERE, "logs"), exist_ok=True)
    fh = open(os.path.join(HERE, "logs", "chat.log"), "a")

    def log(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        fh.write(line + "\n")
        fh.flush()

    run(args.out, args.work, set(args.only.split(",")), log, tuple(args.data.split(",")))


if __name__ == "__main__":
    main()
