"""Readable GPU kernel names: a short name and a family for every kernel.

CUPTI hands the profiler a kernel's full demangled C++ signature (600-900 characters for
an Eigen kernel: ``void Eigen::internal::EigenMetaKernel<Eigen::TensorEvaluator<...>,
int>(...)``). ``short_name`` keeps the function's own name and a summary of its
outermost template's meaningful arguments: ``EigenMetaKernel<TensorConversionOp<half <-
float>>``, ``FillPhiloxRandomKernelLaunch<UniformDistribution<PhiloxRandom, half>>``;
names without templates (``volta_h884gemm_128x128_ldg8_nn``) stay as they are, mangled
ones (``_ZN...``) give their identifier. ``family`` names the library that ships the
kernel (cuBLAS, cuDNN, CUTLASS, Eigen, NCCL, ...).

The parser is a small template-aware scanner: angle brackets, parentheses and braces
are matched on an explicit stack (no recursion over the input, so 10^5 nested ``<``
cost nothing special), ``operator<<`` / ``operator()`` are names, and any input it
cannot match (unbalanced ``<``) falls back to the text before the first bracket, cut to
``MAX_LEN`` characters. Nothing here is ever evaluated as markup: views set names as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_LEN = 120  # characters of a short name
_MAX_DEPTH = 64  # template nesting kept in the tree (deeper arguments are elided)

_OPERATOR = re.compile(
    r"operator\s*(?:\(\)|\[\]|->\*?|<=>|<<=?|>>=?|&&|\|\||\+\+|--|[-+*/%^&|~!=<>,]=?|"
    r"new\s*\[\]|delete\s*\[\]|new|delete|\"\"\s*\w+|[\w:]+(?:\s*[*&]+)?)")
_TOKEN = re.compile(r"\(anonymous namespace\)|::|[<>(),{}]|\s+|[^\s<>(),{}:]+|:")
_NOISE_ARGS = frozenset({"MakePointer", "GpuDevice", "ThreadPoolDevice", "DefaultDevice", "true", "false"})
_NUMBER = re.compile(r"^-?\d+[uUlL]*$")
_QUALIFIERS = re.compile(r"\b(?:const|volatile|struct|class|enum|typename)\b")

_FAMILIES = (
    ("NCCL", re.compile(r"nccl", re.I)),
    ("cuDNN", re.compile(r"cudnn|implicit_convolve|conv2d_grouped|wgrad|dgrad|fprop|nchwToNhwc|nhwcToNchw|"
                         r"bn_fw_|bn_bw_|batchnorm|scudnn|cudnn_", re.I)),
    ("CUTLASS", re.compile(r"cutlass", re.I)),
    ("cuBLAS", re.compile(r"gemm|gemv|cublas|splitKreduce|sgemm|hgemm|dgemm|xmma|trsm|syrk", re.I)),
    ("cub", re.compile(r"\bcub::|DeviceRadixSort|DeviceReduce|DeviceScan|DeviceSegmented", re.I)),
    ("cuFFT", re.compile(r"fft", re.I)),
    ("Eigen", re.compile(r"\bEigen::")),
    ("TensorFlow", re.compile(r"\btensorflow::|\btsl::|\bstream_executor::")),
    ("XLA", re.compile(r"^(?:[\w.]*fusion[\w.]*|[\w]*_fusion(?:_\d+)?|triton_\w+|loop_\w+|input_\w+|wrapped_\w+)$")),
)


@dataclass
class _Node:
    """A name and, when it is a template, its arguments (each a node)."""

    text: str = ""
    args: list | None = None
    parts: list = field(default_factory=list)  # text pieces, joined at the end


def family(name: str) -> str:
    """The library a kernel comes from, from its name: cuBLAS, cuDNN, CUTLASS, NCCL, cub, cuFFT, Eigen,
    TensorFlow, XLA, or "other"."""
    text = name or ""
    if text.startswith("_Z"):
        text = _mangled(text, qualified=True) or text
    head = re.split(r"[<(]", text, maxsplit=1)[0]  # the function's scopes decide (``Eigen::half`` args do not)
    for part in (head, text):
        for label, pattern in _FAMILIES:
            if pattern.search(part):
                return label
    return "other"


@lru_cache(maxsize=8192)
def short_name(name: str) -> str:
    """The kernel's own name and a summary of its template arguments (see the module docstring)."""
    text = " ".join((name or "").split())
    if not text:
        return ""
    if text.startswith("_Z"):
        return _cut(_mangled(text) or text)
    tree = _parse(text)
    if tree is None:
        return _cut(_fallback(text))
    head, args = tree
    summary = _eigen_summary(head, args) if head == "EigenMetaKernel" else None
    if summary is None:
        summary = _summary_args(args, 2) if args is not None else None
    space = " " if head.endswith("<") else ""  # operator<< <char>
    out = f"{head}{space}<{summary}>" if summary else (f"{head}{space}<…>" if args else head)
    return _cut(out)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LEN else text[:MAX_LEN - 1] + "…"


