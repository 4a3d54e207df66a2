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

  /**
   * What a cache's fingerprint records of this transform, so that a cache filled by another
   * function (or another version of it) is refused: a built-in's name and parameters, a user
   * function's name and declared version; {@code null} when a user function declares none (see
   * {@link Versioned}).
   */
  String identity();

  /**
   * Element-wise {@code map}.
   *
   * @param version the function's version for caches in files, or {@code null} to take the one
   *     {@code fn} declares as {@link Versioned}
   */
  record MapRows(String name, RowMapper fn, String version) implements Transform {
    public MapRows(String name, RowMapper fn) {
      this(name, fn, null);
    }

    public MapRows {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fn, "fn");
      requireVersion(version);
    }

    @Override
    public String identity() {
      if (fn instanceof BurnCpu burn) {
        return BurnCpu.NAME + " nanos_per_record=" + burn.nanosPerRecord();
      }
      return identityOf(name, fn, version);
    }
  }

  /** Element-wise {@code filter}; {@code version} as for {@link MapRows}. */
  record FilterRows(String name, RowFilter fn, String version) implements Transform {
    public FilterRows(String name, RowFilter fn) {
      this(name, fn, null);
    }

    public FilterRows {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fn, "fn");
      requireVersion(version);
    }

    @Override
    public String identity() {
      return identityOf(name, fn, version);
    }
  }

  /** {@code map} over whole batches. */
  record MapBatches(String name, BatchMapper fn) implements Transform {
    public MapBatches {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fn, "fn");
    }

    @Override
    public String identity() {
      return identityOf(name, fn, null);
    }
  }

  private static void requireVersion(String version) {
    if (version != null && version.isBlank()) {
      throw new IllegalArgumentException("a transform's version is never empty");
    }
  }

  private static String identityOf(String name, Object fn, String version) {
    String declared = version != null ? version
        : fn instanceof Versioned versioned ? versioned.version() : null;
    return declared == null ? null : name + " " + fn.getClass().getName() + " version=" + declared;
  }
}
