#!/usr/bin/env bash
# Runs the kill tests and the close-at-random-points test with more kills and points than the
# build does, and prints their tallies: the figures of docs/reliability.md, "Kills at any moment,
# and close at any moment".
#
#   scripts/kill-figures.sh [KILLS] [CLOSE_POINTS] [SEED]
#
# KILLS (default 48) is the number of children each CLI kill test kills, and the record cache's;
# each of the two row cache tests kills half as many. CLOSE_POINTS defaults to 5000, SEED to 24.
# Extra Maven flags come from MVN_FLAGS (for example MVN_FLAGS=-o to stay offline). Not needed by
# `mvn verify`, which runs the same tests with fewer kills.
set -euo pipefail

kills="${1:-48}"
points="${2:-5000}"
seed="${3:-24}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

cd "$root"
# shellcheck disable=SC2086
mvn -B ${MVN_FLAGS:-} verify -pl ingest-cli -am -DskipITs \
  -Dtest='CacheFillKillTest,RowCacheKillTest,StateFileKillTest,GenKillTest,IndexKillTest,CloseAtRandomPointsTest' \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dingest.kills="$kills" -Dingest.kills.seed="$seed" \
  -Dingest.closePoints="$points" -Dingest.closePoints.seed="$seed" >"$log" 2>&1 || {
  tail -n 80 "$log"
  echo "kill-figures: the tests failed (the log's end is above)" >&2
  exit 1
}
echo "seed $seed, $kills kills per kind, $points close points:"
grep -E '^(CacheFillKillTest|RowCacheKillTest|StateFileKillTest|GenKillTest|IndexKillTest|CloseAtRandomPointsTest)' "$log"
grep -E 'Tests run:.*in dev\.ingest\.(runtime|cli)\.(CacheFill|RowCache|StateFile|Gen|Index)KillTest|Tests run:.*CloseAtRandomPointsTest' "$log" \
  | sed -E 's/.*Time elapsed: ([0-9.]+ s).* in (.*)/\2: \1/'
