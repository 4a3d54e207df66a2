#!/usr/bin/env bash
# Runs ObjectStoreProbe (image and text pipelines on local files, from an S3 server in the same
# JVM through a fault proxy adding 0, 20 and 50 ms per request, and a naive whole-object reader
# through the same proxy) and writes benchmarks/results/object-store.md.
#
#   benchmarks/run-object-store.sh [image=N] [text=N] [shards=N] [runs=N] [latencies=0,20,50] \
#       [block=auto|BYTES] [depth=auto|N] [readers=auto|N] [bandwidth=MB/s] [per_request=MB/s] \
#       [direct=true|false]
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
# S3Mock (Spring Boot) stays out of the shaded jar: its jars are in target/lib/. The heap holds
# the pipeline, the server and the naive reader's whole objects; leak detection off, as the JMH
# benchmarks run (BenchmarkDefaults).
"$java" -Xms2g -Xmx2g -XX:MaxDirectMemorySize=2g -Dio.netty.leakDetection.level=disabled \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$jar:$module_dir/target/lib/*" dev.ingest.bench.ObjectStoreProbe \
  out="$results/object-store.md" "$@"
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`benchmarks/run-object-store.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/object-store.md"
echo "# report: $results/object-store.md"
