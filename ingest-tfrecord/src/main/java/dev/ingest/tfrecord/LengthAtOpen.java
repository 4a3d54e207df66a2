package dev.ingest.tfrecord;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * A local file read as it was when it was opened: no byte past the length it had then, and an
 * error if it ends before that length. A reader of a shard that another process is still writing
 * or rewriting otherwise sees whatever the file holds when it gets there: records appended after
 * the open (an epoch longer than its files' listing), a record half appended (a file that
 * looks truncated although it is not), or, for a file cut at a record boundary, fewer records
 * and no sign of it.
 *
 * <p>It moves its file's position as it reads, and is moved with it ({@link #position(long)}).
 * Object stores need no such view: an object does not change while it is read. Confined to the
 * reader's thread, as the reader is.
 */
final class LengthAtOpen implements SeekableByteChannel {
  private final FileChannel file;
  private final long length;
  private long position;

  LengthAtOpen(FileChannel file) throws IOException {
    this.file = file;
    this.length = file.size();
    this.position = file.position();
  }

  /** Raised when the file ends before the length it had when it was opened. */
  static final class ShrunkException extends EOFException {
    private static final long serialVersionUID = 1L;

    ShrunkException(String message) {
      super(message);
    }
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    long left = length - position;
    if (left <= 0) {
      return -1;
    }
    int limit = target.limit();
    if (target.remaining() > left) {
      target.limit(target.position() + (int) left);
    }
    int read;
    try {
      read = file.read(target);
    } finally {
      target.limit(limit);
    }
    if (read < 0) {
      throw new ShrunkException("the file was cut to " + position + " bytes while it was read"
          + " (it had " + length + " when it was opened)");
    }
    position += read;
    return read;
  }

  @Override
  public int write(ByteBuffer source) {
    throw new UnsupportedOperationException("read only");
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public LengthAtOpen position(long newPosition) throws IOException {
    file.position(newPosition);
    position = newPosition;
    return this;
  }

  /** The length the file had when it was opened. */
  @Override
  public long size() {
    return length;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new UnsupportedOperationException("read only");
  }

  @Override
  public boolean isOpen() {
    return file.isOpen();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
