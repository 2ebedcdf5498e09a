package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CoreSettingsTest {

    static CoreSettings read(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        return CoreSettings.read(new Settings(name -> Optional.ofNullable(all.get(name))));
    }

    static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/asg-events";
    static final String DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/asg-events-dlq";

    @Test
    void noQueueMeansLocalMode() {
        CoreSettings s = read(Map.of());
        assertThat(s.localMode()).isTrue();
        assertThat(s.tasks()).isEmpty();
        assertThat(s.concurrency()).isEqualTo(2);
    }

    @Test
    void aQueueNeedsADeadLetterQueue() {
        assertThatThrownBy(() -> read(Map.of("asger.queue-url", QUEUE)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("asger.dlq-url: is required when asger.queue-url is set")
                .hasMessageContaining("ASGER_DLQ_URL");
    }

    @Test
    void theDeadLetterQueueMustBeAnotherQueue() {
        assertThatThrownBy(() -> read(Map.of("asger.queue-url", QUEUE, "asger.dlq-url", QUEUE)))
                .hasMessageStartingWith("asger.dlq-url: must not be the same queue");
    }

    @Test
    void urlsMustBeHttp() {
        assertThatThrownBy(() -> read(Map.of("asger.queue-url", "asg-events", "asger.dlq-url", DLQ)))
                .hasMessageStartingWith("asger.queue-url: must be an http or https URL, was 'asg-events'");
    }

    @Test
    void tasksAreParsedInOrderAndChecked() {
        assertThat(read(Map.of("asger.tasks", " log , audit-2 ")).tasks()).containsExactly("log", "audit-2");
        assertThatThrownBy(() -> read(Map.of("asger.tasks", "log,Chef")))
                .hasMessageStartingWith("asger.tasks: 'Chef' is not a task name");
        assertThatThrownBy(() -> read(Map.of("asger.tasks", "log,log"))).hasMessageStartingWith("asger.tasks: names 'log' twice");
    }

    static AsgerSettings readAll(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        return AsgerSettings.read(new Settings(name -> Optional.ofNullable(all.get(name))));
    }

    @Test
    void aShippedTaskNeedsItsSettings() {
        assertThatThrownBy(() -> readAll(Map.of("asger.tasks", "chef", "asger.chef.url", "https://chef.example.com")))
                .hasMessageStartingWith("asger.chef.client-name: is required because asger.tasks includes 'chef'");
        assertThatThrownBy(() -> readAll(Map.of("asger.tasks", "route53")))
                .hasMessageStartingWith("asger.route53.zone-id: is required because asger.tasks includes 'route53'");
    }

    @Test
    void numbersAndBooleansAreRangeChecked() {
        assertThatThrownBy(() -> read(Map.of("asger.concurrency", "0"))).hasMessageStartingWith("asger.concurrency: must be from 1 to 200, was 0");
        assertThatThrownBy(() -> read(Map.of("asger.dry-run", "yes"))).hasMessageStartingWith("asger.dry-run: must be true or false, was 'yes'");
        assertThatThrownBy(() -> read(Map.of("asger.retry.multiplier", "0.5"))).hasMessageStartingWith("asger.retry.multiplier: must be from 1.0");
        assertThatThrownBy(() -> read(Map.of("asger.retry.delay-ms", "5000", "asger.retry.max-delay-ms", "100")))
                .hasMessageStartingWith("asger.retry.max-delay-ms: must be at least asger.retry.delay-ms");
        assertThatThrownBy(() -> read(Map.of("asger.poll-wait-seconds", "21"))).hasMessageStartingWith("asger.poll-wait-seconds");
        assertThatThrownBy(() -> read(Map.of("asger.groups", "/web[/"))).hasMessageStartingWith("asger.groups: '/web[/' is not a valid regular expression");
    }

    @Test
    void formatsAreCheckedNamingTheValidOnes() {
        read(Map.of("asger.formats", "autoscaling,ec2-state-change"));
        read(Map.of("asger.formats", "eventbridge, eventbridge-lifecycle"));
        assertThatThrownBy(() -> read(Map.of("asger.formats", "autoscaling,ec2-state")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("asger.formats: 'ec2-state' is not a format; valid: autoscaling, notification, "
                        + "lifecycle, eventbridge, eventbridge-lifecycle, ec2-state-change")
                .hasMessageContaining("ASGER_FORMATS");
    }

    @Test
    void environmentNamesFollowCamel() {
        assertThat(Settings.envName("asger.retry.max-delay-ms")).isEqualTo("ASGER_RETRY_MAX_DELAY_MS");
    }
}
