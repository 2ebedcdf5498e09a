package io.asger.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.asger.TestEvents;
import org.junit.jupiter.api.Test;

/** Instances moving into a warm pool are not launched into service nor terminated: no task may act on them. */
class WarmPoolEventsTest {

    final AsgEventNormalizer normalizer = new AsgEventNormalizer();

    static String withRoute(String json, String origin, String destination) {
        return json.replace("\"Origin\":\"AutoScalingGroup\"", "\"Origin\":\"" + origin + "\"")
                .replace("\"Destination\":\"EC2\"", "\"Destination\":\"" + destination + "\"");
    }

    @Test
    void scaleInToTheWarmPoolIsIgnoredButKeepsTheLifecycleToken() {
        String body = withRoute(TestEvents.lifecycleTerminating("i-0123456789abcdef0", "web"), "AutoScalingGroup", "WarmPool");
        AsgEvent e = normalizer.normalize(body, "m-1");
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getReason()).contains("into the warm pool").contains("not terminated");
        assertThat(e.getLifecycleActionToken()).isNotNull();
        assertThat(e.getLifecycleHookName()).isEqualTo("asger-hook");
        assertThat(e.isIntoWarmPool()).isTrue();
    }

    @Test
    void launchIntoTheWarmPoolIsIgnored() {
        String body = TestEvents.sns(withRoute(TestEvents.lifecycleLaunching("i-0123456789abcdef0", "web"), "EC2", "WarmPool"));
        AsgEvent e = normalizer.normalize(body, "m-2");
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getReason()).contains("not in service yet");
        assertThat(e.isIntoWarmPool()).isTrue();
    }

    @Test
    void aWarmPoolMoveOfAGroupOutsideAsgerGroupsIsNotAsgersToComplete() {
        String body = withRoute(TestEvents.lifecycleTerminating("i-0123456789abcdef0", "web"), "AutoScalingGroup", "WarmPool");
        AsgEvent e = new AsgEventNormalizer("api").normalize(body, "m-6");
        assertThat(e.getType()).isEqualTo(EventType.IGNORED);
        assertThat(e.getReason()).contains("not in asger.groups");
        assertThat(e.isIntoWarmPool()).isFalse();
        assertThat(new AsgEventNormalizer("web").normalize(body, "m-7").isIntoWarmPool()).isTrue();
    }

    @Test
    void leavingTheWarmPoolIntoServiceIsALaunchAndTerminatingFromThePoolIsATermination() {
        String launch = TestEvents.lifecycleLaunching("i-0123456789abcdef0", "web")
                .replace("\"Origin\":\"AutoScalingGroup\"", "\"Origin\":\"WarmPool\"")
                .replace("\"Destination\":\"EC2\"", "\"Destination\":\"AutoScalingGroup\"");
        assertThat(normalizer.normalize(launch, "m-3").getType()).isEqualTo(EventType.UP);
        assertThat(normalizer.normalize(launch, "m-3").isIntoWarmPool()).isFalse();
        String terminate = withRoute(TestEvents.rawTerminate("i-0123456789abcdef0", "web"), "WarmPool", "EC2");
        assertThat(normalizer.normalize(terminate, "m-4").getType()).isEqualTo(EventType.DOWN);
    }

    @Test
    void eventBridgeDetailIsCheckedToo() {
        String body = TestEvents.eventBridgeTerminate("i-0123456789abcdef0", "web")
                .replace("\"StatusCode\":\"InProgress\"", "\"StatusCode\":\"InProgress\",\"Origin\":\"AutoScalingGroup\",\"Destination\":\"WarmPool\"");
        assertThat(normalizer.normalize(body, "m-5").getType()).isEqualTo(EventType.IGNORED);
    }
}
