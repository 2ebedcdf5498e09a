package io.asger.webhook;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The webhook's HTTP client without Apache HttpClient's own retries (it re-sends a POST answered 503 or 429 by
 * itself): asger's error handler does all retrying, with its backoff, counted in the dead letter's attempts.
 */
public class WebhookHttpClient implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
