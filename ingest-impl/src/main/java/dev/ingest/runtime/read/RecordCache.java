package dev.ingest.runtime.read;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;

/**
 * tf.data's {@code cache()}, at the records of whole source files: a file read to its end once
 * is replayed from the cache after that, and a file read from its source is copied into the cache
 * as it is read ({@link Filling}). The cache sits after the framing and length check and before
 * shuffle and parse, and every epoch still applies its own file order, interleave, sharding and
 * shuffle to what it replays, so a pipeline yields exactly the batches it yields without a cache.
 *
 * <p>Two kinds, in the cache package ({@code RecordCaches.of} picks one): pooled direct memory,
 * counted against the budget, for the pipeline's life; and files under a path prefix, kept for
 * later runs. The readers know this interface only, so they never depend on the caches.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Confined to the source thread, as are the cursors and fillings it hands out. {@link #release()}
 * is called once, when the source stops, after every cursor and filling was closed.
 */
public interface RecordCache {

  /** The file's records from the cache, or {@code null} if it has not been cached whole yet. */
  RecordCursor cursor(Path file) throws IOException;

  /**
   * The file's records from the cache after its first {@code recordsBefore}, where a checkpoint
   * resumes it, or {@code null} when the cache does not serve it that way (the file is then read
   * from its source, at the checkpoint's offset).
   */
  default RecordCursor cursorAt(Path file, long recordsBefore) throws IOException {
    return null;
  }

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

    /**
     * The file was read to its end, but records were skipped (corrupt, under {@code on_corrupt:
     * skip}), so the copy's offsets are not the file's: a record cache replays none of it.
     */
    default void completeWithSkips() {
      abandon();
    }
  }
}
