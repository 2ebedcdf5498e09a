package io.asger.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.asger.AsgerTestApp;
import io.asger.TaskRecorder;
import io.asger.TestEvents;
import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.FakeAutoScaling;
import io.asger.peers.RegionalEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lifecycle actions end to end: events through SQS (ElasticMQ), the real routes/ files, recording test tasks, and
 * Auto Scaling played by {@link FakeAutoScaling}, which asger reaches through the SDK's endpoint setting
 * ({@code aws.endpointUrlAutoScaling}), as an operator would point it with AWS_ENDPOINT_URL_AUTO_SCALING.
 */
class LifecycleIT {

    static final List<String> TEST_TASKS = List.of("classpath:test-routes/recording-tasks.camel.yaml");
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String INSTANCE = "i-0123456789abcdef0";

    private FakeAutoScaling fake;
    private String savedEndpoint;

    @BeforeEach
    void start() throws Exception {
        TaskRecorder.reset();
        fake = new FakeAutoScaling();
        savedEndpoint = System.getProperty("aws.endpointUrlAutoScaling");
        System.setProperty("aws.endpointUrlAutoScaling", fake.endpoint().toString());
    }

    @AfterEach
    void stop() {
        RegionalEndpoints.redirectTo(null);
        if (savedEndpoint == null) {
            System.clearProperty("aws.endpointUrlAutoScaling");
        } else {
            System.setProperty("aws.endpointUrlAutoScaling", savedEndpoint);
        }
        fake.close();
    }

