package io.asger.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The normalizer against every supported format (built from the files in examples/events, which are realistic AWS
 * bodies), the group filter, and malformed or hostile bodies.
 */
class AsgEventNormalizerTest {

    static final Path EXAMPLES = Path.of("examples", "events");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ID = "0f6d3c2a-9b1e-4f5d-8a7c-6e2b1d0c9f8a";
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String GROUP = "web-prod-asg";

    private final AsgEventNormalizer normalizer = new AsgEventNormalizer();

    // --- helpers ---

    static String read(String file) {
        try {
            return Files.readString(EXAMPLES.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An example file, changed by {@code change}. */
    static String with(String file, Consumer<ObjectNode> change) {
        ObjectNode n = tree(read(file));
        change.accept(n);
        return n.toString();
    }

    /** An SNS example file whose inner message (the Message string) is changed by {@code change}. */
    static String withInner(String file, Consumer<ObjectNode> change) {
        ObjectNode envelope = tree(read(file));
        ObjectNode inner = tree(envelope.get("Message").textValue());
        change.accept(inner);
        envelope.put("Message", inner.toString());
        return envelope.toString();
    }

    /** An EventBridge example file whose detail is changed by {@code change}. */
    static String withDetail(String file, Consumer<ObjectNode> change) {
        return with(file, n -> change.accept((ObjectNode) n.get("detail")));
    }

    /** Wraps any body in the envelope of terminate-sns.json, as SNS does. */
    static String inSns(String message) {
        ObjectNode envelope = tree(read("terminate-sns.json"));
        envelope.put("Message", message);
        return envelope.toString();
    }

    static String terminateRawWithInstance(String instanceId) {
        return with("terminate-raw.json", n -> n.put("EC2InstanceId", instanceId));
    }

    static String terminateRawWithGroup(String group) {
        return with("terminate-raw.json", n -> n.put("AutoScalingGroupName", group));
    }

    private AsgEvent normalize(String body) {
        return normalizer.normalize(body, ID);
    }

    private void assertRejected(String body, String field) {
        assertThatThrownBy(() -> normalize(body))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                    assertThat(e.getField()).as("field named by: %s", e.getMessage()).isEqualTo(field);
                    assertThat(e.getMessageId()).isEqualTo(ID);
                    assertThat(e.getMessage()).contains(ID);
                    if (field != null) {
                        assertThat(e.getMessage()).contains("'" + field + "'");
                    }
                    // whatever the body held, the message is one bounded log line
                    assertThat(e.getMessage()).doesNotContain("\n", "\r").hasSizeLessThan(600);
                });
    }

    // --- every supported format ---

    @Test
    void snsTerminate() {
        AsgEvent e = normalize(read("terminate-sns.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN);
        assertThat(e.getFormat()).isEqualTo("sns-notification");
        assertThat(e.getMessageId()).isEqualTo(ID);
        assertThat(e.getInstanceId()).isEqualTo("i-0a3f9c2e7b1d48e65");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:42:48.904Z"));
        assertThat(e.getLifecycleHookName()).isNull();
        assertThat(e.getLifecycleActionToken()).isNull();
        assertThat(e.getLifecycleTransition()).isNull();
        assertThat(e.isLifecycleAction()).isFalse();
        assertThat(e.getDirection()).isEqualTo("down");
        assertThat(e.getReason()).isNull();
    }

    @Test
    void snsLaunch() {
        AsgEvent e = normalize(read("launch-sns.json"));
        assertThat(e.getType()).isEqualTo(EventType.UP);
        assertThat(e.getFormat()).isEqualTo("sns-notification");
        assertThat(e.getInstanceId()).isEqualTo("i-07d4e1b9c3a5f2086");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:13:19.072Z"));
        assertThat(e.getDirection()).isEqualTo("up");
    }

    @Test
    void snsLaunchErrorHasNoInstance() {
        AsgEvent e = normalize(read("launch-error-sns.json"));
        assertThat(e.getType()).isEqualTo(EventType.UP_FAILED);
        assertThat(e.getFormat()).isEqualTo("sns-notification");
        assertThat(e.getInstanceId()).isNull();
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:20:07Z"));
        assertThat(e.getDirection()).isEqualTo("up-failed");
    }

    @Test
    void snsLaunchErrorWithoutInstanceField() {
        AsgEvent e = normalize(withInner("launch-error-sns.json", n -> n.remove("EC2InstanceId")));
        assertThat(e.getType()).isEqualTo(EventType.UP_FAILED);
        assertThat(e.getInstanceId()).isNull();
    }

    @Test
    void snsTerminateError() {
        AsgEvent e = normalize(read("terminate-error-sns.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN_FAILED);
        assertThat(e.getFormat()).isEqualTo("sns-notification");
        assertThat(e.getInstanceId()).isEqualTo("i-0b5c7e9a1d3f24680");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:57:02Z"));
        assertThat(e.getDirection()).isEqualTo("down-failed");
    }

    @Test
    void snsTestNotification() {
        AsgEvent e = normalize(read("test-notification-sns.json"));
        assertThat(e.getType()).isEqualTo(EventType.TEST);
        assertThat(e.getFormat()).isEqualTo("sns-notification");
        assertThat(e.getInstanceId()).isNull();
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T08:58:31.412Z"));
        assertThat(e.getReason()).containsIgnoringCase("test notification");
    }

    @Test
    void rawDeliveryTerminate() {
        AsgEvent e = normalize(read("terminate-raw.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN);
        assertThat(e.getFormat()).isEqualTo("notification");
        assertThat(e.getInstanceId()).isEqualTo("i-0a3f9c2e7b1d48e65");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).as("from AutoScalingGroupARN").isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:42:48.904Z"));
    }

    @Test
    void rawDeliveryIsTheSnsMessage() {
        String inner = tree(read("terminate-sns.json")).get("Message").textValue();
        assertThat(tree(inner)).isEqualTo(tree(read("terminate-raw.json")));
    }

    @Test
    void lifecycleTerminatingStraightToSqs() {
        AsgEvent e = normalize(read("lifecycle-terminating-sqs.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN);
        assertThat(e.getFormat()).isEqualTo("lifecycle");
        assertThat(e.getInstanceId()).isEqualTo("i-0e6a8c0b2d4f13579");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).as("a hook message sent to SQS names no region").isNull();
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:30:14.827Z"));
        assertThat(e.getLifecycleHookName()).isEqualTo("asger-terminating");
        assertThat(e.getLifecycleActionToken()).isEqualTo("71514b9d-6a40-4b26-8523-05e7ee35fa40");
        assertThat(e.getLifecycleTransition()).isEqualTo("autoscaling:EC2_INSTANCE_TERMINATING");
        assertThat(e.isLifecycleAction()).isTrue();
    }

    @Test
    void lifecycleLaunchingThroughSns() {
        AsgEvent e = normalize(read("lifecycle-launching-sns.json"));
        assertThat(e.getType()).isEqualTo(EventType.UP);
        assertThat(e.getFormat()).isEqualTo("sns-lifecycle");
        assertThat(e.getInstanceId()).isEqualTo("i-0598c7d356eba48d7");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).as("from TopicArn").isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:05:26.533Z"));
        assertThat(e.getLifecycleHookName()).isEqualTo("asger-launching");
        assertThat(e.getLifecycleActionToken()).isEqualTo("c2f4a6b8-0d1e-4f3a-8b5c-7d9e1f3a5b6c");
        assertThat(e.getLifecycleTransition()).isEqualTo("autoscaling:EC2_INSTANCE_LAUNCHING");
    }

    @Test
    void lifecycleTestNotification() {
        AsgEvent e = normalize(read("lifecycle-test-notification-sqs.json"));
        assertThat(e.getType()).isEqualTo(EventType.TEST);
        assertThat(e.getFormat()).isEqualTo("notification");
        assertThat(e.getInstanceId()).isNull();
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T08:59:03Z"));
        assertThat(e.getReason()).isNotBlank();
    }

    @Test
    void eventBridgeTerminate() {
        AsgEvent e = normalize(read("eventbridge-terminate.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN);
        assertThat(e.getFormat()).isEqualTo("eventbridge");
        assertThat(e.getInstanceId()).isEqualTo("i-0c1e3a5b7d9f02468");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:48:51Z"));
        assertThat(e.isLifecycleAction()).isFalse();
        assertThat(e.getLifecycleTransition()).isNull();
    }

    @Test
    void eventBridgeLaunch() {
        AsgEvent e = normalize(read("eventbridge-launch.json"));
        assertThat(e.getType()).isEqualTo(EventType.UP);
        assertThat(e.getFormat()).isEqualTo("eventbridge");
        assertThat(e.getInstanceId()).isEqualTo("i-0d2f4b6c8e0a13579");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:16:02Z"));
    }

    @Test
    void eventBridgeLaunchUnsuccessful() {
        AsgEvent e = normalize(read("eventbridge-launch-unsuccessful.json"));
        assertThat(e.getType()).isEqualTo(EventType.UP_FAILED);
        assertThat(e.getFormat()).isEqualTo("eventbridge");
        assertThat(e.getInstanceId()).isNull();
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:22:40Z"));
    }

    @Test
    void eventBridgeTerminateUnsuccessful() {
        AsgEvent e = normalize(read("eventbridge-terminate-unsuccessful.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN_FAILED);
        assertThat(e.getFormat()).isEqualTo("eventbridge");
        assertThat(e.getInstanceId()).isEqualTo("i-0f1a3c5e7b9d24680");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T10:03:12Z"));
    }

    @Test
    void eventBridgeLifecycleTerminate() {
        AsgEvent e = normalize(read("eventbridge-lifecycle-terminate.json"));
        assertThat(e.getType()).isEqualTo(EventType.DOWN);
        assertThat(e.getFormat()).isEqualTo("eventbridge-lifecycle");
        assertThat(e.getInstanceId()).isEqualTo("i-0a2b4c6d8e0f13579");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:35:09Z"));
        assertThat(e.getLifecycleHookName()).isEqualTo("asger-terminating");
        assertThat(e.getLifecycleActionToken()).isEqualTo("87654321-4321-4321-4321-210987654321");
        assertThat(e.getLifecycleTransition()).isEqualTo("autoscaling:EC2_INSTANCE_TERMINATING");
        assertThat(e.isLifecycleAction()).isTrue();
    }

    @Test
    void eventBridgeLifecycleLaunch() {
        AsgEvent e = normalize(read("eventbridge-lifecycle-launch.json"));
        assertThat(e.getType()).isEqualTo(EventType.UP);
        assertThat(e.getFormat()).isEqualTo("eventbridge-lifecycle");
        assertThat(e.getInstanceId()).isEqualTo("i-0b3d5f7a9c1e24680");
        assertThat(e.getGroupName()).isEqualTo(GROUP);
        assertThat(e.getAccount()).isEqualTo(ACCOUNT);
        assertThat(e.getRegion()).isEqualTo(REGION);
        assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:08:47Z"));
        assertThat(e.getLifecycleHookName()).isEqualTo("asger-launching");
        assertThat(e.getLifecycleActionToken()).isEqualTo("d4b6f8a0-2c3e-4a5b-8d7f-9b1d3f5a7c8e");
        assertThat(e.getLifecycleTransition()).isEqualTo("autoscaling:EC2_INSTANCE_LAUNCHING");
    }

    @Test
    void eventBridgeLifecycleWithoutTransitionTakesItFromDetailType() {
        AsgEvent e = normalize(withDetail("eventbridge-lifecycle-launch.json", d -> d.remove("LifecycleTransition")));
        assertThat(e.getType()).isEqualTo(EventType.UP);
        assertThat(e.getLifecycleTransition()).isEqualTo("autoscaling:EC2_INSTANCE_LAUNCHING");
    }

    @Test
    void eventBridgeThroughSns() {
        AsgEvent e = normalize(inSns(read("eventbridge-terminate.json")));
        assertThat(e.getType()).isEqualTo(EventType.DOWN);
        assertThat(e.getFormat()).isEqualTo("sns-eventbridge");
        assertThat(e.getInstanceId()).isEqualTo("i-0c1e3a5b7d9f02468");

        AsgEvent lifecycle = normalize(inSns(read("eventbridge-lifecycle-terminate.json")));
        assertThat(lifecycle.getFormat()).isEqualTo("sns-eventbridge-lifecycle");
        assertThat(lifecycle.getLifecycleActionToken()).isEqualTo("87654321-4321-4321-4321-210987654321");
    }

    @Test
    void snsSubscriptionConfirmationIsIgnoredNotFollowed() {
        AsgEvent e = normalize(read("sns-subscription-confirmation.json"));
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getFormat()).isEqualTo("sns");
        assertThat(e.getMessageId()).isEqualTo(ID);
        assertThat(e.getInstanceId()).isNull();
        assertThat(e.getReason()).contains("SubscriptionConfirmation", "arn:aws:sns:us-east-1:123456789012:asg-events");
    }

    @Test
    void snsUnsubscribeConfirmationIsIgnored() {
        AsgEvent e = normalize(with("sns-subscription-confirmation.json", n -> n.put("Type", "UnsubscribeConfirmation")));
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getReason()).contains("UnsubscribeConfirmation");
    }

    @Test
    void fifoTopicsAndOtherPartitionsAreAccepted() {
        AsgEvent fifo = normalize(with("terminate-sns.json",
                n -> n.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:asg-events.fifo")));
        assertThat(fifo.getType()).isEqualTo(EventType.DOWN);
        AsgEvent china = normalize(with("lifecycle-launching-sns.json",
                n -> n.put("TopicArn", "arn:aws-cn:sns:cn-north-1:123456789012:asg-events")));
        assertThat(china.getRegion()).isEqualTo("cn-north-1");
    }

    @Test
    void eightDigitInstanceIdsAreStillAccepted() {
        assertThat(normalize(terminateRawWithInstance("i-0a3f9c2e")).getInstanceId()).isEqualTo("i-0a3f9c2e");
    }

    @Test
    void missingMessageIdIsNamedAsSuch() {
        assertThatThrownBy(() -> normalizer.normalize("", null))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("(no message id)");
    }

    // --- understood but not for asger: IGNORED with a reason, never an exception ---

    static Stream<Arguments> ignoredBodies() {
        return Stream.of(
                Arguments.of("unknown notification event",
                        withInner("terminate-sns.json", n -> n.put("Event", "autoscaling:EC2_INSTANCE_REBOOT")),
                        "autoscaling:EC2_INSTANCE_REBOOT"),
                Arguments.of("unknown raw notification event",
                        with("terminate-raw.json", n -> n.put("Event", "autoscaling:EC2_INSTANCE_HIBERNATE")),
                        "autoscaling:EC2_INSTANCE_HIBERNATE"),
                Arguments.of("unknown lifecycle transition",
                        with("lifecycle-terminating-sqs.json",
                                n -> n.put("LifecycleTransition", "autoscaling:EC2_INSTANCE_WARMING")),
                        "autoscaling:EC2_INSTANCE_WARMING"),
                Arguments.of("EventBridge detach",
                        with("eventbridge-terminate.json", n -> n.put("detail-type", "EC2 Instance Detach Successful")),
                        "EC2 Instance Detach Successful"),
                Arguments.of("EventBridge instance refresh",
                        with("eventbridge-launch.json",
                                n -> n.put("detail-type", "EC2 Auto Scaling Instance Refresh Started")),
                        "EC2 Auto Scaling Instance Refresh Started"),
                Arguments.of("EC2 state change, its format not in asger.formats (the default)",
                        with("eventbridge-terminate.json", n -> {
                            n.put("source", "aws.ec2");
                            n.put("detail-type", "EC2 Instance State-change Notification");
                            n.putObject("detail").put("instance-id", "i-0c1e3a5b7d9f02468").put("state", "terminated");
                        }),
                        "'ec2-state-change' is not in asger.formats"),
                Arguments.of("Other EventBridge from EC2",
                        with("eventbridge-terminate.json", n -> {
                            n.put("source", "aws.ec2");
                            n.put("detail-type", "EC2 Spot Instance Interruption Warning");
                        }),
                        "aws.ec2"),
                Arguments.of("EventBridge from a custom source, through SNS",
                        inSns(with("eventbridge-terminate.json", n -> n.put("source", "my.app"))),
                        "my.app"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ignoredBodies")
    void understoodButNotForAsgerIsIgnoredWithAReason(String what, String body, String named) {
        AsgEvent e = normalize(body);
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getMessageId()).isEqualTo(ID);
        assertThat(e.getReason()).contains(named);
        assertThat(e.getInstanceId()).isNull();
    }

    @Test
    void ignoredReasonsAreOneLineWhateverTheBodySays() {
        String forged = "autoscaling:EC2_INSTANCE_REBOOT\n2026-11-25 10:00:00 INFO asger.intake forged line";
        AsgEvent e = normalize(with("terminate-raw.json", n -> n.put("Event", forged)));
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getReason()).doesNotContain("\n");

        AsgEvent eb = normalize(with("eventbridge-terminate.json", n -> n.put("detail-type", "Other\r\nINFO forged")));
        assertThat(eb.getType()).isEqualTo(EventType.IGNORED);
        assertThat(eb.getReason()).doesNotContain("\n", "\r");

        AsgEvent src = normalize(with("eventbridge-terminate.json", n -> n.put("source", "x\nINFO forged")));
        assertThat(src.getType()).isEqualTo(EventType.IGNORED);
        assertThat(src.getReason()).doesNotContain("\n");

    }

    // --- group filter ---

    @Nested
    class GroupFilter {

        private AsgEvent normalizeWith(String groups, String file) {
            return new AsgEventNormalizer(groups).normalize(read(file), ID);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "web-prod-asg", "db-asg, web-prod-asg", " web-prod-asg ,db-asg",
                "/web-.*/", "db-asg,/.*-prod-.*/", "/web-prod-asg/", "/w{1,3}eb-prod-asg/"})
        void groupsThatMatchAreHandled(String groups) {
            AsgEvent e = normalizeWith(groups, "terminate-sns.json");
            assertThat(e.getType()).isEqualTo(EventType.DOWN);
            assertThat(e.getReason()).isNull();
        }

        @Test
        void nullMeansAllGroups() {
            assertThat(normalizeWith(null, "eventbridge-launch.json").getType()).isEqualTo(EventType.UP);
        }

        @ParameterizedTest
        @ValueSource(strings = {"db-asg", "web-prod", "WEB-PROD-ASG", "web-prod-asg-2", "/db-.*/", "/web/",
                "/prod/", "db-asg,/api-.*/"})
        void groupsThatDoNotMatchAreIgnoredWithAReason(String groups) {
            for (String file : new String[] {"terminate-sns.json", "eventbridge-launch.json",
                    "lifecycle-terminating-sqs.json", "launch-error-sns.json", "eventbridge-terminate-unsuccessful.json"}) {
                AsgEvent e = normalizeWith(groups, file);
                assertThat(e.getType()).as(file).isEqualTo(EventType.IGNORED);
                assertThat(e.getReason()).as(file).contains("web-prod-asg", "asger.groups");
                assertThat(e.getGroupName()).isEqualTo(GROUP);
            }
        }

        @Test
        void testNotificationsAreNotFiltered() {
            assertThat(normalizeWith("db-asg", "test-notification-sns.json").getType()).isEqualTo(EventType.TEST);
            assertThat(normalizeWith("db-asg", "lifecycle-test-notification-sqs.json").getType())
                    .isEqualTo(EventType.TEST);
        }

        @Test
        void ignoredMessagesKeepTheirOwnReason() {
            AsgEvent e = normalizeWith("db-asg", "sns-subscription-confirmation.json");
            assertThat(e.getType()).isEqualTo(EventType.IGNORED);
            assertThat(e.getReason()).contains("SubscriptionConfirmation").doesNotContain("asger.groups");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/web-[/", "db-asg, /(unclosed/", "/*/", "/a{2,1}/"})
        void invalidRegexIsRejectedAtStartup(String groups) {
            assertThatThrownBy(() -> new AsgEventNormalizer(groups))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("asger.groups")
                    .hasMessageContaining("regular expression");
        }

        @Test
        void commasInsideARegexDoNotSplitIt() {
            assertThat(AsgEventNormalizer.splitGroupEntries(" /web-{1,3}/ , db-asg,/a,b/,/plain"))
                    .containsExactly("/web-{1,3}/", "db-asg", "/a,b/", "/plain");
            assertThat(AsgEventNormalizer.parseGroupFilter("/web-prod-as{1,2}g/, db-asg").test("web-prod-asg")).isTrue();
            assertThat(AsgEventNormalizer.parseGroupFilter("/web-prod-as{1,2}g/, db-asg").test("db-asg")).isTrue();
        }

        @Test
        void regexMatchesTheWholeName() {
            assertThat(AsgEventNormalizer.parseGroupFilter("/web/").test("web-prod-asg")).isFalse();
            assertThat(AsgEventNormalizer.parseGroupFilter("/web.*/").test("web-prod-asg")).isTrue();
            assertThat(AsgEventNormalizer.parseGroupFilter("web-prod-asg").test(null)).isFalse();
        }
    }

    // --- EC2 state changes and asger.formats ---

    @Nested
    class Ec2StateChanges {

        static final String TERMINATED = "ec2-state-change-terminated.json";
        static final String RUNNING = "ec2-state-change-running.json";
        static final String INSTANCE = "i-0123456789abcdef0";

        private final AsgEventNormalizer withEc2 = new AsgEventNormalizer("", "autoscaling,ec2-state-change");

        private AsgEvent normalizeEc2(String body) {
            return withEc2.normalize(body, ID);
        }

        private String inState(String state) {
            return withDetail(TERMINATED, d -> d.put("state", state));
        }

        @Test
        void terminatedIsDownWithNoGroupAndTheEventsOwnAccountRegionAndTime() {
            AsgEvent e = normalizeEc2(read(TERMINATED));
            assertThat(e.getType()).isEqualTo(EventType.DOWN);
            assertThat(e.getFormat()).isEqualTo("ec2-state-change");
            assertThat(e.getInstanceId()).isEqualTo(INSTANCE);
            assertThat(e.getGroupName()).isNull();
            assertThat(e.getAccount()).isEqualTo(ACCOUNT);
            assertThat(e.getRegion()).isEqualTo(REGION);
            assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
            assertThat(e.isLifecycleAction()).isFalse();
            assertThat(e.getReason()).isNull();
        }

        @Test
        void runningIsUp() {
            AsgEvent e = normalizeEc2(read(RUNNING));
            assertThat(e.getType()).isEqualTo(EventType.UP);
            assertThat(e.getInstanceId()).isEqualTo(INSTANCE);
            assertThat(e.getGroupName()).isNull();
            assertThat(e.getTime()).isEqualTo(Instant.parse("2026-11-25T09:55:00Z"));
        }

        @Test
        void throughSnsTooWithTheEventsRegionNotTheTopics() {
            String body = inSns(with(TERMINATED, n -> n.put("region", "eu-west-1").put("account", "210987654321")));
            AsgEvent e = normalizeEc2(body);
            assertThat(e.getType()).isEqualTo(EventType.DOWN);
            assertThat(e.getFormat()).isEqualTo("sns-ec2-state-change");
            assertThat(e.getRegion()).isEqualTo("eu-west-1");
            assertThat(e.getAccount()).isEqualTo("210987654321");
        }

        @ParameterizedTest
        @ValueSource(strings = {"pending", "shutting-down", "stopping", "stopped"})
        void otherStatesAreIgnoredWithAReasonNamingTheState(String state) {
            AsgEvent e = normalizeEc2(inState(state));
            assertThat(e.getType()).isEqualTo(EventType.IGNORED);
            assertThat(e.getFormat()).isEqualTo("ec2-state-change");
            assertThat(e.getInstanceId()).isEqualTo(INSTANCE);
            assertThat(e.getReason()).startsWith("EC2 instance " + INSTANCE + " is " + state + ": ");
        }

        @Test
        void anUnknownStateIsIgnoredQuoted() {
            AsgEvent e = normalizeEc2(inState("hibernating\nINFO forged"));
            assertThat(e.getType()).isEqualTo(EventType.IGNORED);
            assertThat(e.getReason()).startsWith("unknown EC2 instance state 'hibernating").doesNotContain("\n");
        }

        @Test
        void badFieldsAreRejectedNamingThem() {
            assertThatThrownBy(() -> normalizeEc2(withDetail(TERMINATED, d -> d.put("instance-id", "i-../x"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("detail.instance-id"));
            assertThatThrownBy(() -> normalizeEc2(withDetail(TERMINATED, d -> d.remove("instance-id"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("detail.instance-id"));
            assertThatThrownBy(() -> normalizeEc2(withDetail(TERMINATED, d -> d.remove("state"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("detail.state"));
            assertThatThrownBy(() -> normalizeEc2(withDetail(TERMINATED, d -> d.put("state", 16))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("detail.state"));
            assertThatThrownBy(() -> normalizeEc2(with(TERMINATED, n -> n.put("region", "mars"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("region"));
            assertThatThrownBy(() -> normalizeEc2(with(TERMINATED, n -> n.put("account", "1234"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("account"));
            assertThatThrownBy(() -> normalizeEc2(with(TERMINATED, n -> n.put("time", "yesterday"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("time"));
            assertThatThrownBy(() -> normalizeEc2(with(TERMINATED, n -> n.put("detail", "terminated"))))
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.getField()).isEqualTo("detail"));
        }

        @Test
        void asgerGroupsCannotJudgeAnEventThatNamesNoGroup() {
            AsgEvent e = new AsgEventNormalizer("web-prod-asg", "ec2-state-change").normalize(read(TERMINATED), ID);
            assertThat(e.getType()).isEqualTo(EventType.DOWN);
        }

        @Test
        void byDefaultTheFormatIsNotEnabledAndIsIgnoredNamingAsgerFormats() {
            for (String body : new String[] {read(TERMINATED), inSns(read(RUNNING)),
                    withDetail(TERMINATED, d -> d.put("instance-id", "not validated: the format is off"))}) {
                AsgEvent e = normalizer.normalize(body, ID);
                assertThat(e.getType()).isEqualTo(EventType.IGNORED);
                assertThat(e.getReason()).isEqualTo("format 'ec2-state-change' is not in asger.formats (autoscaling)");
            }
        }

        @Test
        void otherEc2EventsStayIgnoredAsBefore() {
            AsgEvent e = normalizeEc2(with(TERMINATED, n -> n.put("detail-type", "EC2 Spot Instance Interruption Warning")));
            assertThat(e.getType()).isEqualTo(EventType.IGNORED);
            assertThat(e.getReason()).contains("aws.ec2", "not aws.autoscaling");
        }
    }

    @Nested
    class Formats {

        @Test
        void autoscalingAndEmptyMeanEveryAutoScalingFormat() {
            assertThat(AsgEventNormalizer.parseFormats("autoscaling"))
                    .containsExactlyInAnyOrder("notification", "lifecycle", "eventbridge", "eventbridge-lifecycle");
            assertThat(AsgEventNormalizer.parseFormats(" ")).isEqualTo(AsgEventNormalizer.parseFormats("autoscaling"));
            assertThat(AsgEventNormalizer.parseFormats("Autoscaling, EC2-State-Change"))
                    .contains("notification", "ec2-state-change").hasSize(5);
        }

        @Test
        void anUnknownNameIsRefusedNamingTheValidOnes() {
            assertThatThrownBy(() -> AsgEventNormalizer.parseFormats("autoscaling,ec2"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("asger.formats: 'ec2' is not a format; valid: autoscaling, notification, lifecycle, "
                            + "eventbridge, eventbridge-lifecycle, ec2-state-change");
        }

        @Test
        void eachAutoScalingFormatCanBeLeftOut() {
            AsgEventNormalizer onlyEventBridge = new AsgEventNormalizer("", "eventbridge");
            assertThat(onlyEventBridge.normalize(read("eventbridge-terminate.json"), ID).getType()).isEqualTo(EventType.DOWN);
            for (String[] off : new String[][] {{"terminate-sns.json", "sns-notification", "notification"},
                    {"terminate-raw.json", "notification", "notification"},
                    {"test-notification-sns.json", "sns-notification", "notification"},
                    {"lifecycle-terminating-sqs.json", "lifecycle", "lifecycle"},
                    {"lifecycle-launching-sns.json", "sns-lifecycle", "lifecycle"},
                    {"eventbridge-lifecycle-terminate.json", "eventbridge-lifecycle", "eventbridge-lifecycle"}}) {
                AsgEvent e = onlyEventBridge.normalize(read(off[0]), ID);
                assertThat(e.getType()).as(off[0]).isEqualTo(EventType.IGNORED);
                assertThat(e.getFormat()).as(off[0]).isEqualTo(off[1]);
                assertThat(e.isIntoWarmPool()).isFalse();
                assertThat(e.getReason()).as(off[0]).isEqualTo("format '" + off[2] + "' is not in asger.formats (eventbridge)");
            }
        }

        @Test
        void reconcileEventsAndSnsSubscriptionMessagesAreAlwaysRead() {
            AsgEventNormalizer onlyEc2 = new AsgEventNormalizer("", "ec2-state-change");
            assertThat(onlyEc2.normalize(read("reconcile.json"), ID).getType()).isEqualTo(EventType.DOWN);
            assertThat(onlyEc2.normalize(read("sns-subscription-confirmation.json"), ID).getReason())
                    .contains("SubscriptionConfirmation");
        }
    }

    // --- malformed and hostile bodies ---

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    static Stream<Arguments> malformedBodies() {
        String raw = read("terminate-raw.json");
        String rawCompact = tree(raw).toString();
        String instanceField = "\"EC2InstanceId\":\"i-0a3f9c2e7b1d48e65\"";
        return Stream.of(
                // body level: no field
                Arguments.of("empty body", "", null),
                Arguments.of("blank body", " \n\t\r ", null),
                Arguments.of("null body", null, null),
                Arguments.of("not JSON", "EC2_INSTANCE_TERMINATE i-0a3f9c2e7b1d48e65", null),
                Arguments.of("XML", "<Event>autoscaling:EC2_INSTANCE_TERMINATE</Event>", null),
                Arguments.of("JSON array", "[" + raw + "]", null),
                Arguments.of("JSON string", "\"autoscaling:EC2_INSTANCE_TERMINATE\"", null),
                Arguments.of("JSON number", "42", null),
                Arguments.of("JSON null", "null", null),
                Arguments.of("truncated JSON", raw.substring(0, raw.length() / 2), null),
                Arguments.of("duplicate EC2InstanceId",
                        rawCompact.replace(instanceField, instanceField + ",\"EC2InstanceId\":\"i-0ffffffffffffffff\""),
                        null),
                Arguments.of("duplicate EC2InstanceId inside the SNS Message",
                        inSns(rawCompact.replace(instanceField,
                                instanceField + ",\"EC2InstanceId\":\"i-0ffffffffffffffff\"")), "Message"),
                Arguments.of("deep nesting", repeat('[', 5000) + repeat(']', 5000), null),
                Arguments.of("deep nesting in an object",
                        "{\"Event\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(101), null),
                Arguments.of("over-size body", with("terminate-raw.json",
                        n -> n.put("Cause", repeat('x', AsgEventNormalizer.MAX_BODY_CHARS))), null),
                Arguments.of("trailing content after the object", raw + "{\"Event\":\"x\"}", null),
                Arguments.of("trailing garbage after the object", raw + " ]]] garbage", null),
                Arguments.of("unrecognised JSON object", "{\"hello\":\"world\"}", null),
                Arguments.of("empty JSON object", "{}", null),

                // wrong types
                Arguments.of("instance id as number", with("terminate-raw.json", n -> n.put("EC2InstanceId", 1234567890)),
                        "EC2InstanceId"),
                Arguments.of("instance id as array", with("terminate-raw.json",
                        n -> n.putArray("EC2InstanceId").add("i-0a3f9c2e7b1d48e65")), "EC2InstanceId"),
                Arguments.of("Message as object", with("terminate-sns.json",
                        n -> n.set("Message", tree(read("terminate-raw.json")))), "Message"),
                Arguments.of("Event as number", with("terminate-raw.json", n -> n.put("Event", 7)), "Event"),
                Arguments.of("Type as boolean", with("terminate-sns.json", n -> n.put("Type", true)), "Type"),

                // instance ids
                Arguments.of("uppercase instance id", terminateRawWithInstance("i-0A3F9C2E7B1D48E65"), "EC2InstanceId"),
                Arguments.of("uppercase prefix", terminateRawWithInstance("I-0a3f9c2e7b1d48e65"), "EC2InstanceId"),
                Arguments.of("short instance id", terminateRawWithInstance("i-0a3f9c2"), "EC2InstanceId"),
                Arguments.of("12-digit instance id", terminateRawWithInstance("i-0a3f9c2e7b1d"), "EC2InstanceId"),
                Arguments.of("long instance id", terminateRawWithInstance("i-0a3f9c2e7b1d48e650"), "EC2InstanceId"),
                Arguments.of("non-hex instance id", terminateRawWithInstance("i-0a3f9c2e7b1d48g65"), "EC2InstanceId"),
                Arguments.of("path traversal instance id", terminateRawWithInstance("../../../etc/passwd"),
                        "EC2InstanceId"),
                Arguments.of("instance id with path", terminateRawWithInstance("i-0a3f9c2e7b1d48e65/../../nodes"),
                        "EC2InstanceId"),
                Arguments.of("wildcard instance id", terminateRawWithInstance("i-*"), "EC2InstanceId"),
                Arguments.of("star", terminateRawWithInstance("*"), "EC2InstanceId"),
                Arguments.of("quote in instance id", terminateRawWithInstance("i-0a3f9c2e7b1d48e65'\" OR 1=1"),
                        "EC2InstanceId"),
                Arguments.of("newline in instance id",
                        terminateRawWithInstance("i-0a3f9c2e7b1d48e65\nINFO asger forged log line"), "EC2InstanceId"),
                Arguments.of("trailing newline instance id", terminateRawWithInstance("i-0a3f9c2e7b1d48e65\n"),
                        "EC2InstanceId"),
                Arguments.of("Lucene syntax instance id",
                        terminateRawWithInstance("i-0a3f9c2e7b1d48e65 OR name:*"), "EC2InstanceId"),
                Arguments.of("Lucene field query", terminateRawWithInstance("ec2_instance_id:i-0a3f9c2e7b1d48e65"),
                        "EC2InstanceId"),
                Arguments.of("instance id with spaces", terminateRawWithInstance(" i-0a3f9c2e7b1d48e65"),
                        "EC2InstanceId"),
                Arguments.of("empty instance id on terminate", terminateRawWithInstance(""), "EC2InstanceId"),
                Arguments.of("missing instance id on terminate",
                        with("terminate-raw.json", n -> n.remove("EC2InstanceId")), "EC2InstanceId"),
                Arguments.of("null instance id on launch",
                        withInner("launch-sns.json", n -> n.putNull("EC2InstanceId")), "EC2InstanceId"),
                Arguments.of("bad instance id on a failed termination",
                        withInner("terminate-error-sns.json", n -> n.put("EC2InstanceId", "i-*")), "EC2InstanceId"),
                Arguments.of("bad instance id in a lifecycle message",
                        with("lifecycle-terminating-sqs.json", n -> n.put("EC2InstanceId", "i-0E6A8C0B2D4F13579")),
                        "EC2InstanceId"),
                Arguments.of("bad instance id in EventBridge",
                        withDetail("eventbridge-terminate.json", d -> d.put("EC2InstanceId", "i-../../x")),
                        "detail.EC2InstanceId"),
                Arguments.of("missing instance id in EventBridge",
                        withDetail("eventbridge-launch.json", d -> d.remove("EC2InstanceId")), "detail.EC2InstanceId"),

                // group names
                Arguments.of("empty group name", terminateRawWithGroup(""), "AutoScalingGroupName"),
                Arguments.of("256-character group name", terminateRawWithGroup(repeat('g', 256)), "AutoScalingGroupName"),
                Arguments.of("group name with newline", terminateRawWithGroup("web-prod-asg\nINFO forged"),
                        "AutoScalingGroupName"),
                Arguments.of("group name with NUL", terminateRawWithGroup("web\u0000prod"), "AutoScalingGroupName"),
                Arguments.of("group name with ANSI escape", terminateRawWithGroup("web\u001b[31mprod"),
                        "AutoScalingGroupName"),
                Arguments.of("group name with DEL", terminateRawWithGroup("web\u007f"), "AutoScalingGroupName"),
                Arguments.of("group name with C1 control", terminateRawWithGroup("web\u0085prod"),
                        "AutoScalingGroupName"),
                Arguments.of("missing group name", with("terminate-raw.json", n -> n.remove("AutoScalingGroupName")),
                        "AutoScalingGroupName"),
                Arguments.of("group name as number", with("terminate-raw.json", n -> n.put("AutoScalingGroupName", 5)),
                        "AutoScalingGroupName"),
                Arguments.of("bad group name on a test notification",
                        withInner("test-notification-sns.json", n -> n.put("AutoScalingGroupName", "a\nb")),
                        "AutoScalingGroupName"),
                Arguments.of("bad group name on an unknown event",
                        with("terminate-raw.json", n -> n.put("Event", "autoscaling:X").put("AutoScalingGroupName", "")),
                        "AutoScalingGroupName"),
                Arguments.of("bad group name in EventBridge",
                        withDetail("eventbridge-launch.json", d -> d.put("AutoScalingGroupName", "web\rprod")),
                        "detail.AutoScalingGroupName"),
                Arguments.of("bad group name in a lifecycle message",
                        with("lifecycle-terminating-sqs.json", n -> n.put("AutoScalingGroupName", repeat('x', 300))),
                        "AutoScalingGroupName"),

                // accounts, regions, times
                Arguments.of("short account id", with("terminate-raw.json", n -> n.put("AccountId", "12345678901")),
                        "AccountId"),
                Arguments.of("account id with letters", with("terminate-raw.json", n -> n.put("AccountId", "12345678901a")),
                        "AccountId"),
                Arguments.of("account id as number", with("terminate-raw.json", n -> n.put("AccountId", 123456789012L)),
                        "AccountId"),
                Arguments.of("bad account in a lifecycle message",
                        with("lifecycle-terminating-sqs.json", n -> n.put("AccountId", "*")), "AccountId"),
                Arguments.of("bad account in EventBridge",
                        with("eventbridge-terminate.json", n -> n.put("account", "1234 56789012")), "account"),
                Arguments.of("bad account in TopicArn",
                        with("terminate-sns.json", n -> n.put("TopicArn", "arn:aws:sns:us-east-1:12345:asg-events")),
                        "TopicArn"),
                Arguments.of("bad region in ARN", with("terminate-raw.json", n -> n.put("AutoScalingGroupARN",
                        "arn:aws:autoscaling:US-EAST-1:123456789012:autoScalingGroup:4f2c3b8e:autoScalingGroupName/web-prod-asg")),
                        "AutoScalingGroupARN"),
                Arguments.of("path in region of ARN", with("terminate-raw.json", n -> n.put("AutoScalingGroupARN",
                        "arn:aws:autoscaling:../..:123456789012:autoScalingGroup:4f2c3b8e:autoScalingGroupName/web-prod-asg")),
                        "AutoScalingGroupARN"),
                Arguments.of("bad region in TopicArn of a lifecycle message",
                        with("lifecycle-launching-sns.json", n -> n.put("TopicArn", "arn:aws:sns:mars-1:123456789012:asg-events")),
                        "TopicArn"),
                Arguments.of("bad region in TopicArn of a notification",
                        with("terminate-sns.json", n -> n.put("TopicArn", "arn:aws:sns:us east 1:123456789012:asg-events")),
                        "TopicArn"),
                Arguments.of("bad region in TopicArn of a subscription confirmation",
                        with("sns-subscription-confirmation.json",
                                n -> n.put("TopicArn", "arn:aws:sns:us-east-1\nINFO forged:123456789012:asg-events")),
                        "TopicArn"),
                Arguments.of("TopicArn that is not an SNS ARN",
                        with("terminate-sns.json", n -> n.put("TopicArn", "arn:aws:sqs:us-east-1:123456789012:asg-events")),
                        "TopicArn"),
                Arguments.of("TopicArn topic name with newline", with("sns-subscription-confirmation.json",
                        n -> n.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:t\nINFO forged")), "TopicArn"),
                Arguments.of("TopicArn with extra parts", with("terminate-sns.json",
                        n -> n.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:asg-events:extra")), "TopicArn"),
                Arguments.of("TopicArn that is not an ARN", with("terminate-sns.json", n -> n.put("TopicArn", "asg-events")),
                        "TopicArn"),
                Arguments.of("bad region in EventBridge",
                        with("eventbridge-terminate.json", n -> n.put("region", "us-east-1; rm -rf /")), "region"),
                Arguments.of("bad time", with("terminate-raw.json", n -> n.put("Time", "yesterday")), "Time"),
                Arguments.of("time without zone",
                        with("terminate-raw.json", n -> n.put("Time", "2026-11-25T09:42:48")), "Time"),
                Arguments.of("time as number", with("terminate-raw.json", n -> n.put("Time", 1764063768)), "Time"),
                Arguments.of("placeholder time in EventBridge",
                        with("eventbridge-terminate.json", n -> n.put("time", "yyyy-mm-ddThh:mm:ssZ")), "time"),
                Arguments.of("bad time in a lifecycle message",
                        with("lifecycle-terminating-sqs.json", n -> n.put("Time", "2026-13-45T99:00:00Z")), "Time"),

                // SNS envelopes
                Arguments.of("SNS Type unknown", with("terminate-sns.json", n -> n.put("Type", "Notifcation")), "Type"),
                Arguments.of("SNS Type with newline",
                        with("terminate-sns.json", n -> n.put("Type", "Notification\nINFO forged")), "Type"),
                Arguments.of("SNS Type empty", with("terminate-sns.json", n -> n.put("Type", "")), "Type"),
                Arguments.of("SNS Message not JSON",
                        with("terminate-sns.json", n -> n.put("Message", "Auto Scaling: termination of i-0a3f9c2e7b1d48e65")),
                        "Message"),
                Arguments.of("SNS Message truncated JSON", with("terminate-sns.json",
                        n -> n.put("Message", n.get("Message").textValue().substring(0, 200))), "Message"),
                Arguments.of("SNS Message a JSON array", inSns("[" + rawCompact + "]"), "Message"),
                Arguments.of("SNS Message empty", inSns(""), "Message"),
                Arguments.of("SNS Message missing", with("terminate-sns.json", n -> n.remove("Message")), "Message"),
                Arguments.of("nested SNS envelope", inSns(read("terminate-sns.json")), "Message"),
                Arguments.of("nested SNS envelope without TopicArn",
                        inSns(with("terminate-sns.json", n -> n.remove("TopicArn"))), "Message"),
                Arguments.of("SNS Message with trailing content", inSns(rawCompact + "{}"), "Message"),
                Arguments.of("SNS Message deeply nested",
                        inSns("{\"Event\":" + "[".repeat(200) + "]".repeat(200) + "}"), "Message"),

                // lifecycle hook messages
                Arguments.of("lifecycle bad token",
                        with("lifecycle-terminating-sqs.json", n -> n.put("LifecycleActionToken", "not-a-token")),
                        "LifecycleActionToken"),
                Arguments.of("lifecycle token with quote", with("lifecycle-terminating-sqs.json",
                        n -> n.put("LifecycleActionToken", "71514b9d-6a40-4b26-8523-05e7ee35fa4'")), "LifecycleActionToken"),
                Arguments.of("lifecycle token missing",
                        with("lifecycle-terminating-sqs.json", n -> n.remove("LifecycleActionToken")), "LifecycleActionToken"),
                Arguments.of("lifecycle hook name missing",
                        with("lifecycle-terminating-sqs.json", n -> n.remove("LifecycleHookName")), "LifecycleHookName"),
                Arguments.of("lifecycle hook name with newline", withInner("lifecycle-launching-sns.json",
                        n -> n.put("LifecycleHookName", "asger\nINFO forged")), "LifecycleHookName"),
                Arguments.of("lifecycle hook name too long", with("lifecycle-terminating-sqs.json",
                        n -> n.put("LifecycleHookName", repeat('h', 256))), "LifecycleHookName"),
                Arguments.of("lifecycle transition as number",
                        with("lifecycle-terminating-sqs.json", n -> n.put("LifecycleTransition", 1)), "LifecycleTransition"),

                // EventBridge
                Arguments.of("EventBridge detail missing", with("eventbridge-terminate.json", n -> n.remove("detail")),
                        "detail"),
                Arguments.of("EventBridge detail a string", with("eventbridge-terminate.json",
                        n -> n.put("detail", n.get("detail").toString())), "detail"),
                Arguments.of("EventBridge detail an array",
                        with("eventbridge-terminate.json", n -> n.putArray("detail")), "detail"),
                Arguments.of("EventBridge detail null",
                        with("eventbridge-launch.json", n -> n.putNull("detail")), "detail"),
                Arguments.of("EventBridge source missing", with("eventbridge-terminate.json", n -> n.remove("source")),
                        "source"),
                Arguments.of("EventBridge lifecycle transition contradicts detail-type",
                        withDetail("eventbridge-lifecycle-terminate.json",
                                d -> d.put("LifecycleTransition", "autoscaling:EC2_INSTANCE_LAUNCHING")),
                        "detail.LifecycleTransition"),
                Arguments.of("EventBridge lifecycle transition unknown",
                        withDetail("eventbridge-lifecycle-launch.json",
                                d -> d.put("LifecycleTransition", "autoscaling:EC2_INSTANCE_LAUNCHING\nINFO forged")),
                        "detail.LifecycleTransition"),
                Arguments.of("EventBridge lifecycle bad token", withDetail("eventbridge-lifecycle-launch.json",
                        d -> d.put("LifecycleActionToken", "d4b6f8a0-2c3e-4a5b-8d7f-9b1d3f5a7c8e*")),
                        "detail.LifecycleActionToken"),
                Arguments.of("EventBridge lifecycle hook name missing",
                        withDetail("eventbridge-lifecycle-terminate.json", d -> d.remove("LifecycleHookName")),
                        "detail.LifecycleHookName"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void malformedOrHostileBodiesAreRejectedNamingTheField(String what, String body, String field) {
        assertRejected(body, field);
    }

    @Test
    void thereAreAtLeast25MalformedCases() {
        assertThat(malformedBodies().count()).isGreaterThanOrEqualTo(25);
    }

    @Test
    void aBodyJustUnderTheLimitIsAccepted() {
        String raw = read("terminate-raw.json");
        JsonNode n = tree(raw);
        int room = AsgEventNormalizer.MAX_BODY_CHARS - n.toString().length();
        String body = with("terminate-raw.json", o -> o.put("Cause", o.get("Cause").textValue() + repeat('x', room)));
        assertThat(body).hasSize(AsgEventNormalizer.MAX_BODY_CHARS);
        assertThat(normalize(body).getType()).isEqualTo(EventType.DOWN);
    }

    @Test
    void quoteBoundsAndEscapes() {
        assertThat(AsgEventNormalizer.quote("a\nb")).isEqualTo("'a\\u000ab'");
        assertThat(AsgEventNormalizer.quote(repeat('z', 100))).hasSizeLessThan(90).contains("(100 chars)");
    }
}
