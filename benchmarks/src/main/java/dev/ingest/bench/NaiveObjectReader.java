package dev.ingest.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The naive way to train from an object store: list the prefix, then for each object in turn one
 * GET of the whole object, and only then read its records on the same thread, each in a new
 * array with both CRC32Cs checked (as {@link NaiveRecordStream} does for files), parsed by {@link
 * NaiveLoader} in batches of 256. Nothing overlaps: the next object's first byte is asked for
 * after the last record of this one is parsed.
 */
final class NaiveObjectReader {
  private static final int BATCH_ROWS = 256;

  private final S3AsyncClient client;
  private final String bucket;

  /** Reads from {@code bucket} through {@code client}, which the caller owns. */
  NaiveObjectReader(S3AsyncClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  /** Reads every object under {@code prefix} as records of gen kind {@code kind}; their count. */
  long readAll(String prefix, String kind) throws Exception {
    List<String> keys = new ArrayList<>();
    for (S3Object object : client.listObjectsV2(request -> request.bucket(bucket).prefix(prefix))
        .join().contents()) {
      keys.add(object.key());
    }
    long records = 0;
    for (String key : keys) {
      byte[] bytes = client.getObject(request -> request.bucket(bucket).key(key),
          AsyncResponseTransformer.toBytes()).join().asByteArrayUnsafe();
      List<byte[]> payloads = records(bytes, key);
      for (int first = 0; first < payloads.size(); first += BATCH_ROWS) {
        Object batch = NaiveLoader.batch(kind, first,
            Math.min(first + BATCH_ROWS, payloads.size()), payloads::get);
        if (batch == null) {
          throw new IllegalStateException("no batch");
        }
      }
      records += payloads.size();
    }
    return records;
  }

  /** The payloads of a whole TFRecord object, each copied out, both CRCs checked. */
  static List<byte[]> records(byte[] object, String name) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(object).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    List<byte[]> payloads = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 12) {
        throw new IOException("truncated header in " + name);
      }
      int headerStart = in.position();
      long length = in.getLong();
      check(crc, object, headerStart, 8, in.getInt(), name);
      if (length < 0 || length > in.remaining() - 4) {
        throw new IOException("truncated record in " + name);
      }
      byte[] payload = new byte[(int) length];
      in.get(payload);
      check(crc, payload, 0, payload.length, in.getInt(), name);
      payloads.add(payload);
    }
    return payloads;
  }

  private static void check(CRC32C crc, byte[] bytes, int offset, int length, int expected,
      String name) throws IOException {
    crc.reset();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    int masked = ((value >>> 15) | (value << 17)) + 0xa282ead8;
    if (masked != expected) {
      throw new IOException("CRC mismatch in " + name);
    }
  }
}
