package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** asger.lifecycle.*: the defaults the issue pins, and every bad value named at once (exit 78 at start-up). */
class LifecycleSettingsTest {

    @Test
    void defaultsCompleteWithHeartbeatsFromTheHookAbandonAFailedLaunchAndContinueAFailedTermination() {
        LifecycleSettings s = TaskSettingsTest.read(Map.of()).lifecycle();
        assertThat(s.complete()).isTrue();
        assertThat(s.heartbeatSeconds()).isZero();
        assertThat(s.launchFailureResult()).isEqualTo("ABANDON");
        assertThat(s.terminateFailureResult()).isEqualTo("CONTINUE");
    }

    @Test
    void valuesAreReadAndResultsMayBeWrittenInAnyCase() {
        LifecycleSettings s = TaskSettingsTest.read(Map.of("asger.lifecycle.complete", "false",
                "asger.lifecycle.heartbeat-seconds", "45", "asger.lifecycle.launch-failure-result", "continue",
                "asger.lifecycle.terminate-failure-result", "Abandon")).lifecycle();
        assertThat(s).isEqualTo(new LifecycleSettings(false, 45, "CONTINUE", "ABANDON"));
    }

    @Test
    void everyBadLifecycleSettingIsNamedAtOnce() {
        InvalidSettingException e = TaskSettingsTest.refused(Map.of("asger.lifecycle.complete", "yes",
                "asger.lifecycle.heartbeat-seconds", "0", "asger.lifecycle.launch-failure-result", "RETRY",
                "asger.lifecycle.terminate-failure-result", "DEFAULT"));
        assertThat(e.lines()).hasSize(4);
        assertThat(e.lines().get(0)).startsWith("asger.lifecycle.complete: must be true or false, was 'yes'");
        assertThat(e.lines().get(1)).startsWith("asger.lifecycle.heartbeat-seconds: must be from 1 to 3600, was 0")
                .contains("ASGER_LIFECYCLE_HEARTBEAT_SECONDS");
        assertThat(e.lines().get(2)).startsWith("asger.lifecycle.launch-failure-result: must be CONTINUE or ABANDON, was 'RETRY'");
        assertThat(e.lines().get(3)).startsWith("asger.lifecycle.terminate-failure-result: must be CONTINUE or ABANDON, was 'DEFAULT'");
    }
}
