#!/usr/bin/env bash
# Regenerates the README gallery (docs/gallery/*.svg) from the CLI. About 15 minutes on 2 cores (the sweeps take most of it).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=out/gallery
node bin/learndyn.js demo --out "$out/demo" --no-png --no-progress
cp "$out/demo/kernel/figure.svg" docs/gallery/kernel-three-stages.svg
cp "$out/demo/committee/figure.svg" docs/gallery/committee-plateau.svg
node bin/learndyn.js dmft run --m 16 --alpha 0.3 --tau 0.3 --h 0,0.9,0,0.16666666666666666 --phi-hat same \
  --init mean-field --a0 1 --eta 0.125 --t-max 400 --simulate-dim 200 --simulate-seeds 4 \
  --out "$out/dmft-unlearning" --no-progress > /dev/null
cp "$out/dmft-unlearning/figure.svg" docs/gallery/dmft-feature-unlearning.svg
for id in kernel-two-kernels committee-saad-solla-plateau committee-mean-field dmft-fig3 dmft-fig5 dmft-gd-comparison; do
  node bin/learndyn.js reproduce "$id" --quick --out "$out/$id" --no-progress > /dev/null
  cp "$out/$id/figure.svg" "docs/gallery/$id.svg"
done
# The ready-made sweeps (examples/sweeps): sweep merge draws each one's physics figure as figure.svg.
for s in kernel-learning-curve:sweep-kernel-learning-curve committee-plateau:sweep-committee-plateau-escape \
  committee-phase:sweep-committee-phase dmft-width:sweep-dmft-width dmft-interpolation:sweep-dmft-interpolation; do
  spec=$(ls examples/sweeps/"${s%%:*}".*)
  node bin/learndyn.js sweep run "$spec" --out "$out/${s%%:*}" --jobs 2 > /dev/null
  node bin/learndyn.js sweep merge "$out/${s%%:*}" > /dev/null
  cp "$out/${s%%:*}/figure.svg" "docs/gallery/${s#*:}.svg"
done
