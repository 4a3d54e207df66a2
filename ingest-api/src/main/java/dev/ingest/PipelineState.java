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
 * epoch). So the state is a position, not a copy of buffers: a few dozen bytes whatever the
 * shuffle buffer holds. A resumed pipeline starts at {@link #epoch()} and re-reads that epoch's
 * records up to the position (reading and checking, not parsing them), which costs a read of
 * that part of the epoch; earlier epochs are not re-read.
 *
 * <h2>Serialized form (version 1)</h2>
 *
 * UTF-8 text, one {@code key=value} per line, in this order:
 *
 * <pre>
 * ingest-state=1
 * spec=&lt;hex SHA-256 of the spec's fingerprint, see {@link PipelineSpec#fingerprint()}&gt;
 * epoch=&lt;epoch of the last batch delivered, from 0&gt;
 * batch_in_epoch=&lt;its index in that epoch, counting batches skipped by skip(); -1: none yet&gt;
 * batches_delivered=&lt;batches handed to the consumer in all&gt;
 * </pre>
 *
 * @param specFingerprint the spec it belongs to; a state from another spec is refused
 * @param epoch the epoch of the last batch delivered (0 before the first)
 * @param batchInEpoch that batch's index within its epoch; -1 when nothing was delivered
 * @param batchesDelivered batches delivered in all (what {@code take} has used up)
 */
public record PipelineState(String specFingerprint, long epoch, long batchInEpoch,
    long batchesDelivered) {
  public static final int VERSION = 1;
  private static final String MAGIC = "ingest-state";

  public PipelineState {
    Objects.requireNonNull(specFingerprint, "specFingerprint");
    if (epoch < 0 || batchInEpoch < -1 || batchesDelivered < 0) {
      throw new IllegalArgumentException("impossible state: epoch " + epoch + ", batch "
          + batchInEpoch + ", delivered " + batchesDelivered);
    }
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
        + "batches_delivered=" + batchesDelivered + "\n";
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
    if (!version.equals(String.valueOf(VERSION))) {
      throw new IllegalArgumentException("state version " + version + " is not supported; this"
          + " version of ingest reads version " + VERSION);
    }
    return new PipelineState(require(values, "spec"), number(values, "epoch"),
        number(values, "batch_in_epoch"), number(values, "batches_delivered"));
  }

  /**
   * Checks that this state belongs to {@code spec}.
   *
   * @throws IllegalArgumentException saying that the specs differ
   */
  public void requireSpec(PipelineSpec spec) {
    String fingerprint = spec.fingerprint();
    if (!fingerprint.equals(specFingerprint)) {
      throw new IllegalArgumentException("the state was saved by a different pipeline: its spec"
          + " fingerprint is " + specFingerprint + ", this pipeline's is " + fingerprint
          + " (files, features, transforms, shuffle, batch, repeat, skip, take or seed differ;"
          + " threads, prefetch and the memory budget may change)");
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
