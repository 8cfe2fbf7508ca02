"""A llama-architecture decoder in plain torch, laid out so its weights map 1:1 onto
llama.cpp's `llama` GGUF tensors (RMSNorm, grouped-query attention, interleaved RoPE,
SwiGLU feed-forward, tied input/output embedding)."""
from dataclasses import dataclass, asdict
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int
    dim: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    ffn_dim: int
    context_length: int
    rope_base: float = 10000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    def to_dict(self):
        d = asdict(self)
        d["head_dim"] = self.head_dim
        return d


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(cfg: Config, length: int):
    # llama.cpp's LLAMA_ROPE_TYPE_NORM rotates adjacent pairs (x[2i], x[2i+1]) by pos * base^(-2i/d).
    hd = cfg.head_dim
    inv = cfg.rope_base ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    ang = torch.arange(length, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin):
    # x: [B, H, T, hd]; cos/sin: [T, hd/2]
    x0 = x[..., 0::2]
    x1 = x[..., 1::2]
    r0 = x0 * cos - x1 * sin
    r1 = x0 * sin + x1 * cos
    return torch.stack((r0, r1), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        hd = cfg.head_dim
        self.attn_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.wq = nn.Linear(cfg.dim, cfg.n_heads * hd, bias=False)
        self.wk = nn.Linear(cfg.dim, cfg.n_kv_heads * hd, bias=False)
        self.wv = nn.Linear(cfg.dim, cfg.n_kv_heads * hd, bias=False)
        self.wo = nn.Linear(cfg.n_heads * hd, cfg.dim, bias=False)
        self.ffn_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.w_gate = nn.Linear(cfg.dim, cfg.ffn_dim, bias=False)
        self.w_up = nn.Linear(cfg.dim, cfg.ffn_dim, bias=False)
        self.w_down = nn.Linear(cfg.ffn_dim, cfg.dim, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        cfg = self.cfg
        hd = cfg.head_dim
        h = self.attn_norm(x)
        q = self.wq(h).view(B, T, cfg.n_heads, hd).transpose(1, 2)
        k = self.wk(h).view(B, T, cfg.n_kv_heads, hd).transpose(1, 2)
        v = self.wv(h).view(B, T, cfg.n_kv_heads, hd).transpose(1, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        rep = cfg.n_heads // cfg.n_kv_heads
        if rep > 1:
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        qf = q.reshape(B * cfg.n_heads, T, hd)
        kf = k.reshape(B * cfg.n_heads, T, hd)
        vf = v.reshape(B * cfg.n_heads, T, hd)
        # mask: [T, T] causal, or [B, 1, T, T] when padding is involved
        if mask.dim() == 2:
            m = mask.expand(B * cfg.n_heads, T, T)
        else:
            m = mask.expand(B, cfg.n_heads, T, T).reshape(B * cfg.n_heads, T, T)
        att = torch.baddbmm(m, qf, kf.transpose(1, 2), alpha=1.0 / math.sqrt(hd))
        att = torch.softmax(att, dim=-1)
        o = torch.bmm(att, vf).view(B, cfg.n_heads, T, hd).transpose(1, 2).reshape(B, T, cfg.n_heads * hd)
        x = x + self.wo(o)
        h = self.ffn_norm(x)
        x = x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))
        return x


class Llama(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.tok_embd = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.layers = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.output_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        cos, sin = rope_tables(cfg, cfg.context_length)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        self.reset_parameters()

    def reset_parameters(self):
        std = 0.02
        for name, p in self.named_parameters():
            if p.dim() == 2:
                s = std
                if name.endswith("wo.weight") or name.endswith("w_down.weight"):
                    s = std / math.sqrt(2 * self.cfg.n_layers)
                nn.init.normal_(p, mean=0.0, std=s)

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def hidden(self, idx):
        """Final hidden states after output_norm (what llama.cpp pools for embeddings)."""
        B, T = idx.shape
        x = self.tok_embd(idx)
        mask = torch.full((T, T), float("-inf"), device=idx.device).triu(1)
        cos, sin = self.cos[:T], self.sin[:T]
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.output_norm(x)

    def forward(self, idx):
        return self.hidden(idx) @ self.tok_embd.weight.t()


def _block_kv(block: Block, x, cos, sin, past):
    """Incremental forward of one block: x holds new positions, past = (k, v) or None."""
    B, T, _ = x.shape
    cfg = block.cfg
    hd = cfg.head_dim
    h = block.attn_norm(x)
    q = apply_rope(block.wq(h).view(B, T, cfg.n_heads, hd).transpose(1, 2), cos, sin)
    k = apply_rope(block.wk(h).view(B, T, cfg.n_kv_heads, hd).transpose(1, 2), cos, sin)
    v = block.wv(h).view(B, T, cfg.n_kv_heads, hd).transpose(1, 2)
    if past is not None:
        k = torch.cat([past[0], k], dim=2)
        v = torch.cat([past[1], v], dim=2)
    new_past = (k, v)
    rep = cfg.n_heads // cfg.n_kv_heads
    if rep > 1:
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
    S = k.shape[2]
    mask = torch.full((T, S), float("-inf")).triu(S - T + 1)
    att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
    o = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(B, T, cfg.n_heads * hd)
    x = x + block.wo(o)
    h = block.ffn_norm(x)
    return x + block.w_down(F.silu(block.w_gate(h)) * block.w_up(h)), new_past


@torch.no_grad()
def greedy(model: Llama, prompt, max_new: int, stop_ids=()):
    """Greedy decoding with a KV cache; returns the generated ids (stop token excluded)."""
    past = [None] * len(model.layers)
    ids = list(prompt)
    out = []
    new = torch.tensor([ids], dtype=torch.long)
    pos = 0
    for _ in range(max_new):
        T = new.shape[1]
        if pos + T > model.cfg.context_length:
            break
        x = model.tok_embd(new)
        cos, sin = model.cos[pos:pos + T], model.sin[pos:pos + T]
        for i, layer in enumerate(model.layers):
            x, past[i] = _block_kv(layer, x, cos, sin, past[i])
        logits = model.output_norm(x[:, -1]) @ model.tok_embd.weight.t()
        tok = int(logits[0].argmax())
        pos += T
        if tok in stop_ids:
            break
        out.append(tok)
        new = torch.tensor([[tok]], dtype=torch.long)
    return out
