package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.asger.aws.AwsClients;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * SIGTERM to the packaged jar, with a real queue (the tests' ElasticMQ, in queue-URL mode, as production runs):
 * exit 0, no waiting out the 20 s long poll, in-flight chains finish, an unfinished message is at once visible
 * to another consumer, and a retry cut short by the stop is not dead-lettered.
 */
class ShutdownIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void anIdleAsgerStopsAtOnceWithExitZeroWithoutWaitingOutTheLongPoll() throws Exception {
        Queues q = queues();
        Path log = work.resolve("idle.log");
        Process asger = start(q, Map.of(), log);
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("asger ready"));
        // Let a 20 s long poll begin.
        Thread.sleep(1500);
        long stopped = stop(asger);
        assertThat(asger.exitValue()).as(JarIT.read(log)).isZero();
        assertThat(stopped).as("ms from SIGTERM to exit").isLessThan(8_000);
        System.out.println("idle asger: exit " + asger.exitValue() + " " + stopped + " ms after SIGTERM");
    }

    @Test
    void anInFlightChainFinishesWithinTheShutdownTimeoutAndItsMessageIsDeleted() throws Exception {
        Queues q = queues();
        Path routes = routesWith("slow", "delay:\n            constant: 3000");
        Path log = work.resolve("finish.log");
        Process asger = start(q, Map.of("ASGER_TASKS", "slow", "ASGER_ROUTES_DIR", routes.toString(),
                "CAMEL_MAIN_SHUTDOWN_TIMEOUT", "30"), log, "-Dcamel.main.shutdown-timeout=30");
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("asger ready"));
        q.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("slow task started"));
        long stopped = stop(asger);
        assertThat(asger.exitValue()).as(JarIT.read(log)).isZero();
        assertThat(JarIT.read(log)).contains("Finished message").contains("handled");
        assertThat(q.receive(q.queue)).as("the message was deleted").isEmpty();
        System.out.println("busy asger (3 s task in flight): exit " + asger.exitValue() + " " + stopped + " ms after SIGTERM");
    }

    @Test
    void aChainLongerThanTheShutdownTimeoutLeavesItsMessageVisibleToAnotherConsumerAtOnce() throws Exception {
        Queues q = queues();
        Path routes = routesWith("slow", "delay:\n            constant: 120000");
        Path log = work.resolve("unfinished.log");
        Process asger = start(q, Map.of("ASGER_TASKS", "slow", "ASGER_ROUTES_DIR", routes.toString(),
                "ASGER_POLL_WAIT_SECONDS", "5"), log, "-Dcamel.main.shutdown-timeout=2");
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("asger ready"));
        String id = q.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("slow task started"));
        long stopped = stop(asger);
        assertThat(asger.exitValue()).as(JarIT.read(log)).isZero();
        assertThat(stopped).isLessThan(15_000);
        // asger received it with a 60 s visibility timeout: only the release makes it visible this soon (once the
        // 5 s long poll cut off at the stop has ended on the queue's side).
        long t0 = System.nanoTime();
        List<Message> again = q.awaitOne(q.queue);
        long visibleAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(stopped + visibleAfter).as("ms from SIGTERM until another consumer has it").isLessThan(20_000);
        assertThat(again).as(JarIT.read(log)).extracting(Message::messageId).containsExactly(id);
        assertThat(JarIT.read(log)).contains("Message " + id + " not finished").doesNotContain("Finished message");
        assertThat(q.receive(q.dlq)).isEmpty();
        System.out.println("asger with a 120 s task, shutdown-timeout 2 s, poll wait 5 s: exit " + asger.exitValue() + " "
                + stopped + " ms after SIGTERM, message received by another consumer " + (stopped + visibleAfter) + " ms after SIGTERM");
    }

    @Test
    void retriesStopAtShutdownAndTheMessageGoesBackToTheQueueNotToTheDeadLetterQueue() throws Exception {
        Queues q = queues();
        Path routes = routesWith("flaky", "throwException:\n            exceptionType: io.asger.errors.TransientFailure\n            message: flaky is down");
        Path log = work.resolve("retry.log");
        Process asger = start(q, Map.of("ASGER_TASKS", "flaky", "ASGER_ROUTES_DIR", routes.toString(),
                "ASGER_RETRY_DELAY_MS", "1000", "ASGER_RETRY_MULTIPLIER", "1", "ASGER_RETRY_MAX_REDELIVERIES", "100",
                "ASGER_POLL_WAIT_SECONDS", "5"), log);
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("asger ready"));
        String id = q.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
        Awaitility.await().atMost(WAIT).until(() -> JarIT.read(log).contains("On delivery attempt: 1"));
        long stopped = stop(asger);
        assertThat(asger.exitValue()).as(JarIT.read(log)).isZero();
        assertThat(stopped).isLessThan(15_000);
        assertThat(q.awaitOne(q.queue)).as(JarIT.read(log)).extracting(Message::messageId).containsExactly(id);
        assertThat(q.receive(q.dlq)).isEmpty();
        assertThat(JarIT.read(log)).doesNotContain("Dead-lettered").doesNotContain("On delivery attempt: 3");
    }

    /** The shipped routes, plus a task NAME whose down direction logs "slow task started" and then runs STEP. */
    private Path routesWith(String name, String step) throws IOException {
        Path dir = work.resolve("routes");
        Files.createDirectories(dir);
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path f : shipped.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve(name + ".camel.yaml"), """
                - route:
                    id: test-%s-down
                    from:
                      uri: direct:%s-down
                      steps:
                        - log: "slow task started for ${body.instanceId}"
                        - %s
                """.formatted(name, name, step));
        return dir;
    }

    private Process start(Queues q, Map<String, String> env, Path log, String... jvmArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(JarIT.JAVA));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-jar", JarIT.JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("ASGER_QUEUE_URL", q.queue.toString());
        pb.environment().put("ASGER_DLQ_URL", q.dlq.toString());
        pb.environment().put("AWS_ENDPOINT_URL_SQS", AsgerTestApp.sqsEndpoint().toString());
        pb.environment().put("AWS_REGION", "us-east-1");
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        pb.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(JarIT.freePort()));
        // Unsigned test envelopes about instances no EC2 knows, as in AsgerTestApp: the trust checks are off here.
        pb.environment().put("ASGER_SNS_VERIFY_SIGNATURES", "false");
        pb.environment().put("ASGER_VERIFY_TERMINATION", "false");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** SIGTERM; the milliseconds until the process exited. */
    private static long stop(Process asger) throws InterruptedException {
        long t0 = System.nanoTime();
        asger.destroy();
        assertThat(asger.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static Queues queues() {
        return new Queues(AsgerTestApp.createQueue("shutdown"), AsgerTestApp.createQueue("shutdown-dlq"));
    }

    record Queues(URI queue, URI dlq) {
        String send(String body) {
            try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
                return sqs.sendMessage(SendMessageRequest.builder().queueUrl(queue.toString()).messageBody(body).build()).messageId();
            }
        }

        /** What another consumer receives with a 20 s long poll: far sooner than asger's 60 s visibility timeout. */
        List<Message> awaitOne(URI from) {
            try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
                return sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(from.toString())
                        .maxNumberOfMessages(10).waitTimeSeconds(20).build()).messages();
            }
        }

        /** What another consumer receives from the queue right now (no waiting for a visibility timeout). */
        List<Message> receive(URI from) {
            try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
                return sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(from.toString())
                        .maxNumberOfMessages(10).waitTimeSeconds(1).build()).messages();
            }
        }
    }
}
