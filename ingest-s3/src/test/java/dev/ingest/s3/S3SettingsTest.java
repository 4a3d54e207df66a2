package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.spi.ReadAhead;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where each setting comes from: the env map first, then the environment, then defaults. */
class S3SettingsTest {
  @Test
  void theEnvMapComesFirst() {
    S3Settings settings = S3Settings.from(
        Map.of("endpoint", "http://minio:9000", "region", "eu-west-1", "path_style", false,
            "read_ahead_block_size", 65536, "read_ahead_depth", "auto", "max_attempts", "4",
            "request_timeout_ms", 1500),
        Map.of("AWS_ENDPOINT_URL", "http://elsewhere:1", "AWS_REGION", "ap-south-1"));
    assertThat(settings.endpoint()).isEqualTo(URI.create("http://minio:9000"));
    assertThat(settings.region()).isEqualTo("eu-west-1");
    assertThat(settings.pathStyle()).isFalse();
    assertThat(settings.readAhead()).isEqualTo(new ReadAhead(65536, ReadAhead.AUTO));
    assertThat(settings.retries().maxAttempts()).isEqualTo(4);
    assertThat(settings.retries().requestTimeout()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void thenTheEnvironmentWithTheS3SpecificEndpointFirst() {
    S3Settings generic = S3Settings.from(Map.of(),
        Map.of("AWS_ENDPOINT_URL", "http://generic:1", "AWS_REGION", "ap-south-1"));
    assertThat(generic.endpoint()).isEqualTo(URI.create("http://generic:1"));
    assertThat(generic.region()).isEqualTo("ap-south-1");
    assertThat(generic.pathStyle()).as("a custom endpoint is path-style by default").isTrue();

    S3Settings specific = S3Settings.from(Map.of(),
        Map.of("AWS_ENDPOINT_URL", "http://generic:1", "AWS_ENDPOINT_URL_S3", "http://s3only:2",
            "AWS_REGION", "ap-south-1"));
    assertThat(specific.endpoint()).isEqualTo(URI.create("http://s3only:2"));
  }

  @Test
  void thenTheDefaults() {
    S3Settings settings = S3Settings.from(Map.of("region", "us-east-1"), Map.of());
    assertThat(settings.endpoint()).isNull();
    assertThat(settings.pathStyle()).isFalse();
    assertThat(settings.readAhead()).isEqualTo(ReadAhead.auto());
    assertThat(settings.retries()).isEqualTo(RetryPolicy.defaults());
    assertThat(settings.endpointForMessages()).isEqualTo("https://s3.us-east-1.amazonaws.com");
  }

  @Test
  void aValueThatDoesNotParseNamesItsKey() {
    assertThatThrownBy(() -> S3Settings.from(Map.of("max_attempts", "many"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_attempts");
    assertThatThrownBy(() -> S3Settings.from(Map.of("path_style", "yes"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path_style");
    assertThatThrownBy(() -> S3Settings.from(Map.of("endpoint", "localhost"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> S3Settings.from(Map.of(), Map.of("AWS_ENDPOINT_URL", "no uri")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AWS_ENDPOINT_URL");
    assertThatThrownBy(() -> S3Settings.from(Map.of("read_ahead_depth", 999), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depth");
  }
}
