package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import io.asger.AsgerTestApp;
import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A queue that cannot be reached while asger runs: the consumer backs off, and each failed receive is one WARN line
 * without a stack trace (before: a 220-line trace three times a second).
 */
class UnreachableQueueIT {

    static final String LINE = "Cannot receive from the queue";

    @Test
    void anUnreachableQueueBacksOffWithOneWarnLinePerAttemptAndNoStackTrace() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        // Not SQS's public host: the URL itself is where asger connects, and nothing listens there.
        String queue = "http://127.0.0.1:" + closed + "/000000000000/asger-unreachable";
        long started = System.nanoTime();
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.queue-url", queue, "asger.dlq-url", queue + "-dlq"))) {
            Awaitility.await("four failed receives").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> warnings(app.logText()).size() >= 4);
            String log = app.logText();
            double seconds = (System.nanoTime() - started) / 1e9;
            List<String> warnings = warnings(log);
            System.out.printf("unreachable queue: %d WARN lines, %d bytes of log in %.1f s%n", warnings.size(),
                    log.length(), seconds);
            // Both consumers (asger.concurrency = 2) had a receive in flight when it failed: two lines at once.
            // After that, one consumer alone tries at each step, after the wait its line named: 1 line per step.
            assertThat(warnings.get(0)).contains("WARN", "(failed receive 1 in a row)", "Connect", "next attempt in 1 s");
            assertThat(warnings.get(1)).contains("(failed receive 2 in a row)", "next attempt in 2 s");
            assertThat(warnings.get(2)).contains("(failed receive 3 in a row)", "next attempt in 4 s");
            assertThat(warnings.get(3)).contains("(failed receive 4 in a row)", "next attempt in 8 s");
            assertThat(Duration.between(time(warnings.get(1)), time(warnings.get(2)))).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(Duration.between(time(warnings.get(2)), time(warnings.get(3)))).isGreaterThanOrEqualTo(Duration.ofMillis(3900));
            assertThat(log).doesNotContain("\tat ").doesNotContain("Caused by:");
            assertThat(log.length()).isLessThan(20_000);

            // The queue comes back (an SQS server on that port, with the queue): the next attempt receives, the
            // backoff ends, and a message sent now is handled.
            SQSRestServer back = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(closed).start();
            back.waitUntilStarted();
            try (SqsClient client = AwsClients.localSqs(URI.create("http://127.0.0.1:" + closed))) {
                client.createQueue(b -> b.queueName("asger-unreachable"));
                client.createQueue(b -> b.queueName("asger-unreachable-dlq"));
                client.sendMessage(b -> b.queueUrl(queue).messageBody(
                        io.asger.TestEvents.snsTerminate("i-0123456789abcdef0", "web")));
                Awaitility.await("the queue answers again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> app.logText().contains("Finished message"));
                assertThat(app.logText()).contains("The queue answers again, after ");
            } finally {
                back.stopAndWait();
            }
        }
    }

    static List<String> warnings(String log) {
        return log.lines().filter(l -> l.contains(LINE)).toList();
    }

    static LocalTime time(String line) {
        return LocalTime.parse(line.substring(0, 12));
    }
}
