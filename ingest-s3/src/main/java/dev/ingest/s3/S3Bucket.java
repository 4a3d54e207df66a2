package dev.ingest.s3;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The requests the file system makes of one bucket, each awaited on the caller's thread and each
 * failure translated by {@link S3Errors} with the URI it was for. The requests themselves run on
 * the client's event loops; nothing here blocks one.
 */
final class S3Bucket {
  /** The slowest upload a PUT's timeout allows for: the timeout grows with the object. */
  static final long MIN_UPLOAD_BYTES_PER_SECOND = 1 << 20;

  private final String name;
  private final S3AsyncClient client;
  private final S3Settings settings;

  S3Bucket(String name, S3AsyncClient client, S3Settings settings) {
    this.name = name;
    this.client = client;
    this.settings = settings;
  }

  String name() {
    return name;
  }

  /** The object's attributes from one HEAD. */
  S3ObjectAttributes head(S3Path object) throws IOException {
    HeadObjectResponse head = S3Errors.await(
        client.headObject(request -> request.bucket(name).key(object.key())),
        object.toString(), settings);
    return S3ObjectAttributes.object(head.contentLength(), head.eTag(), head.lastModified());
  }

  /** The object's attributes, or null where no object has this key. */
  S3ObjectAttributes headOrNull(S3Path object) throws IOException {
    try {
      return head(object);
    } catch (NoSuchFileException missing) {
      return null;
    }
  }

  /** Whether the bucket exists (HEAD of the bucket). */
  void checkBucket(S3Path root) throws IOException {
    S3Errors.await(client.headBucket(request -> request.bucket(name)), root.toString(), settings);
  }

  /**
   * One page of the folder {@code folder}: keys and common prefixes under {@code folder.key() +
   * "/"} with delimiter "/".
   *
   * @param continuation the previous page's continuation token, or null for the first page
   * @param maxKeys the most entries the page may hold (the store may cap it lower)
   */
  ListObjectsV2Response listPage(S3Path folder, String continuation, int maxKeys)
      throws IOException {
    ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
        .bucket(name).prefix(prefixOf(folder)).delimiter("/").maxKeys(maxKeys);
    if (continuation != null) {
      request.continuationToken(continuation);
    }
    return S3Errors.await(client.listObjectsV2(request.build()), folder.toString(), settings);
  }

  /** Whether any object's key starts with {@code folder.key() + "/"}. */
  boolean hasObjectsUnder(S3Path folder) throws IOException {
    ListObjectsV2Response page = S3Errors.await(
        client.listObjectsV2(request -> request.bucket(name).prefix(prefixOf(folder)).maxKeys(1)),
        folder.toString(), settings);
    return !page.contents().isEmpty();
  }

  /** The listing prefix of a folder: its key and a slash, or nothing for the root. */
  static String prefixOf(S3Path folder) {
    String key = folder.key();
    return key.isEmpty() ? "" : key + "/";
  }

  /**
   * Publishes {@code file}'s bytes as the object {@code object} with one PUT.
   *
   * @param onlyIfAbsent refuse (with {@link FileAlreadyExistsException}) if the key exists when
   *     the store receives the PUT, where the store supports conditional writes
   */
  void put(S3Path object, Path file, long size, boolean onlyIfAbsent) throws IOException {
    Duration timeout = settings.retries().requestTimeout()
        .plusSeconds(size / MIN_UPLOAD_BYTES_PER_SECOND);
    CompletableFuture<?> put = client.putObject(request -> {
      request.bucket(name).key(object.key()).contentLength(size)
          .overrideConfiguration(override -> override.apiCallAttemptTimeout(timeout));
      if (onlyIfAbsent) {
        request.ifNoneMatch("*");
      }
    }, AsyncRequestBody.fromFile(file));
    try {
      S3Errors.await(put, object.toString(), settings);
    } catch (IOException e) {
      if (onlyIfAbsent && e.getCause() instanceof AwsServiceException
          && isConditionFailed((AwsServiceException) e.getCause())) {
        throw new FileAlreadyExistsException(object.toString());
      }
      throw e;
    }
  }

  private static boolean isConditionFailed(AwsServiceException failure) {
    return failure.statusCode() == 412 || failure.statusCode() == 409;
  }

  /** A server-side copy of {@code source} to {@code target}, which may be in another bucket. */
  void copy(S3Path source, S3Path target) throws IOException {
    S3Errors.await(client.copyObject(request -> request
            .sourceBucket(name).sourceKey(source.key())
            .destinationBucket(target.bucket()).destinationKey(target.key())),
        source.toString(), settings);
  }

  /** Deletes the object {@code key} (the store does not say whether it existed). */
  void delete(S3Path object, String key) throws IOException {
    S3Errors.await(client.deleteObject(request -> request.bucket(name).key(key)),
        object.toString(), settings);
  }
}
