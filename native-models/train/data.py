"""Training rows for the completion models: fill-in-the-middle rows and plain rows.

A PSM row is  <fim_prefix> P <fim_suffix> S <fim_middle> M </s>, an SPM row is
<fim_suffix> S <fim_prefix> P M </s>, both followed by <pad>s, where M is
chosen like an editor completion: the rest of a line, a whole line after its indentation,
several lines (a block), occasionally a random span or an empty middle. Plain rows are windows
of the training stream (files joined by <file_sep>).
"""
import numpy as np

import hearth_tok as ht

SPACE_ID = None
TAB_ID = ht.BYTE0 + 0x09
NL_ID = ht.BYTE0 + 0x0A
CONT_LO, CONT_HI = ht.BYTE0 + 0x80, ht.BYTE0 + 0xBF
MAX_MIDDLE = 256
MIDDLE_WEIGHT = 2.0


def _is_cont(t):
    return CONT_LO <= t <= CONT_HI


class Lines:
    """Line table of one tokenized file."""

    def __init__(self, f, space_id):
        nl = np.flatnonzero(f == NL_ID)
        self.starts = np.concatenate([[0], nl + 1])
        self.ends = np.concatenate([nl, [len(f)]])
        keep = self.starts <= self.ends
        self.starts, self.ends = self.starts[keep], self.ends[keep]
        ind = np.empty(len(self.starts), dtype=np.int64)
        for i, (s, e) in enumerate(zip(self.starts, self.ends)):
            j = s
            while j < e and (f[j] == space_id or f[j] == TAB_ID):
                j += 1
            ind[i] = j
        self.ind = ind
        self.content = np.flatnonzero(self.ind < self.ends)


