#!/usr/bin/env bash
# The course on one NVIDIA GPU with no internet: default `train` and `benchmark` on each backend
# installed there, then one table. Run from anywhere; results go to $OUT (default
# benchmarks/gpu_check_out/), one JSON per run plus gpu_check.log.
#
#   bash benchmarks/gpu_check.sh --download   # here, with pip access: Keras's wheels into .whl/
#   bash benchmarks/gpu_check.sh              # there: install from .whl/, train, benchmark
#
# The GPU machines this project may borrow have CUDA builds of JAX and PyTorch (Python 3.12) but
# no Keras, so Keras and the two small packages it needs that they lack travel as wheels in .whl/
# (git-ignored), with MNIST in data/. The install goes into a folder of its own ($SITE), not into
# the machine's Python. GPU_CHECK_BACKENDS="jax" picks backends (default: each of jax, torch and
# tensorflow that is installed); GPU_CHECK_DEVICE=cpu makes the same run a CPU dry run, for
# checking the script on a machine without a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
WHEELS=.whl
SITE=${SITE:-/tmp/lenet-gpu-site}
DEVICE=${GPU_CHECK_DEVICE:-gpu}
OUT=${OUT:-benchmarks/gpu_check_out}
PYTHON=${PYTHON:-python3}
KERAS_WHEELS="keras==3.15.1 namex==0.1.0 optree==0.20.0"  # what the GPU image lacks (its package list, 2026-11)

if [ "${1:-}" = "--download" ]; then
  mkdir -p "$WHEELS"
  for python in 3.12 "$($PYTHON -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"; do
    $PYTHON -m pip download -q --no-deps --only-binary=:all: --python-version "$python" --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d "$WHEELS" $KERAS_WHEELS || exit 1
  done
  ls "$WHEELS"
  exit 0
fi

check() {
  echo "=== $(date -u +%FT%TZ) $(uname -n), device $DEVICE"
  command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

  # Keras from the carried wheels, beside (not into) the machine's own packages.
  $PYTHON -m pip install -q --upgrade --no-index --find-links "$WHEELS" --no-deps --no-compile --target "$SITE" $KERAS_WHEELS || {
    echo "could not install $KERAS_WHEELS from $WHEELS (fetch them with: bash benchmarks/gpu_check.sh --download)"; return 1; }
  export PYTHONPATH="$SITE:$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
  if [ -z "${LENET_DATA_DIR:-}" ] && [ ! -f data/mnist.npz ]; then
    echo "no MNIST: copy mnist.npz into data/ or set LENET_DATA_DIR"; return 1
  fi

  backends=()
  for b in ${GPU_CHECK_BACKENDS:-jax torch tensorflow}; do
    $PYTHON -c "import $b" 2> /dev/null && backends+=("$b")
  done
  if [ ${#backends[@]} -eq 0 ]; then
    echo "none of the backends (${GPU_CHECK_BACKENDS:-jax torch tensorflow}) is installed for $PYTHON"; return 1
  fi
  echo "backends installed: ${backends[*]} (the benchmark's plain loop needs torch)"
  failed=0
  for b in "${backends[@]}"; do
    rm -f "$OUT/train_$b.json" "$OUT/benchmark_$b.json"  # no earlier run's figures in this run's table
    echo "=== $b: train (the default recipe)"
    $PYTHON -m lenet_keras --backend "$b" train --device "$DEVICE" --output "$OUT/lenet5_$b.keras" \
      --report "$OUT/train_$b.json" || failed=1
    rm -f "$OUT/lenet5_$b.keras"  # a trained model is no result to keep
    echo "=== $b: benchmark"
    $PYTHON -m lenet_keras --backend "$b" benchmark --device "$DEVICE" --report "$OUT/benchmark_$b.json" || failed=1
  done

  $PYTHON - "$OUT" "${backends[@]}" <<'EOF_PY' || failed=1
import json, sys
from pathlib import Path
out, names = Path(sys.argv[1]), sys.argv[2:]
def read(kind, name):
    path = out / f"{kind}_{name}.json"
    return json.loads(path.read_text()) if path.exists() else None
print("\n| backend | device | train img/s | 10 epochs s | test acc. | benchmark img/s | plain PyTorch loop img/s | ratio | s to 99% |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for name in names:
    t, b = read("train", name), read("benchmark", name)
    r, ref = (b["backends"][0], b["reference"]) if b else ({}, {})
    cells = [name, r.get("device", "?")]
    cells += [f"{t['images_per_second']:,.0f}", f"{t['seconds']:.1f}", f"{t['test_accuracy']:.2%}"] if t else ["failed"] * 3
    cells += ([f"{r['train_images_per_second']:,.0f}", f"{ref['train_images_per_second']:,.0f}",
               f"{r['vs_reference']:.2f}x", str(r.get("seconds_to_goal"))] if b else ["failed"] * 4)
    print("| " + " | ".join(cells) + " |")
EOF_PY
  return $failed
}

mkdir -p "$OUT"
check 2>&1 | tee "$OUT/gpu_check.log"
exit "${PIPESTATUS[0]}"
