package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class QueueReceiveFailuresTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
        void advance(Duration d) { now.updateAndGet(t -> t.plus(d)); }
    }

    @Test
    void theDelayDoublesFromOneSecondToAMinute() {
        assertThat(QueueReceiveFailures.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(QueueReceiveFailures.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(QueueReceiveFailures.delay(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(QueueReceiveFailures.delay(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(QueueReceiveFailures.delay(1000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void afterAFailureNoConsumerPollsUntilTheDelayIsOverAndThenOnlyOne() {
        TestClock clock = new TestClock();
        QueueReceiveFailures strategy = new QueueReceiveFailures(clock);
        assertThat(strategy.begin(null, null)).isTrue();
        assertThat(strategy.rollback(null, null, 0, new java.io.IOException("Connection refused"))).isFalse();
        assertThat(strategy.begin(null, null)).isFalse();
        clock.advance(Duration.ofMillis(999));
        assertThat(strategy.begin(null, null)).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(strategy.begin(null, null)).as("the one consumer that tries").isTrue();
        assertThat(strategy.begin(null, null)).as("the others wait for its answer").isFalse();
        strategy.rollback(null, null, 0, new java.io.IOException("Connection refused"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(strategy.begin(null, null)).as("now 2 s").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(strategy.begin(null, null)).isTrue();
        strategy.commit(null, null, 3);
        assertThat(strategy.begin(null, null)).as("a receive that worked ends the backoff").isTrue();
        assertThat(strategy.begin(null, null)).isTrue();
    }
}
