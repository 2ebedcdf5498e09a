package io.asger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

    static AsgerSettings read(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        return AsgerSettings.read(new Settings(name -> Optional.ofNullable(all.get(name))));
    }

    @Test
    void theUrlIsRequiredWhenTheTaskIsOnAndNotReadWhenItIsOff() {
        assertThatThrownBy(() -> read(Map.of("asger.tasks", "webhook")))
                .hasMessageContaining("asger.webhook.url: is required because asger.tasks includes 'webhook'");
        assertThat(read(Map.of("asger.tasks", "log", "asger.webhook.url", "ftp://x")).task(WebhookSettings.class)).isEmpty();
    }

    @Test
    void aBadUrlOrTimeoutIsNamedWithoutRepeatingTheUrl() {
        assertThatThrownBy(() -> read(Map.of("asger.tasks", "webhook", "asger.webhook.url", "ftp://hooks.example.com/s3cr3t",
                "asger.webhook.timeout-ms", "0")))
                .hasMessageContaining("asger.webhook.url: must be an http or https URL")
                .hasMessageContaining("asger.webhook.timeout-ms")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> read(Map.of("asger.tasks", "webhook", "asger.webhook.url", "https://a b/s3cr3t")))
                .hasMessageContaining("asger.webhook.url: is not a valid URL").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void goodSettingsAreRead() {
        WebhookSettings w = read(Map.of("asger.tasks", "log,webhook", "asger.webhook.url", "https://hooks.example.com/T0/B0/x"))
                .task(WebhookSettings.class).orElseThrow();
        assertThat(w.url().getHost()).isEqualTo("hooks.example.com");
        assertThat(w.timeoutMs()).isEqualTo(10_000);
    }
}
