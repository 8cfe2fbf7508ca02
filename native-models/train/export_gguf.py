"""Writes a Llama (torch) model and Hearth's tokenizer as a llama-architecture GGUF.

The GGUF writer is llama.cpp's gguf-py, extracted at build time from the llama.cpp git bundle
that node-llama-cpp ships (node_modules/node-llama-cpp/llama/gitRelease.bundle) into a cache
directory; it is not part of this repository.
"""
import os
import subprocess
import sys

import numpy as np

import hearth_tok as ht

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "hearth", "gguf-py")


def load_gguf(repo_root):
    bundle = os.path.join(repo_root, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle")
    pkg_dir = os.path.join(CACHE, "gguf-py")
    if not os.path.isfile(os.path.join(pkg_dir, "gguf", "__init__.py")):
        os.makedirs(CACHE, exist_ok=True)
        git = os.path.join(CACHE, "git")
        if not os.path.isdir(git):
            subprocess.run(["git", "init", "-q", git], check=True)
        subprocess.run(["git", "fetch", "-q", bundle], cwd=git, check=True)
        archive = subprocess.run(["git", "archive", "FETCH_HEAD", "gguf-py"], cwd=git, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "x", "-C", CACHE], input=archive, check=True)
    if pkg_dir not in sys.path:
        sys.path.insert(0, pkg_dir)
    import gguf  # noqa: E402
    return gguf


def write(path, model, tok: ht.Tokenizer, repo_root, name, description, embedding=False, chat_template=None,
          eot_id=ht.EOS):
    """`tok.control` (optional) names pieces after the character pieces that are control tokens (chat markers);
    `chat_template` is stored as tokenizer.chat_template, `eot_id` as the end-of-turn token."""
    gguf = load_gguf(repo_root)
    control = set(getattr(tok, "control", ()))
    cfg = model.cfg
    w = gguf.GGUFWriter(path, "llama")
    w.add_name(name)
    w.add_description(description)
    w.add_string("general.license", "MIT")
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_vocab_size(cfg.vocab_size)
    w.add_context_length(cfg.context_length)
    w.add_embedding_length(cfg.dim)
    w.add_block_count(cfg.n_layers)
    w.add_feed_forward_length(cfg.ffn_dim)
    w.add_head_count(cfg.n_heads)
    w.add_head_count_kv(cfg.n_kv_heads)
    w.add_rope_dimension_count(cfg.head_dim)
    w.add_rope_freq_base(cfg.rope_base)
    w.add_layer_norm_rms_eps(cfg.norm_eps)
    if embedding:
        w.add_pooling_type(gguf.PoolingType.MEAN)

    w.add_tokenizer_model("llama")
    w.add_token_list(tok.pieces)
    types = []
    for i in range(len(tok.pieces)):
        if i == ht.UNK:
            types.append(gguf.TokenType.UNKNOWN)
        elif i < ht.BYTE0:
            types.append(gguf.TokenType.CONTROL)
        elif i < tok.first_char:
            types.append(gguf.TokenType.BYTE)
        elif tok.pieces[i] in control:
            types.append(gguf.TokenType.CONTROL)
        else:
            types.append(gguf.TokenType.NORMAL)
    w.add_token_types(types)
    w.add_token_scores([0.0] * len(tok.pieces))
    w.add_unk_token_id(ht.UNK)
    w.add_bos_token_id(ht.BOS)
    w.add_eos_token_id(ht.EOS)
    w.add_pad_token_id(ht.PAD)
    w.add_add_bos_token(False)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    K = gguf.Keys.Tokenizer
    w.add_uint32(K.FIM_PRE_ID, ht.FIM_PRE)
    w.add_uint32(K.FIM_SUF_ID, ht.FIM_SUF)
    # no fim_mid_token_id: the models are trained in SPM order, which node-llama-cpp's
    # generateInfillCompletion uses exactly when the model has no middle token
    w.add_uint32(K.FIM_SEP_ID, ht.FILE_SEP)
    w.add_eot_token_id(eot_id)
    if chat_template is not None:
        w.add_chat_template(chat_template)

    sd = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    w.add_tensor("token_embd.weight", sd["tok_embd.weight"])
    for i in range(cfg.n_layers):
        p = f"layers.{i}."
        b = f"blk.{i}."
        w.add_tensor(b + "attn_norm.weight", sd[p + "attn_norm.weight"])
        w.add_tensor(b + "attn_q.weight", sd[p + "wq.weight"])
        w.add_tensor(b + "attn_k.weight", sd[p + "wk.weight"])
        w.add_tensor(b + "attn_v.weight", sd[p + "wv.weight"])
        w.add_tensor(b + "attn_output.weight", sd[p + "wo.weight"])
        w.add_tensor(b + "ffn_norm.weight", sd[p + "ffn_norm.weight"])
        w.add_tensor(b + "ffn_gate.weight", sd[p + "w_gate.weight"])
        w.add_tensor(b + "ffn_up.weight", sd[p + "w_up.weight"])
        w.add_tensor(b + "ffn_down.weight", sd[p + "w_down.weight"])
    w.add_tensor("output_norm.weight", sd["output_norm.weight"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
