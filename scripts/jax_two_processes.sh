#!/usr/bin/env bash
# Two JAX processes on this machine stand in for two machines training one LeNet together
# (docs/devices.md). Each reads its own half of the data; their gradients are
# averaged every step; both end with the same weights, and process 0 saves the model.
#
#   bash scripts/jax_two_processes.sh --subset 10240 --epochs 2 --output two.keras --report two.json
#
# The options are train's. On two real machines, run on each (I = 0 on the first, 1 on the other):
#   python -m lenet_keras --backend jax train --processes 2 --process-id I --coordinator FIRST_HOST:12355
#
# LENET_PYTHON is the Python to run (default: `python` on PATH); notebooks and tests pass their own.
set -uo pipefail
python="${LENET_PYTHON:-python}"
port=${LENET_COORDINATOR_PORT:-$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
pids=()
for id in 0 1; do
  ("$python" -m lenet_keras --backend jax train --processes 2 --process-id "$id" \
     --coordinator "127.0.0.1:$port" "$@" 2>&1 | sed -u "s/^/[process $id] /") &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
