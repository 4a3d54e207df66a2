#!/usr/bin/env bash
# Runs CacheBenchmark (epoch 1 against later epochs, with no cache, the memory cache and the
# file cache, on GZIP image shards) and renders benchmarks/results/cache.md.
#
#   benchmarks/run-cache.sh [JMH options...]
#
# ROUNDS (default 1) repeats the run so the cases alternate; the report merges the rounds.
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
results="$module_dir/results"
rounds="${ROUNDS:-1}"
java="${JAVA:-java}"

if [[ ! -f "$jar" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi

mkdir -p "$results"
rm -f "$results"/cache*.json "$results"/cache.md
json_files=()
for ((round = 1; round <= rounds; round++)); do
  json="$results/cache-$round.json"
  echo "# round $round of $rounds, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  "$java" -jar "$jar" 'dev\.ingest\.bench\.CacheBenchmark\.' -rf json -rff "$json" "$@"
  json_files+=("$json")
done

"$java" -cp "$jar" dev.ingest.bench.CacheReport "$results/cache.md" "${json_files[@]}" > /dev/null
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`ROUNDS=$rounds benchmarks/run-cache.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/cache.md"
echo "# report: $results/cache.md"
cat "$results/cache.md"