def _fallback(text: str) -> str:
    """What an unparseable name gives: its text before the first bracket, return type and scopes dropped."""
    head = re.split(r"[<(]", text, maxsplit=1)[0].strip()
    head = head.rsplit(" ", 1)[-1] if " " in head else head
    return head.rsplit("::", 1)[-1] or text


# ---- parsing

def _tokens(text: str) -> list[str]:
    """Tokens, with ``operator...`` names and ``{lambda(...)#1}`` blocks as single tokens."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        op = _OPERATOR.match(text, pos) if text.startswith("operator", pos) else None
        if op and (pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_")):
            out.append(op.group(0))
            pos = op.end()
            continue
        if text[pos] == "{":
            end = _matching_brace(text, pos)
            if end < 0:
                return []
            out.append(text[pos:end + 1])
            pos = end + 1
            continue
        match = _TOKEN.match(text, pos)
        out.append(match.group(0))
        pos = match.end()
    return out


def _matching_brace(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _name_tokens(tokens: list[str]) -> list[str] | None:
    """The tokens of the qualified function name: the return type before it and the parameter list
    after it cut off. None when the brackets do not match."""
    depth = 0
    start = 0
    for i, tok in enumerate(tokens):
        if tok == "<":
            depth += 1
        elif tok == ">":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and tok == "(":
            return tokens[start:i] if depth == 0 else None
        elif depth == 0 and tok.isspace():
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if after not in ("<", "(", "") and not after.isspace():
                start = i + 1  # a return type (or "void") before the name
    return tokens[start:] if depth == 0 else None


def _parse(text: str):
    """(the function's own name, its template arguments as nodes or None), or None if unparseable."""
    name = _name_tokens(_tokens(text))
    if not name:
        return None
    scopes = _split_scopes(name)
    if not scopes:
        return None
    last = scopes[-1]
    head_tokens = [t for t in last if not t.isspace()]
    if "<" not in head_tokens:
        return "".join(last).strip() or None, None
    first = last.index("<")
    head = "".join(last[:first]).strip()
    tree = _tree(last[first:])
    if tree is None or not head:
        return None
    return head, tree


def _split_scopes(tokens: list[str]) -> list[list[str]]:
    """``a::b<c::d>::e`` -> [[a], [b, <, c, ::, d, >], [e]] (``::`` inside brackets kept)."""
    scopes: list[list[str]] = [[]]
    depth = 0
    for tok in tokens:
        if tok == "<":
            depth += 1
        elif tok == ">":
            depth -= 1
        if tok == "::" and depth == 0:
            scopes.append([])
        else:
            scopes[-1].append(tok)
    return [s for s in scopes if s]


def _tree(tokens: list[str]) -> list | None:
    """``<a, b<c>>`` (starting at ``<``) -> the argument nodes of the outer list; None when unbalanced."""
    root = _Node()
    stack = [root]
    root.args = []
    current = _Node()
    paren = 0
    for tok in tokens[1:]:
        if paren:
            paren += tok == "("
            paren -= tok == ")"
            current.parts.append(tok)
            continue
        if tok == "<":
            current.args = []
            stack.append(current)
            current = _Node()
        elif tok in (">", ","):
            _close_arg(stack[-1], current)
            current = _Node()
            if tok == ">":
                if len(stack) == 1:
                    return root.args
                finished = stack.pop()
                current = finished
                current.parts.append("\0")  # the arguments sit here; text may follow (``> const``)
        elif tok == "(":
            paren = 1
            current.parts.append(tok)
        else:
            current.parts.append(tok)
    return None  # never closed


def _close_arg(parent: _Node, arg: _Node) -> None:
    text = "".join(arg.parts)
    head, _, tail = text.partition("\0")
    nested = _clean_type(tail) if arg.args is not None and tail.strip().startswith("::") else ""
    if nested:  # ``Policy<int>::Policy800``: the nested type is what is passed
        arg.args, head = None, nested
    arg.text = _clean_type(head if arg.args is not None or nested else text)
    if arg.text or arg.args:
        if len(parent.args) < _MAX_DEPTH * 4:
            parent.args.append(arg)


def _clean_type(text: str) -> str:
    """A type as people say it: no qualifiers, no namespaces (``Eigen::half const`` -> ``half``)."""
    text = _QUALIFIERS.sub("", text)
    text = re.sub(r"\s+([*&])", r"\1", " ".join(text.split()))
    return text.rsplit("::", 1)[-1].strip() if "<" not in text and "(" not in text else text.strip()


# ---- summaries

def _is_noise(node: _Node) -> bool:
    return not node.args and (node.text in _NOISE_ARGS or bool(_NUMBER.match(node.text)))


def _render(node: _Node, depth: int) -> str:
    """A node with its meaningful arguments down to ``depth`` levels (``…`` beyond)."""
    if node.args is None:
        return node.text
    if depth <= 0:
        return f"{node.text}<…>" if node.args else node.text
    inner = _summary_args(node.args, depth)
    return f"{node.text}<{inner}>" if inner else node.text


def _summary_args(args: list, depth: int) -> str:
    """Template arguments without literals and devices; when some are templates only those, else the
    distinct plain types (``scalar_product_op<half, half>`` -> ``half``)."""
    kept = [a for a in args if not _is_noise(a)]
    templated = [a for a in kept if a.args]
    chosen = templated or kept
    seen: list[str] = []
    for a in chosen:
        text = _render(a, depth - 1)
        if text and text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _find(node: _Node, names: tuple) -> _Node | None:
    """The first node (depth first, iterative) whose name is one of ``names``."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.text in names:
            return n
        stack.extend(reversed(n.args or []))
    return None


def _dtype_and_rank(node: _Node) -> tuple[str, str]:
    """The element type and rank of the first ``Tensor<T, rank, ...>`` under ``node``."""
    tensor = _find(node, ("Tensor", "TensorFixedSize"))
    if tensor is None or not tensor.args:
        return "", ""
    dtype = _render(tensor.args[0], 1)
    rank = tensor.args[1].text if len(tensor.args) > 1 and _NUMBER.match(tensor.args[1].text) else ""
    return dtype, rank


def _eigen_summary(head: str, args: list) -> str | None:
    """``EigenMetaKernel<TensorEvaluator<TensorAssignOp<lhs, rhs>, Device>, Index>`` -> a summary of rhs,
    the expression the kernel evaluates."""
    root = _Node(text="", args=args)
    assign = _find(root, ("TensorAssignOp",))
    if assign is None or not assign.args or len(assign.args) < 2:
        return None
    return _eigen_expression(assign.args[1])


def _eigen_expression(expr: _Node) -> str:
    name = expr.text
    args = expr.args or []
    if name == "TensorConversionOp" and len(args) >= 2:
        source, _ = _dtype_and_rank(args[1])
        return f"{name}<{_render(args[0], 1)} <- {source or '?'}>"
    if name in ("TensorCwiseUnaryOp", "TensorCwiseBinaryOp", "TensorCwiseTernaryOp", "TensorReductionOp",
                "TensorScanOp", "TensorTupleReducerOp") and args:
        return f"{name}<{_render(args[0], 2)}>"
    dtype, rank = _dtype_and_rank(expr)
    if name == "TensorMap":
        return f"copy<{dtype}>" if dtype else "copy"
    detail = ", ".join(p for p in (dtype, f"{rank}D" if rank else "") if p)
    return f"{name}<{detail}>" if detail else name


def _mangled(text: str, qualified: bool = False) -> str:
    """The identifier of an Itanium-mangled name (``_ZN5Eigen8internal15EigenMetaKernelI...`` ->
    ``EigenMetaKernel<…>``), "" if it is not one this reads."""
    pos = 2
    nested = text.startswith("_ZN")
    if nested:
        pos = 3
        while pos < len(text) and text[pos] in "KVrLS":
            pos += 1
    names: list[str] = []
    while pos < len(text) and text[pos].isdigit():
        digits = pos
        while pos < len(text) and text[pos].isdigit():
            pos += 1
        size = int(text[digits:pos])
        if size <= 0 or pos + size > len(text):
            return ""
        names.append(text[pos:pos + size])
        pos += size
        if not nested:
            break
    if not names:
        return ""
    template = pos < len(text) and text[pos] == "I"
    return ("::".join(names) if qualified else names[-1]) + ("<…>" if template else "")
