package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.asger.errors.DeadLetterAttributes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The real routes/ files against a real SQS protocol peer (ElasticMQ), with recording test tasks. */
class PipelineIT {

    static final List<String> TEST_TASKS = List.of("classpath:test-routes/recording-tasks.camel.yaml");
    static final Map<String, String> CHAIN = Map.of("asger.tasks", "first,second,third");
    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
    }

    @Test
    void launchRunsTasksInOrderAndSkipsMissingDirections() {
        try (AsgerTestApp app = AsgerTestApp.start(CHAIN, TEST_TASKS)) {
            app.send(TestEvents.snsLaunch("i-0123456789abcdef0", "web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("first-up:i-0123456789abcdef0", "second-up:i-0123456789abcdef0");
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void terminationRunsTasksInReverseOrderAndDeletesTheMessage() {
        try (AsgerTestApp app = AsgerTestApp.start(CHAIN, TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly(
                    "third-down:i-0123456789abcdef0", "second-down:i-0123456789abcdef0", "first-down:i-0123456789abcdef0");
            assertThat(app.mainQueueDepth()).isZero();
            assertThat(app.dlq()).isEmpty();
            // asger's own lines about a handled message: the one "Finished" line (these tasks log nothing, and with the
            // termination check off there is no "is going away" line).
            assertThat(app.logText().lines().filter(l -> l.contains("instance=i-0123456789abcdef0"))
                    .filter(l -> l.contains(" INFO ") || l.contains(" WARN ")).toList())
                    .singleElement().asString().contains("Finished message ").contains(": handled in ");
        }
    }

    @Test
    void everySupportedFormatReachesTheChain() {
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first"), TEST_TASKS)) {
            app.send(TestEvents.rawTerminate("i-00000001", "web"));
            app.send(TestEvents.lifecycleTerminating("i-00000002", "web"));
            app.send(TestEvents.sns(TestEvents.lifecycleLaunching("i-00000003", "web")));
            app.send(TestEvents.eventBridgeTerminate("i-00000004", "web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactlyInAnyOrder(
                    "first-down:i-00000001", "first-down:i-00000002", "first-up:i-00000003", "first-down:i-00000004");
        }
    }

    @Test
    void transientFailureIsRetriedWithAFreshEventAndThenSucceeds() {
        TaskRecorder.failNext("third-down", 2, false);
        try (AsgerTestApp app = AsgerTestApp.start(CHAIN, TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDrained(WAIT);
            // third-down ran three times, each time given the event although it left another body behind.
            assertThat(TaskRecorder.calls()).containsExactly(
                    "third-down:i-0123456789abcdef0", "third-down:i-0123456789abcdef0", "third-down:i-0123456789abcdef0",
                    "second-down:i-0123456789abcdef0", "first-down:i-0123456789abcdef0");
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void exhaustedRetriesDeadLetterTheOriginalBodyWithItsReason() {
        TaskRecorder.failNext("second-down", 100, false);
        String body = TestEvents.snsTerminate("i-0123456789abcdef0", "web");
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first,second,third",
                "asger.retry.max-redeliveries", "3"), TEST_TASKS)) {
            String id = app.send(body);
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            assertThat(dead).hasSize(1);
            Message m = dead.get(0);
            assertThat(m.body()).isEqualTo(body);
            assertThat(attr(m, DeadLetterAttributes.FAILED_TASK)).isEqualTo("second");
            assertThat(attr(m, DeadLetterAttributes.ATTEMPTS)).isEqualTo("4");
            assertThat(attr(m, DeadLetterAttributes.ERROR_KIND)).isEqualTo("transient");
            assertThat(attr(m, DeadLetterAttributes.ERROR_TYPE)).isEqualTo("io.asger.errors.TransientFailure");
            assertThat(attr(m, DeadLetterAttributes.ERROR_MESSAGE)).contains("test task second-down is down");
            assertThat(attr(m, DeadLetterAttributes.ORIGINAL_MESSAGE_ID)).isEqualTo(id);
            assertThat(attr(m, DeadLetterAttributes.FIRST_FAILURE_TIME)).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            // The chain stopped at the failed task: first-down never ran.
            assertThat(TaskRecorder.calls()).doesNotContain("first-down:i-0123456789abcdef0")
                    .filteredOn(c -> c.startsWith("second-down")).hasSize(4);
        }
    }

    @Test
    void permanentFailureIsDeadLetteredWithoutRetries() {
        TaskRecorder.failNext("second-down", 100, true);
        String body = TestEvents.snsTerminate("i-0123456789abcdef0", "web");
        try (AsgerTestApp app = AsgerTestApp.start(CHAIN, TEST_TASKS)) {
            app.send(body);
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);
            assertThat(dead.get(0).body()).isEqualTo(body);
            assertThat(attr(dead.get(0), DeadLetterAttributes.ATTEMPTS)).isEqualTo("1");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(TaskRecorder.calls()).filteredOn(c -> c.startsWith("second-down")).hasSize(1);
        }
    }

    @Test
    void invalidMessageIsDeadLetteredAtOnceNamingTheFieldAndNeverReachesATask() {
        try (AsgerTestApp app = AsgerTestApp.start(CHAIN, TEST_TASKS)) {
            String id = app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web").replace("i-0123456789abcdef0", "i-../../x"));
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).isEmpty();
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_TYPE)).isEqualTo("io.asger.event.InvalidMessageException");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_MESSAGE)).contains(id).contains("EC2InstanceId");
            assertThat(attr(dead.get(0), DeadLetterAttributes.FAILED_TASK)).isEqualTo("none");
            assertThat(app.logText()).contains("Dead-lettered message " + id).contains("field 'EC2InstanceId'");
        }
    }

    @Test
    void testNotificationsSubscriptionMessagesAndOtherGroupsAreAcknowledgedWithoutTasks() {
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first", "asger.groups", "web,/api-.*/"), TEST_TASKS)) {
            app.send(TestEvents.snsTest("web"));
            app.send("{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"m\",\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:t\","
                    + "\"Message\":\"You have chosen to subscribe\",\"SubscribeURL\":\"https://example.invalid/confirm\",\"Token\":\"t\"}");
            app.send(TestEvents.snsTerminate("i-00000001", "batch"));
            app.send(TestEvents.snsTerminate("i-00000002", "api-blue"));
            app.send(TestEvents.sns(TestEvents.notification("autoscaling:EC2_INSTANCE_REFRESH", "i-00000003", "web")));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("first-down:i-00000002");
            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains("group 'batch' is not in asger.groups")
                    .contains("SNS SubscriptionConfirmation").contains("unknown Auto Scaling event 'autoscaling:EC2_INSTANCE_REFRESH'")
                    .contains("Test notification acknowledged");
            assertThat(counted(app, "asger.events.ignored")).isEqualTo(3.0);
        }
    }

    @Test
    void failureChainRunsForFailedTermination() {
        try (AsgerTestApp app = AsgerTestApp.start(CHAIN, TEST_TASKS)) {
            app.send(TestEvents.snsTerminateError("i-0123456789abcdef0", "web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("second-down-failed:i-0123456789abcdef0");
        }
    }

    @Test
    void unreachableDeadLetterQueueLeavesTheMessageInTheMainQueue() {
        TaskRecorder.failNext("first-down", 1000, true);
        String missingDlq = AsgerTestApp.sqsEndpoint() + "/000000000000/no-such-dlq";
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first", "asger.dlq-url", missingDlq,
                "asger.visibility-timeout-seconds", "10"), TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !TaskRecorder.calls().isEmpty());
            // The DLQ send failed, so the message was not deleted: SQS still holds it, and delivers it again once
            // its visibility timeout (10 s) has passed.
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> app.mainQueueDepth() == 1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> TaskRecorder.calls().size() >= 2);
            assertThat(app.mainQueueDepth()).isEqualTo(1);
            assertThat(app.logText()).contains("The specified queue does not exist");
            // No outcome, so message-done never ran for it.
            assertThat(app.logText()).doesNotContain("Finished message ");
            assertThat(outcomes(app, "dead-lettered")).isZero();
        }
    }

    @Test
    void replayListsThenMovesDeadLettersBackAndTheyAreHandled() throws Exception {
        TaskRecorder.failNext("first-down", 1, true);
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first"), TEST_TASKS)) {
            String id = app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);
            var settings = io.asger.config.AsgerProperties.load(Map.of("asger.queue-url", app.queueUrl().toString(),
                    "asger.dlq-url", app.dlqUrl().toString()));

            var listing = new java.io.ByteArrayOutputStream();
            io.asger.cli.ReplayCommand.run(new String[] {"--list"}, settings, new java.io.PrintStream(listing, true));
            assertThat(listing.toString()).contains("task=first").contains("kind=permanent").contains("1 message(s) in");
            assertThat(app.dlq()).hasSize(1);

            var moving = new java.io.ByteArrayOutputStream();
            io.asger.cli.ReplayCommand.run(new String[] {"--count", "1"}, settings, new java.io.PrintStream(moving, true));
            assertThat(moving.toString()).contains("replayed " + id).contains("1 message(s) moved");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> TaskRecorder.calls().size() == 2);
            app.awaitDrained(WAIT);
            assertThat(app.dlq()).isEmpty();
            assertThat(TaskRecorder.calls()).containsExactly("first-down:i-0123456789abcdef0", "first-down:i-0123456789abcdef0");
        }
    }

    @Test
    void visibilityIsExtendedWhileASlowTaskRunsSoTheMessageIsHandledOnce() {
        // The task takes 2.5 times the visibility timeout: without extension SQS would hand the message out again.
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "slow", "asger.visibility-timeout-seconds", "10",
                "test.slow-task-ms", "25000", "asger.concurrency", "2"), TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDrained(Duration.ofSeconds(60));
            assertThat(TaskRecorder.calls()).containsExactly("slow-down:i-0123456789abcdef0");
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void messagesOfOnePollAreHandledTogetherSoNoneWaitsUnextendedBehindASlowOne() {
        // Three messages in one consumer's first poll, each task 15 s, visibility 10 s: a message left waiting on that
        // consumer's thread would become visible again, and the second consumer would handle it a second time.
        List<String> bodies = List.of(TestEvents.snsTerminate("i-00000001", "web"),
                TestEvents.snsTerminate("i-00000002", "web"), TestEvents.snsTerminate("i-00000003", "web"));
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "slow", "asger.visibility-timeout-seconds", "10",
                "test.slow-task-ms", "15000", "asger.concurrency", "2"), TEST_TASKS, bodies)) {
            app.awaitDrained(Duration.ofSeconds(90));
            assertThat(TaskRecorder.calls()).containsExactlyInAnyOrder(
                    "slow-down:i-00000001", "slow-down:i-00000002", "slow-down:i-00000003");
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void messageAttributesNamedLikeCamelHeadersSteerNothing() {
        // SNS message attributes reach SQS as message attributes, and Camel maps attributes to headers: an attacker
        // who can publish must not be able to make the DLQ producer purge the DLQ, or a task call another host.
        TaskRecorder.failNext("first-down", 1, true);
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first"), TEST_TASKS)) {
            app.send(TestEvents.snsTerminate("i-00000001", "web"));
            app.awaitDlq(1, WAIT);
            app.send("not json", Map.of("CamelAwsSqsOperation", "purgeQueue", "CamelHttpUri", "http://127.0.0.1:9/evil"));
            app.awaitDlq(2, WAIT);
            app.send(TestEvents.snsTerminate("i-00000002", "web"),
                    Map.of("CamelHttpUri", "http://127.0.0.1:9/evil", "CamelHttpMethod", "DELETE", "X-Custom", "x"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).contains("first-down:i-00000002");
            assertThat(TaskRecorder.HEADERS_SEEN).doesNotContain("CamelHttpUri", "CamelHttpMethod", "X-Custom");
            assertThat(app.dlq()).hasSize(2)
                    .allSatisfy(m -> assertThat(m.messageAttributes()).doesNotContainKeys("CamelAwsSqsOperation", "CamelHttpUri"));
        }
    }

    @Test
    void aTaskWithoutARouteStopsStartupNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AsgerTestApp.start(Map.of("asger.tasks", "log,nosuch")).close())
                .hasStackTraceContaining("asger.tasks: names 'nosuch', but no route consumes direct:nosuch-up");
    }

    @Test
    void everyMessageEndsExactlyOnceInMessageDoneWithItsOutcome() {
        TaskRecorder.failNext("first-up", 1, true);
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first", "asger.groups", "web"), TEST_TASKS)) {
            String handled = app.send(TestEvents.snsTerminate("i-00000001", "web"));
            String failed = app.send(TestEvents.snsLaunch("i-00000002", "web"));
            String invalid = app.send("not json");
            String ignored = app.send(TestEvents.snsTerminate("i-00000003", "batch"));
            String test = app.send(TestEvents.snsTest("web"));
            app.awaitDlq(2, WAIT);
            app.awaitDrained(WAIT);

            String log = app.logText();
            assertThat(occurrences(log, "Finished message " + handled + ": handled in ")).isEqualTo(1);
            assertThat(occurrences(log, "Finished message " + failed + ": dead-lettered in ")).isEqualTo(1);
            assertThat(occurrences(log, "Finished message " + invalid + ": dead-lettered in ")).isEqualTo(1);
            assertThat(occurrences(log, "Finished message " + ignored + ": ignored in ")).isEqualTo(1);
            assertThat(occurrences(log, "Finished message " + test + ": test in ")).isEqualTo(1);
            assertThat(occurrences(log, "Finished message ")).isEqualTo(5);
            assertThat(log).contains("Finished message " + handled + ": handled in ")
                    .containsPattern("Finished message " + handled + ": handled in \\d+ ms, tasks \\[first\\], event DOWN instance=i-00000001 group=web");
            assertThat(outcomes(app, "handled")).isEqualTo(1.0);
            assertThat(outcomes(app, "dead-lettered")).isEqualTo(2.0);
            assertThat(outcomes(app, "ignored")).isEqualTo(1.0);
            assertThat(outcomes(app, "test")).isEqualTo(1.0);
        }
    }

    @Test
    void aFailureInMessageDoneLeavesTheMessageInTheQueueAndIsLoggedOnce() {
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first", "asger.visibility-timeout-seconds", "10"),
                TEST_TASKS, List.of(), context -> failMessageDone(context, failures))) {
            String id = app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> failures.get() >= 1);
            // Not deleted: still in the queue (in flight until its visibility timeout of 10 s runs out).
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8))
                    .until(() -> app.mainQueueDepth() == 1);
            assertThat(failures).hasValue(1);
            assertThat(TaskRecorder.calls()).containsExactly("first-down:i-0123456789abcdef0");
            assertThat(loggedLines(app.logText(), "message-done broke for " + id)).isEqualTo(1);
            assertThat(app.logText()).doesNotContain("Finished message " + id);
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void aFailureInMessageDoneAfterTheDeadLetterLeavesTheMessageInTheQueueAndIsLoggedOnce() {
        TaskRecorder.failNext("first-down", 1, true);
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.tasks", "first", "asger.visibility-timeout-seconds", "10"),
                TEST_TASKS, List.of(), context -> failMessageDone(context, failures))) {
            String id = app.send(TestEvents.snsTerminate("i-0123456789abcdef0", "web"));
            app.awaitDlq(1, WAIT);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> failures.get() >= 1);
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8))
                    .until(() -> app.mainQueueDepth() == 1);
            assertThat(failures).hasValue(1);
            assertThat(loggedLines(app.logText(), "message-done broke for " + id)).isEqualTo(1);
            assertThat(app.logText()).doesNotContain("Finished message " + id);
        }
    }

    /** Makes direct:message-done throw, as a lifecycle completion that fails would. */
    static void failMessageDone(org.apache.camel.CamelContext context, java.util.concurrent.atomic.AtomicInteger failures) {
        try {
            org.apache.camel.builder.AdviceWith.adviceWith(context, "finish-message", a -> a.weaveAddFirst().process(e -> {
                failures.incrementAndGet();
                throw new IllegalStateException("message-done broke for " + e.getProperty(ExchangeProperties.MESSAGE_ID));
            }));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    /** Log records (lines that start with a timestamp) that mention {@code part}; stack trace lines do not count. */
    static long loggedLines(String log, String part) {
        return log.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*") && l.contains(part)).count();
    }

    static double outcomes(AsgerTestApp app, String outcome) {
        var registry = app.context().getRegistry().lookupByNameAndType("metricsRegistry",
                io.micrometer.core.instrument.MeterRegistry.class);
        var counter = registry.find("asger.messages").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A counter's total over all its tags, as the metrics endpoint will report it. */
    static double counted(AsgerTestApp app, String name) {
        var registry = app.context().getRegistry().lookupByNameAndType("metricsRegistry",
                io.micrometer.core.instrument.MeterRegistry.class);
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    static String attr(Message m, String name) {
        var v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }
}
