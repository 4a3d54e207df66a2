package dev.ingest.s3.testing;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import java.net.URI;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Small helpers for tests against an S3 server started in the test JVM (S3Mock): its endpoint, a
 * client for it or for a {@link FaultProxy} in front of it, and objects of random bytes.
 *
 * <p>S3Mock checks no signatures, so the static credentials here are placeholders; addressing is
 * path-style (the server answers on localhost, where a bucket cannot be a host name) and the
 * region us-east-1.
 */
public final class S3TestServer {
  /** Placeholder credentials: the server accepts any. */
  public static final String ACCESS_KEY_ID = "ingest-test";
  /** Placeholder credentials: the server accepts any. */
  public static final String SECRET_ACCESS_KEY = "ingest-test-secret";

  private S3TestServer() {}

  /** The plain-HTTP endpoint of a started S3Mock. */
  public static URI endpoint(S3MockStarter server) {
    return URI.create("http://localhost:" + server.getHttpPort());
  }

  /**
   * An async client on the SDK's Netty HTTP client for {@code endpoint}. Checksums are asked and
   * checked only where the API requires them, as S3-compatible stores that predate S3's default
   * checksums expect. The caller closes it.
   */
  public static S3AsyncClient client(URI endpoint) {
    return S3AsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .build();
  }

  /** Stores {@code bytes} as {@code bucket/key}; returns the object's ETag. */
  public static String put(S3AsyncClient client, String bucket, String key, byte[] bytes) {
    return client.putObject(request -> request.bucket(bucket).key(key),
        AsyncRequestBody.fromBytes(bytes)).join().eTag();
  }

  /** Creates {@code bucket} if it is not there yet. */
  public static void createBucket(S3AsyncClient client, String bucket) {
    boolean exists = client.listBuckets().join().buckets().stream()
        .anyMatch(existing -> existing.name().equals(bucket));
    if (!exists) {
      client.createBucket(request -> request.bucket(bucket)).join();
    }
  }

  /** {@code size} random bytes from {@code random}. */
  public static byte[] randomBytes(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }
}
