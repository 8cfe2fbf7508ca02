"""Copies the corpus's held-out files (never trained on by any native model) into a folder, keeping their
relative paths (node_modules/ renamed npm/), so that evals can run on them as on any codebase:

    /usr/bin/python3 native-models/train/heldout_tree.py --out /tmp/hearth-heldout
    node out/cli/hearth.mjs eval review /tmp/hearth-heldout --json
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus as corpus_mod  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    _, held = corpus_mod.select_locked(os.path.join(HERE, "corpus-lock.json"), os.path.join(REPO, "node_modules"))
    for c in held:
        # node_modules/<pkg>/... becomes npm/<pkg>/...: tools skip folders named node_modules
        target = os.path.join(args.out, c["rel"].replace("node_modules/", "npm/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(c["text"])
    print(f"{len(held)} held-out files in {args.out}")


if __name__ == "__main__":
    main()
