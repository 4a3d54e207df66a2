package dev.ingest.runtime.metrics;

/**
 * The pipeline's stages as metrics, errors and JFR events name them. One list for every package:
 * the tuner and the bottleneck report look a stage up by its constant instead of knowing which
 * class runs it or where it sits in a list.
 */
public enum Stage {
  /** The source thread: files, interleave, cache and shuffle buffer. */
  READ("read"),
  /**
   * The parse workers: Example parsing. The map and filter functions fused on them are measured
   * as stages of their own ({@link FusedTransformClocks}).
   */
  PARSE("parse_example"),
  /** The assembly thread, when filters make batches after parsing. */
  BATCH("batch"),
  /** The thread that calls {@code next()}: the accelerator's side. */
  CONSUMER("consumer");

  private final String label;

  Stage(String label) {
    this.label = label;
  }

  /** The name users see in metrics, error messages and JFR events. */
  public String label() {
    return label;
  }
}
