package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NettyFlightEventsTest {

  @Test
  void nettysEventsAreTurnedOffOnlyWhenNobodySaidOtherwise() {
    String before = System.getProperty(NettyFlightEvents.PROPERTY);
    try {
      System.setProperty(NettyFlightEvents.PROPERTY, "true");
      NettyFlightEvents.offUnlessConfigured();
      assertThat(System.getProperty(NettyFlightEvents.PROPERTY)).isEqualTo("true");
      System.clearProperty(NettyFlightEvents.PROPERTY);
      NettyFlightEvents.offUnlessConfigured();
      assertThat(System.getProperty(NettyFlightEvents.PROPERTY)).isEqualTo("false");
    } finally {
      if (before == null) {
        System.clearProperty(NettyFlightEvents.PROPERTY);
      } else {
        System.setProperty(NettyFlightEvents.PROPERTY, before);
      }
    }
  }
}
