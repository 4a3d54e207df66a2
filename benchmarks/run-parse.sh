#!/usr/bin/env bash
# Runs ExampleParseBenchmark (ingest's Example parser against Example.parseFrom) and
# PipelineBenchmark (the whole pipeline against a naive Java loader), three dataset kinds, with
# -prof gc, and renders benchmarks/results/parse.md.
#
#   benchmarks/run-parse.sh [JMH options...]
#
# ROUNDS (default 2) repeats the run so the cases alternate; the report merges the rounds.
set -euo pipefail

module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$module_dir/.." && pwd)"
jar="$module_dir/target/benchmarks.jar"
results="$module_dir/results"
rounds="${ROUNDS:-2}"
java="${JAVA:-java}"

if [[ ! -f "$jar" ]]; then
  echo "# building $jar"
  (cd "$repo_root" && mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am)
fi

mkdir -p "$results"
rm -f "$results"/parse*.json "$results"/parse.md
json_files=()
for ((round = 1; round <= rounds; round++)); do
  json="$results/parse-$round.json"
  echo "# round $round of $rounds, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  "$java" -jar "$jar" 'dev\.ingest\.bench\.(ExampleParseBenchmark|PipelineBenchmark)\.' -prof gc -rf json -rff "$json" "$@"
  json_files+=("$json")
done

"$java" -cp "$jar" dev.ingest.bench.ParseReport "$results/parse.md" "${json_files[@]}" > /dev/null
{
  echo
  echo "- finished: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`ROUNDS=$rounds benchmarks/run-parse.sh${*:+ $*}\`"
  echo "- machine: $(nproc) cores, $("$java" -version 2>&1 | head -1); load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >> "$results/parse.md"
echo "# report: $results/parse.md"
cat "$results/parse.md"
