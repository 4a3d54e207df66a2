#!/usr/bin/env bash
# Runs CliVsApiProbe: `ingest run --epochs 3`'s last-epoch records/s against the same pipeline
# YAML through the Java API, alternated in one JVM, for the three `ingest gen` kinds; writes
# benchmarks/results/cli-vs-api.md and .json.
#
#   benchmarks/run-cli-vs-api.sh [rounds=N] [warmup=N] [image=RECORDS] [tabular=RECORDS]
#                                [text=RECORDS] [kinds=image,tabular,text]
#
# Defaults: 5 rounds after 1 uncounted; 320,000 image, 2,000,000 tabular and 200,000 text
# records (about 1 GB, 0.4 GB and 0.3 GB). INGEST_BENCH_DATA is where the shards are kept and
# reused (default benchmarks/target/cli-vs-api-data); RESULTS the folder for the report (default
# benchmarks/results); INGEST_BENCH_CLASSPATH runs the probe from that class path instead of
# benchmarks.jar (the smoke test's way of running this script before the jar exists).
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
results="${RESULTS:-$module_dir/results}"
data="${INGEST_BENCH_DATA:-$module_dir/target/cli-vs-api-data}"
java="${JAVA:-java}"

classpath="${INGEST_BENCH_CLASSPATH:-}"
if [[ -z "$classpath" ]]; then
  if [[ ! -f "$jar" ]]; then
    echo "# building $jar"
    (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
  fi
  classpath="$jar"
fi

mkdir -p "$results" "$data"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "# load average at the start: $load_before"
# Pinned heap and direct memory, as the JMH benchmarks run (BenchmarkDefaults); Netty's leak
# detector off, since it samples buffers. The CLI's path and the API's share this one JVM.
"$java" -Xms1g -Xmx1g -XX:MaxDirectMemorySize=2g -Dio.netty.leakDetection.level=disabled \
  -cp "$classpath" dev.ingest.bench.CliVsApiProbe \
  examples="$repo_root/examples" data="$data" \
  out="$results/cli-vs-api.md" json="$results/cli-vs-api.json" "$@"
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`benchmarks/run-cli-vs-api.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/cli-vs-api.md"
echo "# report: $results/cli-vs-api.md"
