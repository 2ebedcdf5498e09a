package io.asger.lifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.asger.aws.AwsClients;
import io.asger.errors.Failures;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import io.asger.peers.FakeAutoScaling;
import io.asger.peers.RegionalEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Auto Scaling calls, over HTTP against {@link FakeAutoScaling}, with the clients asger makes in production
 * (io.asger.aws.AwsClients, endpoint and credentials from the SDK's system properties, as an operator sets them).
 */
class LifecycleActionsTest {

    static final String INSTANCE = "i-0123456789abcdef0";
    private static final List<String> SDK_PROPERTIES = List.of("aws.endpointUrlAutoScaling", "aws.region",
            "aws.accessKeyId", "aws.secretAccessKey");

    private final Map<String, String> savedProperties = new HashMap<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private FakeAutoScaling fake;
    private LifecycleActions actions;

    @BeforeEach
    void start() throws Exception {
        SDK_PROPERTIES.forEach(p -> savedProperties.put(p, System.getProperty(p)));
        fake = new FakeAutoScaling();
        System.setProperty("aws.endpointUrlAutoScaling", fake.endpoint().toString());
        System.setProperty("aws.region", "us-west-2");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        actions = new LifecycleActions("http://127.0.0.1:1/000000000000/asger");
        actions.setMeterRegistry(meters);
    }

    @AfterEach
    void stop() {
        actions.close();
        fake.close();
        RegionalEndpoints.redirectTo(null);
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    static AsgEvent terminating(String region) {
        return AsgEvent.builder(EventType.DOWN).messageId("m-" + UUID.randomUUID()).format("lifecycle")
                .instanceId(INSTANCE).groupName("web").region(region).lifecycleHookName("drain")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING")
                .lifecycleActionToken(UUID.randomUUID().toString()).build();
    }

    @Test
    void completesTheEventsActionWithTheGivenResultInTheEventsRegion() {
        AsgEvent event = terminating("eu-west-1");

        assertThat(actions.complete(event, "ABANDON")).isEqualTo(LifecycleActions.Completion.COMPLETED);

        assertThat(fake.calls("CompleteLifecycleAction")).singleElement().satisfies(call -> {
            assertThat(call.params()).containsEntry("AutoScalingGroupName", "web")
                    .containsEntry("LifecycleHookName", "drain")
                    .containsEntry("LifecycleActionToken", event.getLifecycleActionToken())
                    .containsEntry("InstanceId", INSTANCE)
                    .containsEntry("LifecycleActionResult", "ABANDON");
            assertThat(call.region()).isEqualTo("eu-west-1");
        });
        assertThat(meters.counter("asger.lifecycle.completions", "result", "ABANDON", "outcome", "completed").count())
                .isEqualTo(1);
    }

    @Test
    void anEventWithoutARegionIsCompletedInAsgersOwnRegion() {
        actions.complete(terminating(null), "CONTINUE");

        assertThat(fake.calls("CompleteLifecycleAction")).singleElement()
                .satisfies(call -> assertThat(call.region()).isEqualTo("us-west-2"));
    }

    @Test
    void eachRegionGetsOneClientMadeOnFirstUse() {
        AtomicInteger made = new AtomicInteger();
        try (var counting = new LifecycleActions(region -> {
            made.incrementAndGet();
            return AwsClients.autoScaling(region);
        }, () -> AwsClients.homeRegion(null))) {
            assertThat(made).hasValue(0);
            counting.complete(terminating("eu-west-1"), "CONTINUE");
            counting.heartbeat(terminating("eu-west-1"));
            counting.complete(terminating("ap-southeast-2"), "CONTINUE");
            counting.complete(terminating(null), "CONTINUE");
            counting.complete(terminating("us-west-2"), "CONTINUE");
            assertThat(made).hasValue(3);
        }
        assertThat(fake.calls()).extracting(FakeAutoScaling.Call::region)
                .containsExactly("eu-west-1", "eu-west-1", "ap-southeast-2", "us-west-2", "us-west-2");
    }

    @Test
    void withoutAnEndpointSettingEachRegionUsesItsOwnAutoScalingEndpoint() {
        System.clearProperty("aws.endpointUrlAutoScaling");
        RegionalEndpoints.redirectTo(fake.endpoint());

        actions.complete(terminating("eu-west-1"), "CONTINUE");
        actions.complete(terminating("ap-southeast-2"), "CONTINUE");
        actions.complete(terminating(null), "CONTINUE");

        assertThat(RegionalEndpoints.hosts()).containsExactly("autoscaling.eu-west-1.amazonaws.com",
                "autoscaling.ap-southeast-2.amazonaws.com", "autoscaling.us-west-2.amazonaws.com");
        assertThat(fake.calls("CompleteLifecycleAction")).hasSize(3);
    }

    @Test
    void noActiveActionWhileTheInstanceStillWaitsIsTransientThenTheRetryCompletes() {
        fake.instance(INSTANCE, "web", "Terminating:Wait");
        fake.fail("CompleteLifecycleAction", 1, 400, "ValidationError",
                "No active Lifecycle Action found with token 3a4b6c7d-0000-4000-8000-000000000000");
        AsgEvent event = terminating("us-east-1");

        assertThatThrownBy(() -> actions.complete(event, "CONTINUE"))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("still in Terminating:Wait")
                .satisfies(e -> assertThat(new Failures().isPermanent(e)).isFalse());
        assertThat(actions.complete(event, "CONTINUE")).isEqualTo(LifecycleActions.Completion.COMPLETED);

        assertThat(fake.calls()).extracting(FakeAutoScaling.Call::action).containsExactly(
                "CompleteLifecycleAction", "DescribeAutoScalingInstances", "CompleteLifecycleAction");
        assertThat(fake.lifecycleState(INSTANCE)).isEqualTo("Terminating:Proceed");
    }

    @Test
    void noActiveActionForAnInstanceThatMovedOnIsAlreadyComplete() {
        fake.instance(INSTANCE, "web", "Terminating:Proceed");

        assertThat(actions.complete(terminating("us-east-1"), "CONTINUE"))
                .isEqualTo(LifecycleActions.Completion.ALREADY_COMPLETE);
        assertThat(fake.calls()).extracting(FakeAutoScaling.Call::action)
                .containsExactly("CompleteLifecycleAction", "DescribeAutoScalingInstances");
        assertThat(meters.counter("asger.lifecycle.completions", "result", "CONTINUE", "outcome", "already-complete")
                .count()).isEqualTo(1);
    }

    @Test
    void aWaitOfTheOtherTransitionDoesNotHoldAnOldCompletion() {
        // A replayed launch action whose instance is now held by the terminate hook: the launch action is over.
        fake.instance(INSTANCE, "web", "Terminating:Wait");
        fake.fail("CompleteLifecycleAction", 1, 400, "ValidationError", "No active Lifecycle Action found with token x");
        AsgEvent launch = terminating("us-east-1").toBuilder().type(EventType.UP)
                .lifecycleTransition("autoscaling:EC2_INSTANCE_LAUNCHING").build();

        assertThat(actions.complete(launch, "CONTINUE")).isEqualTo(LifecycleActions.Completion.ALREADY_COMPLETE);
    }

    @Test
    void accessDeniedIsPermanentAndNamesTheMissingIamAction() {
        fake.fail("CompleteLifecycleAction", 1, 403, "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/asger/i-0aaa is not authorized to perform: "
                        + "autoscaling:CompleteLifecycleAction on resource: arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*");

        assertThatThrownBy(() -> actions.complete(terminating("us-east-1"), "CONTINUE"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("needs permission for autoscaling:CompleteLifecycleAction")
                .hasMessageContaining("LifecycleHookName=drain");
        assertThat(meters.counter("asger.lifecycle.failures", "call", "CompleteLifecycleAction").count()).isEqualTo(1);
    }

    @Test
    void accessDeniedOnTheRaceCheckNamesDescribeAutoScalingInstances() {
        fake.instance(INSTANCE, "web", "Terminating:Wait");
        fake.fail("CompleteLifecycleAction", 1, 400, "ValidationError", "No active Lifecycle Action found with token x");
        fake.fail("DescribeAutoScalingInstances", 1, 403, "AccessDenied", "not authorized");

        assertThatThrownBy(() -> actions.complete(terminating("us-east-1"), "CONTINUE"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("autoscaling:DescribeAutoScalingInstances");
    }

    @Test
    void throttlingThatOutlastsTheSdksRetriesIsLeftTransient() {
        fake.fail("CompleteLifecycleAction", 10, 400, "Throttling", "Rate exceeded");

        assertThatThrownBy(() -> actions.complete(terminating("us-east-1"), "CONTINUE"))
                .isInstanceOf(AwsServiceException.class)
                .satisfies(e -> assertThat(new Failures().isPermanent(e)).isFalse());
    }

    @Test
    void theHooksHeartbeatTimeoutIsReadOncePerGroupAndHook() {
        fake.hook("web", "drain", "autoscaling:EC2_INSTANCE_TERMINATING", 900);

        assertThat(actions.heartbeatTimeout(terminating("us-east-1"))).hasValue(Duration.ofSeconds(900));
        assertThat(actions.heartbeatTimeout(terminating("us-east-1"))).hasValue(Duration.ofSeconds(900));

        assertThat(fake.calls("DescribeLifecycleHooks")).singleElement().satisfies(call -> assertThat(call.params())
                .containsEntry("AutoScalingGroupName", "web").containsEntry("LifecycleHookNames.member.1", "drain"));
    }

    @Test
    void anUnreadableTimeoutIsEmptyAndAMissingPermissionIsNotAskedAgain() {
        fake.fail("DescribeLifecycleHooks", 1, 403, "AccessDenied", "not authorized");

        assertThat(actions.heartbeatTimeout(terminating("us-east-1"))).isEmpty();
        assertThat(actions.heartbeatTimeout(terminating("us-east-1"))).isEmpty();
        assertThat(fake.calls("DescribeLifecycleHooks")).hasSize(1);
    }

    @Test
    void heartbeatRecordsTheEventsActionAndReportsAnActionThatIsOver() {
        fake.instance(INSTANCE, "web", "Terminating:Wait");
        AsgEvent event = terminating("eu-central-1");

        assertThat(actions.heartbeat(event)).isTrue();
        fake.lifecycleState(INSTANCE, "Terminating:Proceed");
        assertThat(actions.heartbeat(event)).isFalse();

        assertThat(fake.calls("RecordLifecycleActionHeartbeat")).hasSize(2).first().satisfies(call -> {
            assertThat(call.params()).containsEntry("AutoScalingGroupName", "web").containsEntry("LifecycleHookName", "drain")
                    .containsEntry("LifecycleActionToken", event.getLifecycleActionToken()).containsEntry("InstanceId", INSTANCE);
            assertThat(call.region()).isEqualTo("eu-central-1");
        });
        assertThat(meters.counter("asger.lifecycle.heartbeats").count()).isEqualTo(1);
    }

    @Test
    void dryRunLogsAndSendsNothing() {
        actions.setDryRun(true);
        AsgEvent event = terminating("eu-west-1");

        assertThat(actions.complete(event, "CONTINUE")).isEqualTo(LifecycleActions.Completion.DRY_RUN);
        assertThat(actions.heartbeat(event)).isTrue();
        assertThat(actions.heartbeatTimeout(event)).isEmpty();

        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void aMessageWithoutRegionFailsPermanentlyWhenAsgerHasNone() {
        try (var noRegion = new LifecycleActions(AwsClients::autoScaling, java.util.Optional::empty)) {
            assertThatThrownBy(() -> noRegion.complete(terminating(null), "CONTINUE"))
                    .isInstanceOf(PermanentFailure.class).hasMessageContaining("names no region");
        }
        assertThat(fake.calls()).isEmpty();
    }
}
