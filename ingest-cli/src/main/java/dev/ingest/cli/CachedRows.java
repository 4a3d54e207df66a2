package dev.ingest.cli;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.ExampleSpec;
import dev.ingest.cli.inspect.DecodedExample;
import dev.ingest.cli.inspect.FeatureValues;
import dev.ingest.spi.RowFileFormat;
import dev.ingest.spi.RowFileReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A row cache's rows file read through its {@link RowFileFormat} (found with {@link
 * ServiceLoader}, as the runtime finds it), every chunk of it, checked against the manifest: the
 * file's size and its row count must be the ones the manifest recorded.
 *
 * @param features the features of the cached rows, as the rows file says
 * @param rows the rows counted in the file, chunk by chunk
 * @param first the first rows, each decoded onto the heap with its origin
 */
record CachedRows(ExampleSpec features, long rows, List<CachedRow> first) {

  /** One cached row: the URI of its source file, its record's index there, its values. */
  record CachedRow(String source, long record, DecodedExample example) {}

  CachedRows {
    first = List.copyOf(first);
  }

  /**
   * Reads every chunk of the cache's rows file, keeping the first {@code limit} rows.
   *
   * @throws CorruptCacheException if the file is missing or disagrees with the manifest
   * @throws IOException if it cannot be read (the message names it)
   */
  static CachedRows read(RowCacheManifest cache, int limit) throws IOException {
    RowFileFormat format = format(cache.format());
    long size;
    try {
      size = Files.size(cache.rowsFile());
    } catch (NoSuchFileException e) {
      throw new CorruptCacheException(cache.manifest() + " names the rows file "
          + cache.rowsFile() + ", which is missing; delete " + cache.prefix()
          + ".* to fill the cache again");
    }
    if (size != cache.rowsBytes()) {
      throw new CorruptCacheException(cache.rowsFile() + " has " + size + " bytes, but "
          + cache.manifest() + " says rows_bytes=" + cache.rowsBytes() + ": it changed after"
          + " the cache was filled; delete " + cache.prefix() + ".* to fill it again");
    }
    List<CachedRow> first = new ArrayList<>();
    long counted = 0;
    try (RowFileReader reader = format.open(cache.rowsFile())) {
      while (reader.next()) {
        Batch chunk = reader.chunk();
        for (int row = 0; row < chunk.rows() && first.size() < limit; row++) {
          int source = reader.sourceFile(row);
          String uri = source >= 0 && source < cache.sourceFiles().size()
              ? cache.sourceFiles().get(source) : "source file " + source;
          first.add(new CachedRow(uri, reader.record(row), decode(chunk, row)));
        }
        counted += chunk.rows();
      }
      if (counted != cache.rows() || reader.rows() != cache.rows()) {
        throw new CorruptCacheException(cache.rowsFile() + " holds " + counted + " rows, but "
            + cache.manifest() + " says rows=" + cache.rows() + "; delete " + cache.prefix()
            + ".* to fill the cache again");
      }
      return new CachedRows(reader.features(), counted, first);
    }
  }

  private static RowFileFormat format(String name) {
    List<String> known = new ArrayList<>();
    for (RowFileFormat format : ServiceLoader.load(RowFileFormat.class)) {
      if (format.name().equals(name)) {
        return format;
      }
      known.add(format.name());
    }
    throw new UsageException("no reader for row cache files of format " + name + " on the class"
        + " path (found: " + (known.isEmpty() ? "none; ingest-arrow reads arrow-ipc" : known) + ")");
  }

  /** Row {@code row} of {@code batch} onto the heap, as {@code inspect} prints a record. */
  static DecodedExample decode(Batch batch, int row) {
    TreeMap<String, FeatureValues> features = new TreeMap<>();
    for (Column column : batch.columns()) {
      int length = column.rowLength(row);
      int first = column.ragged() ? (int) column.rowSplits().get(row) : row * length;
      List<Object> values = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        switch (column.dtype()) {
          case INT64 -> values.add(column.longs().get(first + i));
          case FLOAT32 -> values.add(column.floats().get(first + i));
          case BYTES -> {
            ByteBuffer bytes = column.bytes(row, i);
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            values.add(copy);
          }
        }
      }
      features.put(column.name(), new FeatureValues(column.dtype(), values));
    }
    return new DecodedExample(features);
  }
}
