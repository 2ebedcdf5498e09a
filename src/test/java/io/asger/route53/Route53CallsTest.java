package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class Route53CallsTest {

    private static AwsServiceException error(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Test
    void retriesThrottlingAndPriorRequestNotCompleteThenAnswers() {
        Route53Calls calls = new Route53Calls(0, 5, Duration.ofMillis(1), Duration.ofMillis(5));
        AtomicInteger attempts = new AtomicInteger();

        String answer = calls.call("test", () -> switch (attempts.incrementAndGet()) {
            case 1 -> throw error("Throttling", 400);
            case 2 -> throw error("PriorRequestNotComplete", 400);
            case 3 -> throw error("InternalError", 500);
            default -> "done";
        });

        assertThat(answer).isEqualTo("done");
        assertThat(attempts).hasValue(4);
        assertThat(calls.requests()).isEqualTo(4);
        assertThat(calls.retried()).isEqualTo(3);
    }

    @Test
    void givesUpAfterMaxAttemptsAndNeverRetriesARejectedRequest() {
        Route53Calls calls = new Route53Calls(0, 3, Duration.ofMillis(1), Duration.ofMillis(2));
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> calls.call("test", () -> {
            attempts.incrementAndGet();
            throw error("Throttling", 400);
        })).isInstanceOf(AwsServiceException.class);
        assertThat(attempts).hasValue(3);

        attempts.set(0);
        assertThatThrownBy(() -> calls.call("test", () -> {
            attempts.incrementAndGet();
            throw error("InvalidChangeBatch", 400);
        })).isInstanceOf(AwsServiceException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void backoffGrowsWithJitterUpToTheCap() {
        Route53Calls calls = new Route53Calls(0, 8, Duration.ofMillis(100), Duration.ofMillis(1000));

        for (int i = 0; i < 200; i++) {
            assertThat(calls.backoffMs(1)).isBetween(50L, 100L);
            assertThat(calls.backoffMs(3)).isBetween(200L, 400L);
            assertThat(calls.backoffMs(10)).isBetween(500L, 1000L);
        }
    }

    @Test
    void spacesCallsToTheRequestRate() {
        Route53Calls calls = new Route53Calls(5, 1, Duration.ofMillis(1), Duration.ofMillis(1));

        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            calls.call("test", () -> "ok");
        }

        // Six calls at 5 per second: the sixth starts a second after the first.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }
}
