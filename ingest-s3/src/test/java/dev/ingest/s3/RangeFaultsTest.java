package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.s3.RangeFaults.RangeTimeoutException;
import dev.ingest.s3.RangeFaults.ShortBodyException;
import dev.ingest.s3.RangeFaults.UnexpectedRangeException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RangeFaultsTest {
  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504, 408, 429})
  void theStoresTransientAnswersAreRetried(int status) {
    assertThat(RangeFaults.retryable(new CompletionException(answer(status, "SlowDown"))))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 412, 416})
  void theStoresRefusalsAreNot(int status) {
    assertThat(RangeFaults.retryable(answer(status, "NoSuchKey"))).isFalse();
  }

  @Test
  void brokenConnectionsTimeoutsAndShortBodiesAreRetried() {
    assertThat(RangeFaults.retryable(SdkClientException.create("Unable to execute HTTP request",
        new IOException("Connection reset by peer")))).isTrue();
    assertThat(RangeFaults.retryable(new RangeTimeoutException("stalled"))).isTrue();
    assertThat(RangeFaults.retryable(new ShortBodyException("short"))).isTrue();
  }

  @Test
  void aResponseForAnotherRangeAndAClientMisconfigurationAreNot() {
    assertThat(RangeFaults.retryable(new UnexpectedRangeException("bytes 0-9/10"))).isFalse();
    assertThat(RangeFaults.retryable(SdkClientException.create("Unable to load credentials")))
        .isFalse();
  }

  @Test
  void aPreconditionFailureMeansTheObjectChanged() {
    assertThat(RangeFaults.objectChanged(new CompletionException(answer(412, "PreconditionFailed"))))
        .isTrue();
    assertThat(RangeFaults.objectChanged(answer(404, "NoSuchKey"))).isFalse();
    assertThat(RangeFaults.describe(answer(503, "SlowDown"))).isEqualTo("HTTP 503 SlowDown");
  }

  private static S3Exception answer(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
  }
}
