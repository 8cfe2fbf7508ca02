"""(query, code) pairs mined from real source files for the contrastive embedding model.

Python: functions found with `ast`; JavaScript/TypeScript: functions or methods preceded by a
JSDoc block. Query kinds: "doc" = first paragraph of the docstring / JSDoc (removed from the
code), "name" = the function's identifier split into lower-case words. The code side is the
function source (signature included, docstring removed, common indentation removed).
"""
import ast
import re
import textwrap

MAX_CODE_LINES = 60


def ident_words(name):
    name = name.strip("_$")
    parts = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    parts = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", parts)
    words = [w.lower() for w in re.split(r"[_\s]+", parts) if w]
    return " ".join(words)


def first_paragraph(doc):
    para = re.split(r"\n\s*\n", doc.strip())[0]
    para = re.sub(r"\s+", " ", para).strip()
    return para[:240]


def _ok_query(q, min_words):
    return len(q.split()) >= min_words and len(q) >= 8


def python_pairs(text, source):
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = text.split("\n")
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        lo, hi = node.lineno - 1, node.end_lineno
        if hi - lo < 3:
            continue
        doc = ast.get_docstring(node)
        drop = set()
        if doc is not None and isinstance(node.body[0], ast.Expr):
            drop = set(range(node.body[0].lineno - 1, node.body[0].end_lineno))
        body = [lines[i] for i in range(lo, hi) if i not in drop][:MAX_CODE_LINES]
        if len(body) < 3:
            continue
        code = textwrap.dedent("\n".join(body)).strip("\n")
        if doc:
            q = first_paragraph(doc)
            if _ok_query(q, 3):
                out.append({"kind": "doc", "query": q, "code": code, "name": node.name, "source": source, "lang": "python"})
        words = ident_words(node.name)
        if _ok_query(words, 2):
            out.append({"kind": "name", "query": words, "code": code, "name": node.name, "source": source, "lang": "python"})
    return out


_JS_DECL = re.compile(
    r"/\*\*((?:[^*]|\*(?!/))*)\*/[ \t]*\n([ \t]*)"
    r"((?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)"
    r"|(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:function|\()"
    r"|(?:(?:public|private|protected|static|async|readonly|override|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>\n]*>)?\s*\()")
_KEYWORDS = {"if", "for", "while", "switch", "catch", "return", "function", "constructor", "super", "typeof"}


def js_pairs(text, source, lang):
    out = []
    lines_all = text.split("\n")
    line_starts = [0]
    for l in lines_all[:-1]:
        line_starts.append(line_starts[-1] + len(l) + 1)
    import bisect
    for m in _JS_DECL.finditer(text):
        name = m.group(4) or m.group(5) or m.group(6)
        if not name or name in _KEYWORDS:
            continue
        indent = m.group(2)
        li = bisect.bisect_right(line_starts, m.start(3)) - 1
        body = []
        closed = False
        for j in range(li, min(len(lines_all), li + MAX_CODE_LINES)):
            body.append(lines_all[j])
            if j > li and lines_all[j].startswith(indent + "}") and not lines_all[j].startswith(indent + "} else"):
                closed = True
                break
        if not closed or len(body) < 3:
            continue
        code = textwrap.dedent("\n".join(body)).strip("\n")
        doc_lines = [re.sub(r"^\s*\*\s?", "", l) for l in m.group(1).split("\n")]
        doc_lines = [l for l in doc_lines if not l.strip().startswith("@")]
        q = first_paragraph("\n".join(doc_lines))
        q = re.sub(r"\{@link\s+([^}|]+)(?:\|[^}]*)?\}", r"\1", q)
        if _ok_query(q, 3):
            out.append({"kind": "doc", "query": q, "code": code, "name": name, "source": source, "lang": lang})
        words = ident_words(name)
        if _ok_query(words, 2):
            out.append({"kind": "name", "query": words, "code": code, "name": name, "source": source, "lang": lang})
    return out


def mine(files):
    out = []
    for c in files:
        if c["lang"] == "python":
            out += python_pairs(c["text"], c["rel"])
        else:
            out += js_pairs(c["text"], c["rel"], c["lang"])
    # one pair per distinct (kind, code): duplicated code would be a false in-batch negative
    seen = set()
    uniq = []
    for p in out:
        key = (p["kind"], p["code"])
        if key in seen:
            continue
        seen.add(key)
        uniq.append(p)
    return uniq
