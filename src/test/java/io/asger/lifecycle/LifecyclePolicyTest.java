package io.asger.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.asger.config.LifecycleSettings;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import org.junit.jupiter.api.Test;

/** Which result a lifecycle action gets once its message is done. */
class LifecyclePolicyTest {

    final LifecyclePolicy policy = new LifecyclePolicy(new LifecycleSettings(true, 0, "ABANDON", "CONTINUE"));

    static AsgEvent action(EventType type) {
        return AsgEvent.builder(type).messageId("m-1").instanceId("i-0123456789abcdef0").groupName("web")
                .lifecycleHookName("hook").lifecycleActionToken("3a4b6c7d-0000-4000-8000-000000000000").build();
    }

    @Test
    void aDeadLetteredLaunchGetsTheLaunchFailureResultAndATerminationTheTerminateOne() {
        assertThat(policy.resultWhenDone(action(EventType.UP), "dead-lettered", "chef")).isEqualTo("ABANDON");
        assertThat(policy.resultWhenDone(action(EventType.DOWN), "dead-lettered", "chef")).isEqualTo("CONTINUE");
        var swapped = new LifecyclePolicy(new LifecycleSettings(true, 0, "CONTINUE", "ABANDON"));
        assertThat(swapped.resultWhenDone(action(EventType.UP), "dead-lettered", "none")).isEqualTo("CONTINUE");
        assertThat(swapped.resultWhenDone(action(EventType.DOWN), "dead-lettered", "none")).isEqualTo("ABANDON");
    }

    @Test
    void nothingIsSentWhenTheCompletionItselfFailedOrTheChainCompletedAlready() {
        assertThat(policy.resultWhenDone(action(EventType.UP), "dead-lettered", LifecyclePolicy.STEP)).isNull();
        assertThat(policy.resultWhenDone(action(EventType.UP), "handled", "first")).isNull();
        assertThat(policy.resultWhenDone(action(EventType.TEST), "test", null)).isNull();
    }

    @Test
    void aMoveIntoAWarmPoolContinuesAndOtherIgnoredMessagesGetNothing() {
        AsgEvent warm = action(EventType.IGNORED).toBuilder().intoWarmPool(true).build();
        assertThat(policy.resultWhenDone(warm, "ignored", null)).isEqualTo("CONTINUE");
        assertThat(policy.resultWhenDone(action(EventType.IGNORED), "ignored", null)).isNull();
    }

    @Test
    void withoutATokenOrWithCompleteOffNothingIsActedOn() {
        AsgEvent plain = AsgEvent.builder(EventType.UP).messageId("m-2").instanceId("i-0123456789abcdef0").groupName("web").build();
        assertThat(policy.actsOn(plain)).isFalse();
        assertThat(policy.actsOn(null)).isFalse();
        assertThat(policy.resultWhenDone(plain, "dead-lettered", "chef")).isNull();
        var off = new LifecyclePolicy(new LifecycleSettings(false, 0, "ABANDON", "CONTINUE"));
        assertThat(off.actsOn(action(EventType.UP))).isFalse();
        assertThat(off.resultWhenDone(action(EventType.UP), "dead-lettered", "chef")).isNull();
    }
}
