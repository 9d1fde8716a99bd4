"""Export a mean-pooling sentence-transformers model to ONNX once (fp32, optionally int8).

The export runs torch's TorchScript-based ONNX exporter (it needs torch and the `onnx`
package, both build-time only); int8 is ONNX Runtime's dynamic quantisation of the fp32 file
(weights int8 per channel in 7 bits, activations quantised on the fly) of every matrix product
but the feed-forward output projections of the first `FP32_LAYERS` layers (`int8_plan`). Files
are cached under ``<cache>/onnx/<key>/`` where the key names the model directory and its
weights file (path, size, mtime) and EXPORT_VERSION, written to a temporary name and renamed into place.

Beside each file, `ensure_fast_load` keeps what ONNX Runtime loads quickly: the graph as ONNX
Runtime's optimizer leaves it (saved once, so loading skips optimising) with its weights in a
separate file that ONNX Runtime maps into memory instead of parsing them out of the protobuf
(measured: 0.07 s to a session instead of 0.65 s for the 470 MB fp32 model). Its outputs are
bit for bit the original file's under default optimisation (tests/test_embed_parity.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
import warnings
from pathlib import Path

from rag.errors import RagError
from rag.settings import cache_dir

EXPORT_VERSION = 1
PRECISIONS = ("fp32", "int8")
INT8_RECIPE = "matmul-rr-ffn6"  # names the int8 file and vector space: rename it when _quantise changes
# The first layers' feed-forward output projections, kept in fp32, carry most of int8's error:
# min cosine with the fp32 vectors over the 152 passages of corpus/ 0.9860 quantising everything,
# 0.9896 with 7-bit weights (reduce_range), 0.9916 / 0.9927 / 0.9962 / 0.9973 also keeping 2 / 3 /
# 6 / 12 of them in fp32, at 1.45 / - / - / 1.29 / 1.20x fp32 speed (one-off runs, 2026-12-02).
FP32_LAYERS = 6
FFN_OUTPUT = re.compile(r"layer\.(\d+)/output/dense/MatMul$")


def onnx_path(model_dir: Path, precision: str, cache: Path | None = None) -> Path:
    """Where the ONNX file of `model_dir` at `precision` lives (whether or not it exists yet)."""
    weights = model_dir / "model.safetensors"
    st = weights.stat()
    key = f"{model_dir.resolve()}|{st.st_size}|{st.st_mtime_ns}|{EXPORT_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    name = "model-fp32.onnx" if precision == "fp32" else f"model-{precision}-{INT8_RECIPE}.onnx"
    return (cache or cache_dir()) / "onnx" / digest / name


def ensure_onnx(model_dir: Path, precision: str = "fp32", cache: Path | None = None) -> Path:
    """The ONNX file of a sentence-transformers directory, exporting it the first time.

    Raises:
        RagError: unknown precision, or `onnx` (needed for the one-time export) is missing.
    """
    if precision not in PRECISIONS:
        raise RagError(f"Unknown precision '{precision}'.", f"Use one of {', '.join(PRECISIONS)}.")
    target = onnx_path(model_dir, precision, cache)
    if target.is_file():
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if not target.is_file():
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
            try:
                if precision == "fp32":
                    _export_fp32(model_dir, tmp)
                else:
                    _quantise(ensure_onnx(model_dir, "fp32", cache), tmp)
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    tmp.unlink()
    return target


def fast_load_path(onnx_file: Path) -> Path:
    """Where the fast-loading copy of `onnx_file` lives: per ONNX Runtime version, whose
    optimizer wrote it (its weights beside it, in `weights.bin`)."""
    import onnxruntime as ort

    return onnx_file.parent / f"{onnx_file.stem}-ort{ort.__version__}" / "model.onnx"


def ensure_fast_load(onnx_file: Path) -> Path:
    """The fast-loading copy of an ONNX file (see the module docstring), made the first time
    (about as long as loading the original once); load it with graph optimisation disabled."""
    target = fast_load_path(onnx_file)
    if target.is_file():
        return target
    from filelock import FileLock

    with FileLock(str(target.parent) + ".lock"):
        if not target.is_file():
            tmp = target.parent.with_name(f".{target.parent.name}.{uuid.uuid4().hex[:8]}.tmp")
            tmp.mkdir()
            try:
                _write_fast_load(onnx_file, tmp / target.name)
                shutil.rmtree(target.parent, ignore_errors=True)  # a copy without its graph
                os.replace(tmp, target.parent)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return target


def _write_fast_load(onnx_file: Path, out: Path) -> None:
    import onnxruntime as ort

    options = ort.SessionOptions()
    # Extended, not all: the layout rewrites of "all" are specific to this CPU (ONNX Runtime
    # warns when such a graph is saved); a transformer gets none of them on the CPU anyway.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(out)
    external = "session.optimized_model_external_initializers_"
    options.add_session_config_entry(external + "file_name", "weights.bin")
    options.add_session_config_entry(external + "min_size_in_bytes", "1024")
    options.log_severity_level = 3
    ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])


def _need_onnx() -> None:
    try:
        import onnx  # noqa: F401
    except ImportError as exc:
        raise RagError(
            "Exporting the model for ONNX Runtime needs the `onnx` package (once per model).",
            "Run `pip install onnx==1.23.2`, or index with `--backend torch`.",
        ) from exc


def _export_fp32(model_dir: Path, out: Path) -> None:
    _need_onnx()
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    example = (torch.ones((2, 8), dtype=torch.long), torch.ones((2, 8), dtype=torch.long))
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(), example, str(out), input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"], opset_version=17, dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )  # fmt: skip


def int8_plan(fp32: Path) -> list[str]:
    """The matrix products left in fp32: the feed-forward output projections of the first
    FP32_LAYERS encoder layers (none, for a graph whose nodes are named otherwise)."""
    import onnx

    graph = onnx.load(str(fp32), load_external_data=False).graph
    return [
        n.name for n in graph.node
        if n.op_type == "MatMul" and (m := FFN_OUTPUT.search(n.name)) and int(m.group(1)) < FP32_LAYERS
    ]  # fmt: skip


def _quantise(fp32: Path, out: Path) -> None:
    _need_onnx()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    workdir = out.with_suffix(".work")
    workdir.mkdir(exist_ok=True)
    try:
        tmp = workdir / "model.onnx"
        quantize_dynamic(
            str(fp32),
            str(tmp),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=int8_plan(fp32),
        )
        os.replace(tmp, out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
