package dev.ingest;

import dev.ingest.spi.ReadAhead;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where and how a pipeline reaches files that are not on the local disk.
 *
 * <p>Paths of the form {@code scheme://...} (such as {@code s3://bucket/prefix/*.tfrecord}) are
 * served by the file system provider installed for the scheme (module {@code ingest-s3} for
 * {@code s3}); {@code schemes} holds each scheme's settings, handed to that provider as they are
 * (for {@code s3}: {@code endpoint}, {@code region}, {@code path_style}). Unset settings come from
 * the environment (for {@code s3}: {@code AWS_ENDPOINT_URL}, {@code AWS_REGION} and the AWS SDK's
 * default chains).
 *
 * <p>Neither part is in the spec's fingerprint: they say where the bytes are and how they travel,
 * not which batches come out.
 *
 * @param readAhead how far ahead of the reader each remote object is read (block size and depth)
 * @param schemes settings per URI scheme (lower case), each a map of setting to value
 */
public record StorageOptions(ReadAhead readAhead, Map<String, Map<String, String>> schemes) {
  private static final StorageOptions DEFAULTS = new StorageOptions(ReadAhead.auto(), Map.of());

  public StorageOptions {
    if (readAhead == null) {
      throw new IllegalArgumentException("read_ahead is required (ReadAhead.auto() for automatic)");
    }
    Map<String, Map<String, String>> copy = new TreeMap<>();
    schemes.forEach((scheme, settings) ->
        copy.put(scheme.toLowerCase(Locale.ROOT), Map.copyOf(new LinkedHashMap<>(settings))));
    schemes = Map.copyOf(copy);
  }

  /** Automatic read-ahead; every scheme's settings from the environment. */
  public static StorageOptions defaults() {
    return DEFAULTS;
  }

  /** The settings given for {@code scheme}, empty when none are. */
  public Map<String, String> settingsFor(String scheme) {
    return schemes.getOrDefault(scheme.toLowerCase(Locale.ROOT), Map.of());
  }

  public StorageOptions withReadAhead(ReadAhead value) {
    return new StorageOptions(value, schemes);
  }

  /** These options with {@code settings} for {@code scheme}, replacing any given before. */
  public StorageOptions withScheme(String scheme, Map<String, String> settings) {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>(schemes);
    copy.put(scheme.toLowerCase(Locale.ROOT), settings);
    return new StorageOptions(readAhead, copy);
  }
}
