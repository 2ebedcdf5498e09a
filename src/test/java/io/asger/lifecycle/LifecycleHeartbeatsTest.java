package io.asger.lifecycle;

import java.time.Duration;
import java.util.Optional;

import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import io.asger.peers.FakeAutoScaling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

import static io.asger.lifecycle.LifecycleActionsTest.INSTANCE;
import static io.asger.lifecycle.LifecycleActionsTest.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Heartbeats against {@link FakeAutoScaling}: when they start, how often, and that they stop. */
class LifecycleHeartbeatsTest {

    private FakeAutoScaling fake;
    private LifecycleActions actions;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScaling();
        actions = new LifecycleActions(region -> AutoScalingClient.builder().region(region)
                .endpointOverride(fake.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build(), () -> Optional.of(Region.US_EAST_1));
    }

    @AfterEach
    void stop() {
        actions.close();
        fake.close();
    }

    private int heartbeats() {
        return fake.calls("RecordLifecycleActionHeartbeat").size();
    }

    @Test
    void beatsEveryIntervalUntilStoppedAndNeverAfter() {
        try (var heartbeats = new LifecycleHeartbeats(actions, 1)) {
            AsgEvent event = terminating("us-east-1");
            heartbeats.start(event);
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats() >= 2);

            heartbeats.stop(event);
            int sent = heartbeats();
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> heartbeats() == sent);
            assertThat(heartbeats.running()).isZero();
            assertThat(fake.calls("RecordLifecycleActionHeartbeat")).allSatisfy(call -> assertThat(call.params())
                    .containsEntry("LifecycleActionToken", event.getLifecycleActionToken()));
        }
    }

    @Test
    void theFirstHeartbeatWaitsOneInterval() {
        try (var heartbeats = new LifecycleHeartbeats(actions, 2)) {
            heartbeats.start(terminating("us-east-1"));
            await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(2)).until(() -> heartbeats() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats() == 1);
        }
    }

    @Test
    void withoutASettingTheIntervalIsHalfTheHooksTimeoutElseFiveMinutes() {
        fake.hook("web", "drain", "autoscaling:EC2_INSTANCE_TERMINATING", 900);
        try (var heartbeats = new LifecycleHeartbeats(actions, 0)) {
            assertThat(heartbeats.intervalFor(terminating("us-east-1"))).isEqualTo(Duration.ofSeconds(450));
            AsgEvent otherHook = terminating("us-east-1").toBuilder().lifecycleHookName("unknown").build();
            assertThat(heartbeats.intervalFor(otherHook)).isEqualTo(Duration.ofSeconds(300));
        }
        try (var heartbeats = new LifecycleHeartbeats(actions, 20)) {
            assertThat(heartbeats.intervalFor(terminating("us-east-1"))).isEqualTo(Duration.ofSeconds(20));
        }
    }

    @Test
    void theHooksTimeoutDrivesTheBeat() {
        fake.hook("web", "drain", "autoscaling:EC2_INSTANCE_TERMINATING", 2);
        try (var heartbeats = new LifecycleHeartbeats(actions, 0)) {
            heartbeats.start(terminating("us-east-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats() >= 3);
        }
    }

    @Test
    void aRefusedHeartbeatForAnActionThatIsOverEndsTheHeartbeats() {
        fake.instance(INSTANCE, "web", "Terminating:Proceed");
        try (var heartbeats = new LifecycleHeartbeats(actions, 1)) {
            heartbeats.start(terminating("us-east-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats() == 1 && heartbeats.running() == 0);
            await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3)).until(() -> heartbeats() == 1);
        }
    }

    @Test
    void aFailedHeartbeatIsTriedAgainAtTheNextInterval() {
        // The SDK retries a 5xx itself (3 attempts): three faults make one failed heartbeat.
        fake.fail("RecordLifecycleActionHeartbeat", 3, 503, "ServiceUnavailable", "try later");
        try (var heartbeats = new LifecycleHeartbeats(actions, 1)) {
            heartbeats.start(terminating("us-east-1"));
            await().atMost(Duration.ofSeconds(15)).until(() -> heartbeats() >= 5);
            assertThat(heartbeats.running()).isEqualTo(1);
        }
    }

    @Test
    void closingStopsEveryHeartbeat() {
        var heartbeats = new LifecycleHeartbeats(actions, 1);
        heartbeats.start(terminating("us-east-1"));
        heartbeats.start(terminating("eu-west-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats() >= 2);

        heartbeats.close();
        int sent = heartbeats();
        await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3)).until(() -> heartbeats() == sent);
        assertThat(heartbeats.running()).isZero();
    }

    @Test
    void anEventWithoutALifecycleActionGetsNoHeartbeat() {
        try (var heartbeats = new LifecycleHeartbeats(actions, 1)) {
            heartbeats.start(AsgEvent.builder(EventType.DOWN).messageId("m-1").instanceId(INSTANCE).groupName("web").build());
            assertThat(heartbeats.running()).isZero();
        }
    }
}
