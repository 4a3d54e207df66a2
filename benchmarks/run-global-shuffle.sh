#!/usr/bin/env bash
# Runs GlobalShuffleProbe (parse_example → batch 256 over indexed shards read sequentially, with
# a global shuffle and with a windowed one: local image and tabular data, then image data from an
# S3 server in the same JVM behind a fault proxy adding latency per request; then resume latency
# of a global-shuffle pipeline against a buffer shuffle's at random positions) and writes
# benchmarks/results/global-shuffle.md.
#
#   benchmarks/run-global-shuffle.sh [image=N] [tabular=N] [s3_image=N] [shards=N] [rounds=N] \
#       [window=N] [s3_window=N] [latency=MS] [per_request=MB/s] [positions=N] [epochs=N] \
#       [buffer=N] [timed_epochs=N] [parts=local,s3,resume]
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
# S3Mock (Spring Boot) stays out of the shaded jar: its jars are in target/lib/. Pinned heap and
# direct memory as the other probes run; leak detection off, as the JMH benchmarks run.
"$java" -Xms2g -Xmx2g -XX:MaxDirectMemorySize=2g -Dio.netty.leakDetection.level=disabled \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$jar:$module_dir/target/lib/*" dev.ingest.bench.GlobalShuffleProbe \
  out="$results/global-shuffle.md" "$@"
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`benchmarks/run-global-shuffle.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load average at the start: $load_before, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/global-shuffle.md"
echo "# report: $results/global-shuffle.md"
