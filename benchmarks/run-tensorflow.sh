#!/usr/bin/env bash
# Runs TensorBridgeBenchmark (a batch into TensorFlow tensors: ingest's bridge, TensorFlow
# Java's own byte-by-byte copy, and allocation alone) and renders benchmarks/results/tensorflow.md.
#
#   benchmarks/run-tensorflow.sh [JMH options...]
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
natives="$module_dir/target/lib"
results="$module_dir/results"
java="${JAVA:-java}"

if [[ ! -f "$jar" || ! -d "$natives" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi

# TensorFlow's natives are beside the jar, not in it; JMH's forks inherit the class path.
classpath="$jar:$natives/*"

mkdir -p "$results"
json="$results/tensorflow.json"
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
"$java" -cp "$classpath" org.openjdk.jmh.Main 'dev\.ingest\.bench\.TensorBridgeBenchmark\.' -rf json -rff "$json" "$@"
"$java" -cp "$jar" dev.ingest.bench.TensorBridgeReport "$results/tensorflow.md" "$json" > /dev/null
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`benchmarks/run-tensorflow.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/tensorflow.md"
echo "# report: $results/tensorflow.md"
cat "$results/tensorflow.md"
