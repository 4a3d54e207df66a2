package dev.ingest.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads an object with one GET of the whole object, so that the provider's tests read through
 * the store without depending on the read-ahead channel. Counts the objects it opened.
 */
final class WholeObjectReadChannels implements ReadChannels {
  final AtomicInteger opened = new AtomicInteger();

  @Override
  public SeekableByteChannel open(software.amazon.awssdk.services.s3.S3AsyncClient client,
      S3Path object, long size, String eTag, dev.ingest.spi.ReadAhead readAhead,
      RetryPolicy retries, long readFrom) throws IOException {
    opened.incrementAndGet();
    ResponseBytes<GetObjectResponse> bytes = S3Errors.await(
        client.getObject(request -> request.bucket(object.bucket()).key(object.key()),
            AsyncResponseTransformer.toBytes()),
        object.toString(), object.getFileSystem().settings());
    BytesChannel channel = new BytesChannel(bytes.asByteArray());
    channel.position(readFrom);
    return channel;
  }

  /** A read-only channel over bytes in memory. */
  private static final class BytesChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private int position;
    private boolean open = true;

    BytesChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (position >= bytes.length) {
        return -1;
      }
      int count = Math.min(destination.remaining(), bytes.length - position);
      destination.put(bytes, position, count);
      position += count;
      return count;
    }

    @Override
    public int write(ByteBuffer source) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = (int) Math.min(newPosition, bytes.length);
      return this;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
