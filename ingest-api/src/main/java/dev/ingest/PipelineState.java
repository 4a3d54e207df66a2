package dev.ingest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a pipeline's consumer stood at a batch boundary: enough to start a new iterator that
 * yields exactly the batches an uninterrupted one would have yielded after it
 * ({@link Dataset#iterator(PipelineState)}), at any thread count.
 *
 * <p>Every batch's contents and place follow from the spec, the seed and the batch's position
 * (epoch, and index in that epoch): file order, interleave and shuffle are all seeded from (seed,
 * epoch), and the source's checkpoints are taken at points that depend on the spec alone. So the
 * state is a position, not a copy of buffers. It names the source's last {@link
 * SourceCheckpoint} before the position: file offsets, the shuffle generator's state and the
 * positions of the records in the shuffle buffer. A resumed pipeline seeks every file to its
 * offset, re-reads the buffered records from their positions, and then reads (without parsing)
 * the few records between the checkpoint and the position, which costs about two shuffle
 * buffers' worth of reads whatever the position in the epoch. Compressed files cannot be entered
 * in the middle: they are decompressed from their start up to the offset (see {@link
 * dev.ingest.SourceCheckpoint}). A state without a checkpoint re-reads the epoch from its start
 * up to the position.
 *
 * <h2>Serialized form (version 2)</h2>
 *
 * UTF-8 text, one {@code key=value} per line, in this order; the checkpoint lines are present
 * when it has one:
 *
 * <pre>
 * ingest-state=2
 * spec=&lt;hex SHA-256 of the spec's fingerprint, see {@link PipelineSpec#fingerprint()}&gt;
 * epoch=&lt;epoch of the last batch delivered, from 0&gt;
 * batch_in_epoch=&lt;its index in that epoch, counting batches skipped by skip(); -1: none yet&gt;
 * batches_delivered=&lt;batches handed to the consumer in all&gt;
 * rows_after_checkpoint=&lt;with filters: rows kept after the checkpoint, through that batch&gt;
 * checkpoint=&lt;epoch&gt; &lt;units formed before it in the epoch&gt; &lt;digest of the file list&gt;
 * interleave=&lt;next file&gt; &lt;slot&gt; &lt;records taken from it in this block&gt; &lt;shard turn&gt;
 * cycle=&lt;per slot: file:offset:records_before, or -&gt;
 * shuffle_random=&lt;the shuffle generator's state&gt;
 * shuffle=&lt;records buffered&gt; &lt;base64 of their delta-encoded positions&gt;
 * </pre>
 *
 * Version 1 (the first five lines, with {@code ingest-state=1}) is still read, but its spec
 * fingerprint, from before the shuffle order changed (fingerprint text {@code v2}), no longer
 * matches any spec: it is refused by {@link #requireSpec}.
 *
 * @param specFingerprint the spec it belongs to; a state from another spec is refused
 * @param epoch the epoch of the last batch delivered (0 before the first)
 * @param batchInEpoch that batch's index within its epoch; -1 when nothing was delivered
 * @param batchesDelivered batches delivered in all (what {@code take} has used up)
 * @param checkpoint the source's last checkpoint before the position, or {@code null}
 * @param rowsAfterCheckpoint for a pipeline whose filters decide its batches downstream of the
 *     source: the rows its filters kept after {@code checkpoint}, through the last batch
 *     delivered (the resumed batch stage drops as many); 0 otherwise
 */
public record PipelineState(String specFingerprint, long epoch, long batchInEpoch,
    long batchesDelivered, SourceCheckpoint checkpoint, long rowsAfterCheckpoint) {
  public static final int VERSION = 2;
  private static final String MAGIC = "ingest-state";

  public PipelineState {
    Objects.requireNonNull(specFingerprint, "specFingerprint");
    if (epoch < 0 || batchInEpoch < -1 || batchesDelivered < 0 || rowsAfterCheckpoint < 0
        || checkpoint != null && checkpoint.epoch() != epoch) {
      throw new IllegalArgumentException("impossible state: epoch " + epoch + ", batch "
          + batchInEpoch + ", delivered " + batchesDelivered + ", rows after checkpoint "
          + rowsAfterCheckpoint + ", checkpoint in epoch "
          + (checkpoint == null ? "none" : checkpoint.epoch()));
    }
  }

  /** A state without a checkpoint: resuming re-reads the epoch up to the position. */
  public PipelineState(String specFingerprint, long epoch, long batchInEpoch,
      long batchesDelivered) {
    this(specFingerprint, epoch, batchInEpoch, batchesDelivered, null, 0);
  }

  /** The state before the first batch of {@code spec}. */
  public static PipelineState start(PipelineSpec spec) {
    return new PipelineState(spec.fingerprint(), 0, -1, 0);
  }

  /** The serialized form (see the class comment). */
  public byte[] toBytes() {
    String text = MAGIC + "=" + VERSION + "\n"
        + "spec=" + specFingerprint + "\n"
        + "epoch=" + epoch + "\n"
        + "batch_in_epoch=" + batchInEpoch + "\n"
        + "batches_delivered=" + batchesDelivered + "\n"
        + "rows_after_checkpoint=" + rowsAfterCheckpoint + "\n";
    if (checkpoint != null) {
      text += "checkpoint=" + checkpoint.headerLine() + "\n"
          + "interleave=" + checkpoint.interleaveLine() + "\n"
          + "cycle=" + checkpoint.cycleLine() + "\n"
          + "shuffle_random=" + checkpoint.shuffleRandom() + "\n"
          + "shuffle=" + checkpoint.shuffleLine() + "\n";
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the serialized form.
   *
   * @throws IllegalArgumentException naming what is wrong: not a state, another version, a
   *     missing or malformed value
   */
  public static PipelineState fromBytes(byte[] bytes) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int equals = line.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("not an ingest state: line '" + line + "'");
      }
      values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
    }
    String version = values.get(MAGIC);
    if (version == null) {
      throw new IllegalArgumentException("not an ingest state: it does not start with "
          + MAGIC + "=" + VERSION);
    }
    if (!version.equals("1") && !version.equals(String.valueOf(VERSION))) {
      throw new IllegalArgumentException("state version " + version + " is not supported; this"
          + " version of ingest reads versions 1 and " + VERSION);
    }
    SourceCheckpoint checkpoint = null;
    if (values.containsKey("checkpoint")) {
      checkpoint = SourceCheckpoint.parse(values.get("checkpoint"), require(values, "interleave"),
          values.getOrDefault("cycle", ""), require(values, "shuffle_random"),
          require(values, "shuffle"));
    }
    long rowsAfter = values.containsKey("rows_after_checkpoint")
        ? number(values, "rows_after_checkpoint") : 0;
    return new PipelineState(require(values, "spec"), number(values, "epoch"),
        number(values, "batch_in_epoch"), number(values, "batches_delivered"), checkpoint,
        rowsAfter);
  }

  /**
   * Checks that this state belongs to {@code spec}.
   *
   * @throws StateMismatchException saying that the specs differ
   */
  public void requireSpec(PipelineSpec spec) {
    String fingerprint = spec.fingerprint();
    if (!fingerprint.equals(specFingerprint)) {
      throw new StateMismatchException("the state was saved by a different pipeline: its spec"
          + " fingerprint is " + specFingerprint + ", this pipeline's is " + fingerprint
          + " (files, features, transforms, shuffle, batch, repeat, skip, take or seed differ,"
          + " or an earlier version of ingest saved it; threads, readers, prefetch and the memory"
          + " budget may change)");
    }
  }

  private static String require(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the state has no " + key);
    }
    return value;
  }

  private static long number(Map<String, String> values, String key) {
    String value = require(values, key);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the state's " + key + " is not a number: " + value);
    }
  }
}
