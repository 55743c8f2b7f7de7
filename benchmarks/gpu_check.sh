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
# the machine's Python. GPU_CHECK_DEVICE=cpu makes the same run a CPU dry run, for checking the
# script on a machine without a GPU.
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

mkdir -p "$OUT"
exec > >(tee "$OUT/gpu_check.log") 2>&1
echo "=== $(date -u +%FT%TZ) $(uname -n), device $DEVICE"
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

# Keras from the carried wheels, beside (not into) the machine's own packages.
$PYTHON -m pip install -q --no-index --find-links "$WHEELS" --no-deps --no-compile --target "$SITE" $KERAS_WHEELS || {
  echo "could not install the wheels in $WHEELS: run 'bash benchmarks/gpu_check.sh --download' first"; exit 1; }
export PYTHONPATH="$SITE:$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
if [ -z "${LENET_DATA_DIR:-}" ] && [ ! -f data/mnist.npz ]; then
  echo "no MNIST: copy mnist.npz into data/ or set LENET_DATA_DIR"; exit 1
fi

backends=()
for b in jax torch tensorflow; do
  $PYTHON -c "import $b" 2> /dev/null && backends+=("$b")
done
echo "backends installed: ${backends[*]:-none}"
failed=0
for b in "${backends[@]}"; do
  echo "=== $b: train (the default recipe)"
  $PYTHON -m lenet_keras --backend "$b" train --device "$DEVICE" --output "$OUT/lenet5_$b.keras" \
    --report "$OUT/train_$b.json" || failed=1
  echo "=== $b: benchmark"
  $PYTHON -m lenet_keras --backend "$b" benchmark --device "$DEVICE" --report "$OUT/benchmark_$b.json" || failed=1
  rm -f "$OUT/lenet5_$b.keras"  # a trained model is no result to keep
done

$PYTHON - "$OUT" <<'EOF'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
print("\n| backend | device | train img/s | 10 epochs s | test acc. | benchmark img/s | vs plain PyTorch | s to 99% |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for train in sorted(out.glob("train_*.json")):
    name = train.stem.removeprefix("train_")
    t = json.loads(train.read_text())
    bench = out / f"benchmark_{name}.json"
    b = json.loads(bench.read_text()) if bench.exists() else {"backends": [{}], "reference": {}}
    r = b["backends"][0]
    print(f"| {name} | {r.get('device', '?')} | {t['images_per_second']:,.0f} | {t['seconds']:.1f} | "
          f"{t['test_accuracy']:.2%} | {r.get('train_images_per_second', 0):,.0f} | {r.get('vs_reference', 0):.2f}x | "
          f"{r.get('seconds_to_99')} |")
if b.get("reference"):
    print(f"plain PyTorch loop: {b['reference']['train_images_per_second']:,.0f} img/s on {b['reference']['device']}")
EOF
exit $failed
