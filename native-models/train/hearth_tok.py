"""Hearth's character-level SentencePiece-style vocabulary.

Layout: special tokens, then the 256 byte-fallback tokens <0x00>..<0xFF>, then one piece per
character: '▁' (U+2581, stands for the space), printable ASCII, and the most frequent
non-ASCII characters of the training corpus. Newline and tab have no piece of their own; they
map to their byte tokens <0x0A> and <0x09>, as in llama's SPM vocabularies. llama.cpp's SPM
tokenizer with add_space_prefix=false splits text the same way: each character becomes its
piece when there is one, otherwise the bytes of its UTF-8 encoding.
"""
import json

SPACE = "\u2581"
# Id 5 was <fim_middle> in the base stage's PSM rows. The released models use SPM order
# (<fim_suffix>S<fim_prefix>P, then the middle), which node-llama-cpp uses for a model without
# a middle token, so id 5 must not carry a name llama.cpp auto-detects as a FIM middle token.
SPECIALS = ["<unk>", "<s>", "</s>", "<fim_prefix>", "<fim_suffix>", "<hearth_reserved_5>", "<file_sep>", "<pad>"]
UNK, BOS, EOS, FIM_PRE, FIM_SUF, FIM_MID, FILE_SEP, PAD = range(len(SPECIALS))
BYTE0 = len(SPECIALS)
VOCAB_SIZE = 384


class Tokenizer:
    def __init__(self, extra_chars):
        self.pieces = list(SPECIALS) + [f"<0x{b:02X}>" for b in range(256)]
        self.pieces.append(SPACE)
        self.pieces += [chr(c) for c in range(0x21, 0x7F)]
        self.pieces += list(extra_chars)
        assert len(self.pieces) == VOCAB_SIZE, len(self.pieces)
        assert len(set(self.pieces)) == VOCAB_SIZE
        self.first_char = BYTE0 + 256
        self.char_to_id = {p: i for i, p in enumerate(self.pieces) if i >= self.first_char}
        self.newline = BYTE0 + 0x0A

    @staticmethod
    def pick_extra_chars(counts, n):
        """Most frequent non-ASCII characters (ties broken by code point)."""
        cands = [(-c, ch) for ch, c in counts.items()
                 if ord(ch) > 0x7F and ch != SPACE and ch.isprintable() and not ch.isspace()
                 and not (0xD800 <= ord(ch) <= 0xDFFF)]
        cands.sort()
        return [ch for _, ch in cands[:n]]

    @classmethod
    def n_extra(cls):
        return VOCAB_SIZE - (BYTE0 + 256 + 1 + 94)

    def encode(self, text: str):
        ids = []
        c2i = self.char_to_id
        for ch in text.replace(" ", SPACE):
            i = c2i.get(ch)
            if i is not None:
                ids.append(i)
            else:
                ids.extend(BYTE0 + b for b in ch.encode("utf-8"))
        return ids

    def decode(self, ids, specials=False):
        buf = bytearray()
        for i in ids:
            if i < BYTE0:
                if specials:
                    buf += SPECIALS[i].encode()
            elif i < self.first_char:
                buf.append(i - BYTE0)
            else:
                buf += self.pieces[i].replace(SPACE, " ").encode("utf-8")
        return buf.decode("utf-8", errors="replace")

    def to_json(self):
        return {"pieces": self.pieces}

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"extra_chars": self.pieces[self.first_char + 95:]}, f, ensure_ascii=False)

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f)["extra_chars"])
