#!/usr/bin/env bash
# accuracy.sh — train both presets on the full Fashion-MNIST with the tutorial's defaults and
# report the test accuracy per epoch, the best and the final one.  Not part of the test suite:
# the full run takes a long time (the CNN most of it).
#
#   bench/accuracy.sh                         # both models, defaults (mlp 30 epochs, cnn 40)
#   bench/accuracy.sh --epochs 1 --limit 2000 # any extra options go to `atelier-cli train`
#   MODELS=cnn bench/accuracy.sh              # one model only
#
# Environment: ATELIER_CLI (default: builddir/src/cli/atelier-cli, else the first build*/
# directory that has it), OUT (default bench/out), MODELS (default "mlp cnn").
# Writes $OUT/<model>.csv (the per-epoch log), $OUT/<model>.safetensors and
# $OUT/<model>.txt (the run's console output).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${OUT:-$top/bench/out}
models=${MODELS:-mlp cnn}

cli=${ATELIER_CLI:-}
if [ -z "$cli" ]; then
  for candidate in "$top"/builddir/src/cli/atelier-cli "$top"/build*/src/cli/atelier-cli; do
    if [ -x "$candidate" ]; then
      cli=$candidate
      break
    fi
  done
fi
if [ -z "$cli" ] || [ ! -x "$cli" ]; then
  echo "accuracy.sh: atelier-cli not found; build first or set ATELIER_CLI" >&2
  exit 1
fi

mkdir -p "$out"
echo "atelier-cli: $cli"
echo "extra options: ${*:-(none)}"
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ)"

summary=()
for model in $models; do
  log=$out/$model.csv
  echo
  echo "== $model =="
  start=$(date +%s)
  # The console output goes to a file; the CSV is what we read back.
  if ! "$cli" train --model "$model" --log "$log" --save "$out/$model.safetensors" "$@" \
       > "$out/$model.txt" 2>&1; then
    echo "accuracy.sh: training $model failed; see $out/$model.txt:" >&2
    tail -n 5 "$out/$model.txt" >&2
    exit 1
  fi
  seconds=$(( $(date +%s) - start ))

  # epoch,seconds,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr
  result=$(awk -F, -v model="$model" -v wall="$seconds" '
    NR == 1 { next }
    {
      printf "  epoch %3d  %7.1f s  train_acc %s  test_loss %s  test_acc %s\n", $1, $2, $4, $7, $8
      if ($8 != "" && ($8 + 0 > best || best == "")) { best = $8 + 0; best_epoch = $1 }
      final = $8; final_epoch = $1; train_seconds += $2
    }
    END {
      if (final_epoch == "") { print "  no epochs logged"; exit 1 }
      printf "  %s: best test accuracy %.4f (epoch %d), final %.4f (epoch %d); " \
             "%.0f s training, %d s wall\n", model, best, best_epoch, final, final_epoch,
             train_seconds, wall
    }' "$log")
  echo "$result"
  summary+=("$(echo "$result" | tail -n 1)")
done

echo
echo "== summary =="
printf '%s\n' "${summary[@]}"
