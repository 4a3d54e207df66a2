#!/usr/bin/env bash
# Runs RowCacheProbe (parse_example → map burn_cpu → cache in memory → batch 256: epoch 2 against
# epoch 1, against the uncached pipeline without the map, and heap bytes per record of the cached
# epoch) and writes benchmarks/results/row-cache.md.
#
#   benchmarks/run-row-cache.sh [records=N] [runs=N] [micros=X]
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
results="${RESULTS:-$module_dir/results}"
java="${JAVA:-java}"

if [[ ! -f "$jar" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi
mkdir -p "$results"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# Pinned heap and direct memory as the JMH benchmarks run (BenchmarkDefaults); leak detection off.
"$java" -Xms1g -Xmx1g -XX:MaxDirectMemorySize=2g -Dio.netty.leakDetection.level=disabled \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$jar" dev.ingest.bench.RowCacheProbe out="$results/row-cache.md" "$@"
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`benchmarks/run-row-cache.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/row-cache.md"
echo "# report: $results/row-cache.md"
