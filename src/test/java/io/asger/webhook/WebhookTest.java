package io.asger.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import org.junit.jupiter.api.Test;

class WebhookTest {

    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void anEventThatNamesNoGroupSaysSoInTheTextAndSendsAJsonNull() throws Exception {
        String body = java.nio.file.Files.readString(java.nio.file.Path.of("examples/events/ec2-state-change-terminated.json"));
        io.asger.event.AsgEvent event = new io.asger.event.AsgEventNormalizer("", "ec2-state-change").normalize(body, "m-1");
        var json = JSON.readTree(new Webhook().payload(event));
        assertThat(json.path("text").asText()).isEqualTo("asger: DOWN i-0123456789abcdef0 in no group named by the event");
        assertThat(json.get("groupName").isNull()).isTrue();
        assertThat(json.path("format").asText()).isEqualTo("ec2-state-change");
        assertThat(json.path("account").asText()).isEqualTo("123456789012");
    }

    static Webhook webhook(String url) {
        Webhook w = new Webhook();
        w.setUrl(url);
        return w;
    }

    @Test
    void theTargetNamesSchemeHostAndPortButNeverThePathOrQuery() {
        assertThat(webhook("https://hooks.example.com/services/T0/B0/s3cr3t?x=1").getTarget()).isEqualTo("https://hooks.example.com");
        assertThat(webhook("http://10.0.0.5:8080/in").getTarget()).isEqualTo("http://10.0.0.5:8080");
        assertThat(webhook("").getTarget()).isEqualTo("(no valid asger.webhook.url)");
    }

    @Test
    void statusesAreClassifiedLikeTheOtherHttpTasks() {
        Webhook w = webhook("https://hooks.example.com/s3cr3t");
        w.check(200, "ok");
        w.check(204, null);
        assertThatThrownBy(() -> w.check(503, "down")).isInstanceOf(TransientFailure.class)
                .hasMessage("webhook POST to https://hooks.example.com answered 503: down");
        assertThatThrownBy(() -> w.check(429, "")).isInstanceOf(TransientFailure.class);
        assertThatThrownBy(() -> w.check(404, "no_service")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("answered 404: no_service (check asger.webhook.url)")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> w.check(302, "")).isInstanceOf(PermanentFailure.class);
    }

    @Test
    void aMissingOrNonHttpUrlIsPermanentAndNotEchoed() {
        assertThatThrownBy(() -> webhook("").url()).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("asger.webhook.url is not set");
        assertThatThrownBy(() -> webhook("ftp://x/s3cr3t").url()).isInstanceOf(PermanentFailure.class)
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> webhook("http://a b/s3cr3t").url()).isInstanceOf(PermanentFailure.class)
                .hasMessageNotContaining("s3cr3t");
    }
}