    static AsgerTestApp app(String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("asger.tasks", "first");
        properties.put("asger.lifecycle.complete", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return AsgerTestApp.start(properties, TEST_TASKS);
    }

    private List<FakeAutoScaling.Call> completions() {
        return fake.calls("CompleteLifecycleAction");
    }

    /** The calls of the completion, without the heartbeats' DescribeLifecycleHooks (which runs beside the chain). */
    private List<String> completionCalls() {
        return fake.calls().stream().map(FakeAutoScaling.Call::action)
                .filter(a -> !a.equals("DescribeLifecycleHooks")).toList();
    }

    private FakeAutoScaling.Call awaitCompletion() {
        await("CompleteLifecycleAction").atMost(WAIT).until(() -> !completions().isEmpty());
        return completions().get(0);
    }

    private static String token(String body) {
        var m = java.util.regex.Pattern.compile("LifecycleActionToken\\\\?\":\\\\?\"([0-9a-f-]{36})").matcher(body);
        if (!m.find()) {
            throw new IllegalArgumentException("no token in " + body);
        }
        return m.group(1);
    }

    private static String attr(Message m, String name) {
        var v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    @Test
    void eachLifecycleFormatIsCompletedOnceWithContinueAfterItsChainInItsRegion() {
        String direct = TestEvents.lifecycleTerminating("i-00000001", "web");
        String viaSns = TestEvents.sns(TestEvents.lifecycleLaunching("i-00000002", "api"));
        String eventBridge = TestEvents.eventBridgeLifecycle("EC2 Instance-terminate Lifecycle Action", "i-00000003",
                "batch", "eu-west-1");
        try (AsgerTestApp app = app()) {
            app.send(direct);
            app.send(viaSns);
            app.send(eventBridge);
            app.awaitDrained(WAIT);

            assertThat(completions()).hasSize(3);
            Map<String, FakeAutoScaling.Call> byInstance = new HashMap<>();
            completions().forEach(c -> byInstance.put(c.param("InstanceId"), c));
            assertThat(byInstance.get("i-00000001").params()).containsEntry("AutoScalingGroupName", "web")
                    .containsEntry("LifecycleHookName", "asger-hook").containsEntry("LifecycleActionToken", token(direct))
                    .containsEntry("LifecycleActionResult", "CONTINUE");
            // Straight to SQS names no region: asger's own (aws.region in the tests).
            assertThat(byInstance.get("i-00000001").region()).isEqualTo("us-east-1");
            assertThat(byInstance.get("i-00000002").params()).containsEntry("AutoScalingGroupName", "api")
                    .containsEntry("LifecycleActionToken", token(viaSns)).containsEntry("LifecycleActionResult", "CONTINUE");
            assertThat(byInstance.get("i-00000002").region()).isEqualTo(TestEvents.REGION);
            assertThat(byInstance.get("i-00000003").params()).containsEntry("AutoScalingGroupName", "batch")
                    .containsEntry("LifecycleHookName", "asger-hook").containsEntry("LifecycleActionToken", token(eventBridge))
                    .containsEntry("LifecycleActionResult", "CONTINUE");
            assertThat(byInstance.get("i-00000003").region()).isEqualTo("eu-west-1");
            assertThat(TaskRecorder.calls()).containsExactlyInAnyOrder("first-down:i-00000001", "first-up:i-00000002",
                    "first-down:i-00000003");
            assertThat(app.dlq()).isEmpty();
            assertThat(counted(app, "asger.lifecycle.completions", "result", "CONTINUE", "outcome", "completed")).isEqualTo(3);
        }
    }

    @Test
    void aNotificationWithoutTokenAndATestNotificationAreNotCompleted() {
        try (AsgerTestApp app = app()) {
            app.send(TestEvents.snsTerminate(INSTANCE, "web"));
            app.send(TestEvents.lifecycleTestNotification("web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("first-down:" + INSTANCE);
            assertThat(fake.calls()).isEmpty();
        }
    }

    @Test
    void aSlowChainIsKeptAliveWithHeartbeatsAndNoneIsSentAfterItEnds() {
        String body = TestEvents.lifecycleTerminating(INSTANCE, "web");
        try (AsgerTestApp app = app("asger.tasks", "slow", "test.slow-task-ms", "3500",
                "asger.lifecycle.heartbeat-seconds", "1")) {
            app.send(body);
            FakeAutoScaling.Call completion = awaitCompletion();
            app.awaitDrained(WAIT);

            List<FakeAutoScaling.Call> heartbeats = fake.calls("RecordLifecycleActionHeartbeat");
            assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(2).allSatisfy(h -> {
                assertThat(h.params()).containsEntry("LifecycleActionToken", token(body))
                        .containsEntry("InstanceId", INSTANCE).containsEntry("AutoScalingGroupName", "web")
                        .containsEntry("LifecycleHookName", "asger-hook");
                assertThat(h.received()).isBefore(completion.received());
            });
            int sent = heartbeats.size();
            assertThat(counted(app, "asger.lifecycle.heartbeats")).isEqualTo(sent);
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                    .until(() -> fake.calls("RecordLifecycleActionHeartbeat").size() == sent);
        }
    }

    @Test
    void heartbeatsCoverTheRetriesOfAFailingTask() {
        TaskRecorder.failNext("first-down", 2, false);
        try (AsgerTestApp app = app("asger.retry.delay-ms", "1500", "asger.retry.max-delay-ms", "1500",
                "asger.lifecycle.heartbeat-seconds", "1")) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            FakeAutoScaling.Call completion = awaitCompletion();
            app.awaitDrained(WAIT);

            assertThat(TaskRecorder.calls()).hasSize(3);
            assertThat(fake.calls("RecordLifecycleActionHeartbeat")).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(h -> assertThat(h.received()).isBefore(completion.received()));
            assertThat(completion.params()).containsEntry("LifecycleActionResult", "CONTINUE");
        }
    }

    @Test
    void withoutASettingTheHeartbeatFollowsTheHooksTimeout() {
        fake.hook("web", "asger-hook", "autoscaling:EC2_INSTANCE_TERMINATING", 2);
        try (AsgerTestApp app = app("asger.tasks", "slow", "test.slow-task-ms", "3500")) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            awaitCompletion();
            app.awaitDrained(WAIT);
            assertThat(fake.calls("DescribeLifecycleHooks")).hasSize(1);
            assertThat(fake.calls("RecordLifecycleActionHeartbeat")).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aFailedLaunchIsAbandonedAfterItsDeadLetter() {
        TaskRecorder.failNext("first-up", 100, true);
        String body = TestEvents.sns(TestEvents.lifecycleLaunching(INSTANCE, "web"));
        try (AsgerTestApp app = app()) {
            String id = app.send(body);
            List<Message> dead = app.awaitDlq(1, WAIT);
            FakeAutoScaling.Call completion = awaitCompletion();
            app.awaitDrained(WAIT);
            assertThat(app.logText()).contains("Finished message " + id + ": dead-lettered");

            assertThat(counted(app, "asger.lifecycle.completions", "result", "ABANDON", "outcome", "completed")).isEqualTo(1);
            assertThat(completion.params()).containsEntry("LifecycleActionResult", "ABANDON")
                    .containsEntry("LifecycleActionToken", token(body)).containsEntry("InstanceId", INSTANCE);
            assertThat(completions()).hasSize(1);
            assertThat(attr(dead.get(0), DeadLetterAttributes.FAILED_TASK)).isEqualTo("first");
            assertThat(sentAt(dead.get(0))).isBeforeOrEqualTo(completion.received());
        }
    }

    @Test
    void aFailedTerminationContinuesAfterItsDeadLetter() {
        TaskRecorder.failNext("first-down", 100, true);
        String body = TestEvents.lifecycleTerminating(INSTANCE, "web");
        try (AsgerTestApp app = app()) {
            app.send(body);
            List<Message> dead = app.awaitDlq(1, WAIT);
            FakeAutoScaling.Call completion = awaitCompletion();
            app.awaitDrained(WAIT);

            assertThat(completion.params()).containsEntry("LifecycleActionResult", "CONTINUE")
                    .containsEntry("LifecycleActionToken", token(body));
            assertThat(completions()).hasSize(1);
            assertThat(sentAt(dead.get(0))).isBeforeOrEqualTo(completion.received());
        }
    }

    @Test
    void aFailureResultMetByTheRaceIsRetriedInPlaceAfterTheDeadLetter() {
        TaskRecorder.failNext("first-up", 100, true);
        fake.instance(INSTANCE, "web", "Pending:Wait");
        fake.fail("CompleteLifecycleAction", 1, 400, "ValidationError", "No active Lifecycle Action found with token x");
        try (AsgerTestApp app = app()) {
            app.send(TestEvents.lifecycleLaunching(INSTANCE, "web"));
            app.awaitDlq(1, WAIT);
            await().atMost(WAIT).until(() -> "Pending:Proceed".equals(fake.lifecycleState(INSTANCE)));
            app.awaitDrained(WAIT);

            assertThat(completionCalls()).containsExactly(
                    "CompleteLifecycleAction", "DescribeAutoScalingInstances", "CompleteLifecycleAction");
            assertThat(completions()).allSatisfy(c -> assertThat(c.param("LifecycleActionResult")).isEqualTo("ABANDON"));
            assertThat(app.dlq()).hasSize(1);
        }
    }

    @Test
    void aFailureResultThatCannotBeSentIsLoggedAndTheDeadLetteredMessageStillLeavesTheQueue() {
        TaskRecorder.failNext("first-down", 100, true);
        fake.fail("CompleteLifecycleAction", 1, 403, "AccessDenied", "not authorized to perform: autoscaling:CompleteLifecycleAction");
        try (AsgerTestApp app = app()) {
            String id = app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            assertThat(completions()).hasSize(1);
            assertThat(app.dlq()).hasSize(1);
            assertThat(app.logText()).contains("Lifecycle action of message " + id + " not completed with CONTINUE"
                    + " (dead-lettered): Auto Scaling refused CompleteLifecycleAction")
                    .contains("needs permission for autoscaling:CompleteLifecycleAction")
                    .contains("Finished message " + id + ": dead-lettered");
        }
    }

    @Test
    void failureResultsFollowTheirSettings() {
        TaskRecorder.failNext("first-down", 100, true);
        try (AsgerTestApp app = app("asger.lifecycle.terminate-failure-result", "ABANDON")) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            app.awaitDlq(1, WAIT);
            assertThat(awaitCompletion().params()).containsEntry("LifecycleActionResult", "ABANDON");
            app.awaitDrained(WAIT);
        }
    }

    @Test
    void aMoveIntoTheWarmPoolIsCompletedAtOnceWithoutTasks() {
        String body = TestEvents.lifecycleTerminating(INSTANCE, "web")
                .replace("\"Destination\":\"EC2\"", "\"Destination\":\"WarmPool\"");
        try (AsgerTestApp app = app()) {
            String id = app.send(body);
            FakeAutoScaling.Call completion = awaitCompletion();
            app.awaitDrained(WAIT);

            assertThat(completion.params()).containsEntry("LifecycleActionResult", "CONTINUE")
                    .containsEntry("LifecycleActionToken", token(body));
            assertThat(TaskRecorder.calls()).isEmpty();
            assertThat(app.logText()).contains("Finished message " + id + ": ignored");
            assertThat(fake.calls("RecordLifecycleActionHeartbeat")).isEmpty();
        }
    }

    @Test
    void leavingTheWarmPoolIsALaunchCompletedAfterItsChain() {
        String body = TestEvents.lifecycleLaunching(INSTANCE, "web")
                .replace("\"Origin\":\"AutoScalingGroup\"", "\"Origin\":\"WarmPool\"")
                .replace("\"Destination\":\"EC2\"", "\"Destination\":\"AutoScalingGroup\"");
        try (AsgerTestApp app = app()) {
            app.send(body);
            awaitCompletion();
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("first-up:" + INSTANCE);
        }
    }

    @Test
    void theNoActiveActionRaceIsRetriedUntilTheActionHasPropagated() {
        fake.instance(INSTANCE, "web", "Terminating:Wait");
        fake.fail("CompleteLifecycleAction", 1, 400, "ValidationError",
                "No active Lifecycle Action found with token 3a4b6c7d-0000-4000-8000-000000000000");
        try (AsgerTestApp app = app()) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            await().atMost(WAIT).until(() -> "Terminating:Proceed".equals(fake.lifecycleState(INSTANCE)));
            app.awaitDrained(WAIT);

            assertThat(completionCalls()).containsExactly(
                    "CompleteLifecycleAction", "DescribeAutoScalingInstances", "CompleteLifecycleAction");
            // Only the completion was retried: the task ran once.
            assertThat(TaskRecorder.calls()).containsExactly("first-down:" + INSTANCE);
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void anActionThatIsAlreadyCompleteIsAcknowledged() {
        fake.instance(INSTANCE, "web", "Terminating:Proceed");
        try (AsgerTestApp app = app()) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            app.awaitDrained(WAIT);

            assertThat(completionCalls()).containsExactly("CompleteLifecycleAction", "DescribeAutoScalingInstances");
            assertThat(app.dlq()).isEmpty();
            assertThat(app.logText()).contains("Lifecycle action already over");
        }
    }

    @Test
    void aCompletionThatKeepsFailingIsDeadLetteredAsTheStepLifecycleAndAReplayCompletes() {
        fake.fail("CompleteLifecycleAction", 1, 403, "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/asger/i-0aaa is not authorized to perform: autoscaling:CompleteLifecycleAction");
        String body = TestEvents.lifecycleLaunching(INSTANCE, "web");
        try (AsgerTestApp app = app()) {
            app.send(body);
            List<Message> dead = app.awaitDlq(1, WAIT);
            app.awaitDrained(WAIT);

            assertThat(attr(dead.get(0), DeadLetterAttributes.FAILED_TASK)).isEqualTo("lifecycle");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(attr(dead.get(0), DeadLetterAttributes.ERROR_MESSAGE))
                    .contains("needs permission for autoscaling:CompleteLifecycleAction");
            // The tasks succeeded: no failure result (ABANDON) is sent for them.
            assertThat(completions()).hasSize(1);
            assertThat(TaskRecorder.calls()).containsExactly("first-up:" + INSTANCE);
            assertThat(counted(app, "asger.lifecycle.failures", "call", "CompleteLifecycleAction")).isEqualTo(1);

            app.send(dead.get(0).body());
            await().atMost(WAIT).until(() -> completions().size() == 2);
            app.awaitDrained(WAIT);
            assertThat(completions().get(1).params()).containsEntry("LifecycleActionResult", "CONTINUE")
                    .containsEntry("LifecycleActionToken", token(body));
            assertThat(TaskRecorder.calls()).containsExactly("first-up:" + INSTANCE, "first-up:" + INSTANCE);
        }
    }

    @Test
    void throttlingOfTheCompletionIsRetriedWithoutRunningTheTasksAgain() {
        // More faults than the SDK's own attempts (3 or 4, by retry mode): asger's retry of the step lifecycle
        // sends the rest, and the ninth call succeeds.
        fake.fail("CompleteLifecycleAction", 8, 400, "Throttling", "Rate exceeded");
        try (AsgerTestApp app = app()) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            await().atMost(WAIT).until(() -> completions().size() == 9);
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("first-down:" + INSTANCE);
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void aCompletionInAnotherRegionGoesToThatRegionsEndpoint() {
        System.clearProperty("aws.endpointUrlAutoScaling");
        RegionalEndpoints.redirectTo(fake.endpoint());
        try (AsgerTestApp app = app()) {
            app.send(TestEvents.eventBridgeLifecycle("EC2 Instance-launch Lifecycle Action", INSTANCE, "web", "ap-southeast-2"));
            awaitCompletion();
            app.awaitDrained(WAIT);
            // The completion, and the heartbeat interval's DescribeLifecycleHooks: both in the event's region. (The
            // one STS call is asger's start-up GetCallerIdentity, which tells it its home account.)
            assertThat(RegionalEndpoints.hosts().stream().filter(h -> !h.startsWith("sts.")))
                    .isNotEmpty().containsOnly("autoscaling.ap-southeast-2.amazonaws.com");
            assertThat(completions().get(0).region()).isEqualTo("ap-southeast-2");
        }
    }

    @Test
    void dryRunLogsTheCallsAndSendsNothing() {
        fake.hook("web", "asger-hook", "autoscaling:EC2_INSTANCE_TERMINATING", 2);
        String body = TestEvents.lifecycleTerminating(INSTANCE, "web");
        try (AsgerTestApp app = app("asger.dry-run", "true", "asger.tasks", "slow", "test.slow-task-ms", "2500",
                "asger.lifecycle.heartbeat-seconds", "1")) {
            app.send(body);
            app.awaitDrained(WAIT);
            await().atMost(WAIT).until(() -> app.logText().contains("Dry run: would send CompleteLifecycleAction"));
            String log = app.logText();
            assertThat(log).contains("Dry run: would send CompleteLifecycleAction AutoScalingGroupName=web"
                    + " LifecycleHookName=asger-hook LifecycleActionToken=" + token(body) + " InstanceId=" + INSTANCE
                    + " LifecycleActionResult=CONTINUE");
            assertThat(log).contains("Dry run: would send RecordLifecycleActionHeartbeat AutoScalingGroupName=web");
            assertThat(fake.calls()).isEmpty();
        }
    }

    @Test
    void completeFalseLeavesTheActionToSomeoneElse() {
        try (AsgerTestApp app = app("asger.lifecycle.complete", "false", "asger.tasks", "slow", "test.slow-task-ms", "1500",
                "asger.lifecycle.heartbeat-seconds", "1")) {
            app.send(TestEvents.lifecycleTerminating(INSTANCE, "web"));
            app.awaitDrained(WAIT);
            assertThat(TaskRecorder.calls()).containsExactly("slow-down:" + INSTANCE);
            assertThat(fake.calls()).isEmpty();
        }
    }

    /** A counter of asger's metrics registry (as /observe/metrics reports it); 0 when it was never counted. */
    private static double counted(AsgerTestApp app, String name, String... tags) {
        var registry = app.context().getRegistry().lookupByNameAndType("metricsRegistry",
                io.micrometer.core.instrument.MeterRegistry.class);
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Instant sentAt(Message m) {
        return Instant.ofEpochMilli(Long.parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)));
    }
}
