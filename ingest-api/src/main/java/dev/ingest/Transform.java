package dev.ingest;

import java.util.Objects;

/**
 * A user transform in a pipeline spec, with the name that reports, errors and config files use
 * for it. Row transforms ({@link MapRows}, {@link FilterRows}) run on each parsed record, in the
 * order given, before batching; {@link MapBatches} runs on each finished batch.
 */
public sealed interface Transform {

  /** The transform's name in reports and errors (a class name, or a built-in's name). */
  String name();

  /** Element-wise {@code map}. */
  record MapRows(String name, RowMapper fn) implements Transform {
    public MapRows {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fn, "fn");
    }
  }

  /** Element-wise {@code filter}. */
  record FilterRows(String name, RowFilter fn) implements Transform {
    public FilterRows {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fn, "fn");
    }
  }

  /** {@code map} over whole batches. */
  record MapBatches(String name, BatchMapper fn) implements Transform {
    public MapBatches {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fn, "fn");
    }
  }
}
