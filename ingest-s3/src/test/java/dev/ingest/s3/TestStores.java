package dev.ingest.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.util.Map;

/** How the tests reach the S3 server they start. */
final class TestStores {
  private TestStores() {}

  /**
   * Credentials for the SDK's default chain: the test server checks no signatures, but the SDK
   * signs every request and needs some.
   */
  static void useStaticCredentials() {
    System.setProperty("aws.accessKeyId", "test-access-key");
    System.setProperty("aws.secretAccessKey", "test-secret-key");
  }

  /** The settings of a file system on the test server. */
  static Map<String, String> settingsFor(S3MockExtension server) {
    return Map.of(S3Settings.ENDPOINT, "http://localhost:" + server.getHttpPort(),
        S3Settings.REGION, "us-east-1", S3Settings.PATH_STYLE, "true",
        S3Settings.MAX_ATTEMPTS, "3");
  }
}
