package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The run digest of CONTRACTS.md section 3 (SHA-256 over every batch's canonical form, in
 * order) and, when a log is given, {@code --digest-log}'s line per batch. Hashing a batch costs
 * about as much as the pipeline spends producing it, so {@link SimulatedAccelerator} calls
 * {@link #add} only after a batch's step is measured and keeps its time out of every figure.
 */
final class RunDigest {
  private final MessageDigest run = BatchDigest.sha256();
  private final Writer log;

  /** @param log where each batch's hex digest goes, one line each; null for none */
  RunDigest(Writer log) {
    this.log = log;
  }

  /** Adds the next batch of the run. */
  void add(Batch batch) {
    BatchDigest.update(run, batch);
    if (log != null) {
      try {
        log.write(BatchDigest.hex(batch));
        log.write(System.lineSeparator());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The run digest so far as 64 lower-case hex digits; call once, at the end of the run. */
  String hex() {
    return HexFormat.of().formatHex(run.digest());
  }
}