class Corpus:
    def __init__(self, files, tok: ht.Tokenizer):
        self.tok = tok
        self.space_id = tok.char_to_id[ht.SPACE]
        self.files = [np.asarray(tok.encode(t), dtype=np.int16) for t in files]
        parts = []
        for f in self.files:
            parts.append(f)
            parts.append(np.array([ht.FILE_SEP], dtype=np.int16))
        self.stream = np.concatenate(parts)
        self.offsets = np.cumsum([0] + [len(f) + 1 for f in self.files])
        self._lines = {}
        self.configure()

    def configure(self, fim_kinds=None, suffix_share=(0.05, 0.5), first_weight=MIDDLE_WEIGHT, first_n=0,
                  fim_order="psm"):
        self.fim_order = fim_order
        self.fim_kinds = fim_kinds  # None: rest_of_line .3, whole_line .2, block .25, span .22, empty .03
        self.suffix_share = suffix_share
        self.first_weight = first_weight
        self.first_n = first_n

    def lines(self, i):
        if i not in self._lines:
            self._lines[i] = Lines(self.files[i], self.space_id)
        return self._lines[i]

    def random_file(self, rng):
        p = int(rng.integers(0, len(self.stream)))
        return int(np.searchsorted(self.offsets, p, side="right") - 1)

    def plain_row(self, rng, T):
        s = int(rng.integers(0, len(self.stream) - T - 1))
        row = self.stream[s:s + T + 1].astype(np.int64)
        return row, np.ones(T, dtype=np.float32)

    def pick_middle(self, fi, rng, kind):
        f = self.files[fi]
        n = len(f)
        L = self.lines(fi)
        if kind in ("rest_of_line", "whole_line", "block") and len(L.content) > 0:
            li = int(L.content[rng.integers(0, len(L.content))])
            ind, end = int(L.ind[li]), int(L.ends[li])
            if kind == "rest_of_line":
                c = int(rng.integers(ind + 1, end)) if end - ind >= 2 else ind
                return c, end
            if kind == "whole_line":
                return ind, end
            k = int(rng.integers(1, 9))
            lj = min(li + k, len(L.ends) - 1)
            while lj > li and L.ends[lj] - ind > MAX_MIDDLE:  # keep the block whole when it fits
                lj -= 1
            return ind, int(L.ends[lj])
        c = int(rng.integers(0, n + 1))
        if kind == "empty":
            return c, c
        return c, min(n, c + int(rng.integers(1, 65)))

    def fim_row(self, rng, T, fi=None, kind=None, pre_max=None, suf_max=None):
        if fi is None:
            fi = self.random_file(rng)
        f = self.files[fi]
        n = len(f)
        if kind is None:
            r = rng.random()
            if self.fim_kinds is None:
                kind = ("rest_of_line" if r < 0.3 else "whole_line" if r < 0.5 else "block" if r < 0.75
                        else "span" if r < 0.97 else "empty")
            else:
                acc = 0.0
                for kind, prob in self.fim_kinds:
                    acc += prob
                    if r < acc:
                        break
        c, e = self.pick_middle(fi, rng, kind)
        while c < n and _is_cont(f[c]):
            c += 1
        e = max(e, c)
        while e < n and _is_cont(f[e]):
            e += 1
        e = min(e, c + min(MAX_MIDDLE, (T - 3) // 2))
        budget = T + 1 - 4 - (e - c)
        suf_len = min(n - e, int(budget * rng.uniform(*self.suffix_share)))
        pre_len = min(c, budget - suf_len)
        suf_len = min(n - e, budget - pre_len)
        if pre_max is not None:
            pre_len = min(pre_len, pre_max)
        if suf_max is not None:
            suf_len = min(suf_len, suf_max)
        pre = f[c - pre_len:c]
        suf = f[e:e + suf_len]
        mid = f[c:e]
        return pre, suf, mid, kind

    def assemble(self, pre, suf, mid, T):
        if self.fim_order == "spm":
            return self.assemble_spm(pre, suf, mid, T)
        return self.assemble_psm(pre, suf, mid, T)

    @staticmethod
    def assemble_spm(pre, suf, mid, T):
        """<fim_suffix> S <fim_prefix> P M </s>: the middle continues the prefix directly (the
        order node-llama-cpp builds for a model with prefix and suffix tokens but no middle token)."""
        row = np.full(T + 1, ht.PAD, dtype=np.int64)
        seq = np.concatenate([[ht.FIM_SUF], suf, [ht.FIM_PRE], pre, mid, [ht.EOS]]).astype(np.int64)
        row[:len(seq)] = seq
        w = np.zeros(T, dtype=np.float32)
        a = 1 + len(suf)              # index of <fim_prefix>
        b = a + 1 + len(pre)          # index of the first middle token
        w[:len(seq) - 1] = 1.0
        w[a - 1] = 0.0                # predicting <fim_prefix>: arbitrary cut
        w[b - 1:len(seq) - 1] = MIDDLE_WEIGHT
        return row, w

    def assemble_psm(self, pre, suf, mid, T):
        row = np.full(T + 1, ht.PAD, dtype=np.int64)
        seq = np.concatenate([[ht.FIM_PRE], pre, [ht.FIM_SUF], suf, [ht.FIM_MID], mid, [ht.EOS]]).astype(np.int64)
        row[:len(seq)] = seq
        w = np.zeros(T, dtype=np.float32)
        # target j predicts row[j+1]
        a = 1 + len(pre)              # index of <fim_suffix>
        b = a + 1 + len(suf)          # index of <fim_middle>
        w[:len(seq) - 1] = 1.0
        w[a - 1] = 0.0                # predicting <fim_suffix>: arbitrary cut
        w[b - 1] = 0.0                # predicting <fim_middle>: arbitrary cut
        w[b:len(seq) - 1] = MIDDLE_WEIGHT
        # the first middle tokens are where the model must jump back to the end of the prefix
        w[b:min(len(seq) - 1, b + self.first_n)] = self.first_weight
        return row, w

    def batch(self, rng, B, T, fim_rate=0.5):
        rows = np.empty((B, T + 1), dtype=np.int64)
        ws = np.empty((B, T), dtype=np.float32)
        for i in range(B):
            if rng.random() < fim_rate:
                pre, suf, mid, _ = self.fim_row(rng, T)
                rows[i], ws[i] = self.assemble(pre, suf, mid, T)
            else:
                rows[i], ws[i] = self.plain_row(rng, T)
        return rows, ws
