#!/usr/bin/env bash
# Build paper/example.tex against a release: its paper/numbers.tex and its figures. Usage:
#   bash paper/build.sh <release folder>      (make paper does this for the configured release)
# Writes paper/build/example.pdf. Without a LaTeX toolchain it says so and exits 0 (skipped).
set -euo pipefail
release="${1:?usage: paper/build.sh <release folder>}"
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v pdflatex >/dev/null 2>&1; then
  echo "paper: skipped: pdflatex not found (Debian: apt-get install texlive-latex-base texlive-latex-recommended)"
  exit 0
fi
for need in "$release/paper/numbers.tex" "$release/figures/route_flows_deaths.pdf"; do
  [ -f "$need" ] || { echo "paper: $need not found; build the release first (make study)" >&2; exit 2; }
done
build="$here/build"
rm -rf "$build" && mkdir -p "$build/figures"
cp "$here/example.tex" "$release/paper/numbers.tex" "$build/"
cp "$release"/figures/*.pdf "$build/figures/"
(cd "$build" && pdflatex -interaction=nonstopmode -halt-on-error example.tex >/dev/null 2>&1 \
  && pdflatex -interaction=nonstopmode -halt-on-error example.tex >/dev/null 2>&1) \
  || { echo "paper: pdflatex failed; see $build/example.log" >&2; exit 1; }
if grep -q "medroutes: no number" "$build/example.log"; then
  grep "medroutes: no number" "$build/example.log" >&2
  echo "paper: the text cites numbers the release does not have" >&2
  exit 1
fi
echo "paper: $build/example.pdf"
