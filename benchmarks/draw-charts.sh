#!/usr/bin/env bash
# Draws the pipeline suite's charts under docs/images/ again from the published figures,
# benchmarks/published/pipeline.csv, without running any benchmark: after a change to how the
# charts are drawn (PipelineCharts), or to check that the committed images match the figures.
# `PUBLISH=1 benchmarks/run-pipeline.sh` replaces the figures with a new run's and draws these too.
#
#   benchmarks/draw-charts.sh [FIGURES.csv [OUTPUT_DIR]]
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
figures="${1:-$module_dir/published/pipeline.csv}"
output="${2:-$repo_root/docs/images}"

if [[ ! -f "$jar" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi
"${JAVA:-java}" -Djava.awt.headless=true -cp "$jar" dev.ingest.bench.PublishedCharts "$figures" "$output"
