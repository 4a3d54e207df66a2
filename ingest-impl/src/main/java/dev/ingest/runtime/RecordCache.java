package dev.ingest.runtime;

import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * tf.data's {@code cache()}, at the records of whole source files: a file read to its end once
 * is replayed from the cache after that, and a file read from its source is copied into the cache
 * as it is read ({@link Filling}). The cache sits after the framing and length check and before
 * shuffle and parse, and every epoch still applies its own file order, interleave, sharding and
 * shuffle to what it replays, so a pipeline yields exactly the batches it yields without a cache.
 *
 * <p>Two kinds: {@link MemoryRecordCache} (pooled direct memory, counted against the budget, for
 * the pipeline's life) and {@link FileRecordCache} (files under a path prefix, kept for later
 * runs).
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Confined to the source thread, as are the cursors and fillings it hands out. {@link #release()}
 * is called once, when the source stops, after every cursor and filling was closed.
 */
interface RecordCache {

  /**
   * The cache {@code spec} asks for, or {@code null} for none. Nothing is read or locked yet: a
   * file cache opens itself on the source thread, on first use.
   *
   * @param files the pipeline's record files, sorted (as {@link RecordFiles#resolve} gives them)
   * @param reserve reserves budget for bytes about to be held in memory; false once the pipeline
   *     is shutting down
   */
  static RecordCache of(PipelineSpec spec, List<Path> files, ByteBufAllocator allocator,
      DirectMemory readBuffers, LongPredicate reserve) {
    CacheSpec cache = spec.cache();
    return switch (cache.kind()) {
      case NONE -> null;
      case MEMORY -> new MemoryRecordCache(allocator, reserve);
      case FILES -> new FileRecordCache(
          cache.pathPrefix(), spec.source(), files, allocator, readBuffers);
    };
  }

  /** The file's records from the cache, or {@code null} if it has not been cached whole yet. */
  RecordCursor cursor(Path file) throws IOException;

  /**
   * Starts caching a file that is being read from its source, or returns {@code null} when this
   * pipeline does not fill the cache (another run is filling it).
   */
  Filling fill(Path file) throws IOException;

  /** Records handed out from the cache so far. */
  long recordsServed();

  /** Gives back everything the cache holds for this pipeline (memory, files open, a lock). */
  void release();

  /** One file's records on their way into the cache, while the file is read from its source. */
  interface Filling {

    /**
     * Copies one record in: {@code length} bytes of {@code source} from {@code start}, found at
     * {@code fileOffset} of the (decompressed) source file, with the masked data CRC stored there.
     */
    void add(ByteBuf source, int start, int length, long fileOffset, int maskedCrc)
        throws IOException;

    /** The file was read to its end: later epochs (and runs) may read it from the cache. */
    void complete() throws IOException;

    /** The file will not be read to its end: what was copied of it must never be replayed. */
    void abandon();
  }
}
