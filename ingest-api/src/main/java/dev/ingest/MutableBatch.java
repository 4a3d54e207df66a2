package dev.ingest;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * A batch a {@link BatchMapper} may still change: writable views of its numeric columns. The
 * views are valid only during the mapper's call; once the batch is handed on it is immutable
 * again (see {@link Batch}).
 */
public interface MutableBatch extends Batch {

  /** The float32 values of feature {@code name}, row-major, writable. */
  FloatBuffer mutableFloats(String name);

  /** The int64 values of feature {@code name}, row-major, writable. */
  LongBuffer mutableLongs(String name);
}
