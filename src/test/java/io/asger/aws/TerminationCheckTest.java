package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class TerminationCheckTest {

    @Test
    void offItAsksNothingCountsNothingAndGivesNoReasonToLog() {
        TerminationCheck check = new TerminationCheck(region -> {
            throw new AssertionError("no EC2 client when the check is off");
        }, region -> {
            throw new AssertionError("no Auto Scaling client when the check is off");
        });
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        check.setMetrics(metrics);
        check.setEnabled(false);

        assertThat(check.confirm("i-0123456789abcdef0", "us-east-1")).isNull();
        assertThat(metrics.getMeters()).isEmpty();
    }
}
