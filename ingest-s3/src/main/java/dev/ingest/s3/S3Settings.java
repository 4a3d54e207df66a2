package dev.ingest.s3;

import dev.ingest.spi.ReadAhead;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Where a bucket's store is and how it is spoken to: the settings of one {@link S3FileSystem}.
 *
 * <p>This is the one place that reads the environment. Each value comes from the first of:
 *
 * <ol>
 *   <li>the map given to {@link java.nio.file.FileSystems#newFileSystem(URI, Map)} (the pipeline's
 *       {@code options.storage.s3}), under the keys below; values may be strings, numbers or
 *       booleans;
 *   <li>the environment: {@code AWS_ENDPOINT_URL_S3}, then {@code AWS_ENDPOINT_URL} for the
 *       endpoint (the S3-specific name first, as the AWS tools do), then the SDK's system property
 *       {@code aws.endpointUrl}; {@code AWS_REGION} for the region;
 *   <li>the SDK's defaults: its region chain (system property {@code aws.region}, profile file,
 *       instance metadata), and {@code us-east-1} when it finds none, so that a store that ignores
 *       regions (MinIO, S3Mock) needs no region set.
 * </ol>
 *
 * <p>{@code path_style} defaults to true when an endpoint is set (the S3-compatible stores expect
 * {@code http://host/bucket/key}) and false for AWS itself (virtual-hosted buckets).
 *
 * @param endpoint the store's base URI, or null for AWS S3 in {@code region}
 * @param region the signing region
 * @param pathStyle whether the bucket goes in the URI path instead of the host name
 * @param readAhead the read-ahead of reads that do not pass a {@link ReadAhead} option
 * @param retries tries and per-request timeout of every request
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, ReadAhead readAhead,
    RetryPolicy retries) {
  /** Env-map key: the store's base URI, such as {@code http://localhost:9000}. */
  public static final String ENDPOINT = "endpoint";
  /** Env-map key: the signing region. */
  public static final String REGION = "region";
  /** Env-map key: {@code true} for path-style addressing. */
  public static final String PATH_STYLE = "path_style";
  /** Env-map key: read-ahead block size in bytes, or {@code auto}. */
  public static final String READ_AHEAD_BLOCK_SIZE = "read_ahead_block_size";
  /** Env-map key: read-ahead depth, or {@code auto}. */
  public static final String READ_AHEAD_DEPTH = "read_ahead_depth";
  /** Env-map key: tries per request, the first included. */
  public static final String MAX_ATTEMPTS = "max_attempts";
  /** Env-map key: how long one try of a request may take, in milliseconds. */
  public static final String REQUEST_TIMEOUT_MS = "request_timeout_ms";

  /** The region when neither the settings, the environment nor the SDK name one. */
  public static final String FALLBACK_REGION = "us-east-1";

  public S3Settings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(readAhead, "readAhead");
    Objects.requireNonNull(retries, "retries");
  }

  /** The settings from the file system's env map, then this process's environment. */
  public static S3Settings from(Map<String, ?> env) {
    return from(env, System.getenv());
  }

  /**
   * The settings from {@code env}, then {@code environment} (the process's environment
   * variables, passed in so that tests can give their own).
   *
   * @throws IllegalArgumentException naming the key of a value that does not parse
   */
  public static S3Settings from(Map<String, ?> env, Map<String, String> environment) {
    URI endpoint = endpoint(env, environment);
    String region = text(env, REGION);
    if (region == null) {
      region = blankToNull(environment.get("AWS_REGION"));
    }
    if (region == null) {
      region = sdkRegionOrFallback();
    }
    String pathStyle = text(env, PATH_STYLE);
    boolean pathStyleOn = pathStyle == null ? endpoint != null : bool(PATH_STYLE, pathStyle);
    ReadAhead readAhead = new ReadAhead(autoOrInt(env, READ_AHEAD_BLOCK_SIZE),
        autoOrInt(env, READ_AHEAD_DEPTH));
    RetryPolicy defaults = RetryPolicy.defaults();
    String attempts = text(env, MAX_ATTEMPTS);
    String timeout = text(env, REQUEST_TIMEOUT_MS);
    RetryPolicy retries = new RetryPolicy(
        attempts == null ? defaults.maxAttempts() : integer(MAX_ATTEMPTS, attempts),
        defaults.baseDelay(), defaults.maxDelay(),
        timeout == null ? defaults.requestTimeout()
            : Duration.ofMillis(integer(REQUEST_TIMEOUT_MS, timeout)));
    return new S3Settings(endpoint, region, pathStyleOn, readAhead, retries);
  }

  /** The endpoint for messages: the one set, or AWS's for the region. */
  public String endpointForMessages() {
    return endpoint != null ? endpoint.toString() : "https://s3." + region + ".amazonaws.com";
  }

  private static URI endpoint(Map<String, ?> env, Map<String, String> environment) {
    String text = text(env, ENDPOINT);
    String key = ENDPOINT;
    if (text == null) {
      key = "AWS_ENDPOINT_URL_S3";
      text = blankToNull(environment.get(key));
    }
    if (text == null) {
      key = "AWS_ENDPOINT_URL";
      text = blankToNull(environment.get(key));
    }
    if (text == null) {
      // The system property the AWS SDK reads for the same setting: for a JVM that cannot set
      // its environment, such as a test or an embedding application.
      key = "aws.endpointUrl";
      text = blankToNull(System.getProperty(key));
    }
    if (text == null) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URI: " + text, e);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException(
          key + " must be a URI such as http://host:port, not " + text);
    }
    return uri;
  }

  // The SDK's chain ends at instance metadata; off AWS it fails, and a region-agnostic store
  // should not need one.
  private static String sdkRegionOrFallback() {
    try {
      Region region = DefaultAwsRegionProviderChain.builder().build().getRegion();
      return region != null ? region.id() : FALLBACK_REGION;
    } catch (RuntimeException noRegion) {
      return FALLBACK_REGION;
    }
  }

  private static String text(Map<String, ?> env, String key) {
    Object value = env == null ? null : env.get(key);
    return value == null ? null : blankToNull(value.toString());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static int autoOrInt(Map<String, ?> env, String key) {
    String value = text(env, key);
    if (value == null || value.toLowerCase(Locale.ROOT).equals("auto")) {
      return ReadAhead.AUTO;
    }
    return integer(key, value);
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, not " + value, e);
    }
  }

  private static boolean bool(String key, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(key + " must be true or false, not " + value);
    }
  }
}
