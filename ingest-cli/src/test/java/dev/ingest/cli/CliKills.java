package dev.ingest.cli;

/**
 * How many children the CLI's kill tests kill, and from which seed they choose when: {@code
 * -Dingest.kills} and {@code -Dingest.kills.seed} (the build runs a few dozen; a script runs
 * many more for the figures in docs/reliability.md).
 */
final class CliKills {
  static final int KILLS = Integer.getInteger("ingest.kills", 16);
  static final long SEED = Long.getLong("ingest.kills.seed", 24);

  private CliKills() {}
}
