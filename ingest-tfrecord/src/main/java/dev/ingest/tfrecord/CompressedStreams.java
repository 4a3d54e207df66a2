package dev.ingest.tfrecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The whole-file GZIP and ZLIB streams TensorFlow reads and writes, built on the JDK's zlib
 * streams. Decompression errors surface as the JDK's {@code ZipException} (a broken stream) and
 * {@code EOFException} (a stream cut short), which the reader turns into record problems.
 */
final class CompressedStreams {
  /** Compressed bytes read from the file per inflater refill. */
  private static final int COMPRESSED_BUFFER_BYTES = 64 * 1024;

  private CompressedStreams() {}

  /**
   * A channel of the file's decompressed record stream. Closing it closes the file. An empty
   * file is an empty stream for every compression, as it is for TensorFlow.
   */
  static ReadableByteChannel readable(SeekableByteChannel file, Compression compression)
      throws IOException {
    if (compression == Compression.NONE) {
      return file;
    }
    if (file.size() == 0) {
      return Channels.newChannel(InputStream.nullInputStream());
    }
    InputStream raw = Channels.newInputStream(file);
    switch (compression) {
      case GZIP:
        return Channels.newChannel(new DeferredGzipInputStream(raw));
      case ZLIB:
        return Channels.newChannel(new OwnedInflaterInputStream(raw, new Inflater()));
      default:
        throw new IllegalArgumentException("no stream for compression " + compression);
    }
  }

  /**
   * Wraps {@code out} so that what is written is compressed. {@code flush()} on the result does
   * a zlib sync flush, so a reader sees every record written before it. Closing it finishes the
   * stream and closes {@code out}.
   */
  static OutputStream writable(OutputStream out, Compression compression, int level)
      throws IOException {
    switch (compression) {
      case NONE:
        return out;
      case GZIP:
        return new GZIPOutputStream(out, COMPRESSED_BUFFER_BYTES, true) {
          {
            def.setLevel(level);
          }
        };
      case ZLIB:
        Deflater deflater = new Deflater(level);
        return new DeflaterOutputStream(out, deflater, COMPRESSED_BUFFER_BYTES, true) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              deflater.end();
            }
          }
        };
      default:
        throw new IllegalArgumentException("cannot write with compression " + compression);
    }
  }

  /** An inflater stream that frees its own native inflater on close (the JDK's does not). */
  private static final class OwnedInflaterInputStream extends InflaterInputStream {
    OwnedInflaterInputStream(InputStream in, Inflater inflater) {
      super(in, inflater, COMPRESSED_BUFFER_BYTES);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        inf.end();
      }
    }
  }

  /**
   * {@link GZIPInputStream} reads the first member's header in its constructor; deferring that to
   * the first read lets a bad header surface from {@code read}, where the reader reports it with
   * the file and offset, like every other stream error.
   */
  private static final class DeferredGzipInputStream extends InputStream {
    private final InputStream raw;
    private GZIPInputStream gzip;

    DeferredGzipInputStream(InputStream raw) {
      this.raw = raw;
    }

    private InputStream stream() throws IOException {
      if (gzip == null) {
        gzip = new GZIPInputStream(raw, COMPRESSED_BUFFER_BYTES);
      }
      return gzip;
    }

    @Override
    public int read() throws IOException {
      return stream().read();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      return stream().read(bytes, offset, length);
    }

    @Override
    public int available() throws IOException {
      return stream().available();
    }

    @Override
    public void close() throws IOException {
      if (gzip != null) {
        gzip.close();
      } else {
        raw.close();
      }
    }
  }
}
