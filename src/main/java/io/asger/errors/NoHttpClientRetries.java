package io.asger.errors;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The HTTP client configuration of every camel-http call asger makes (set on the http and https components in
 * application.properties, so a task of your own gets it too): no retries inside Apache HttpClient. Its default
 * retries idempotent requests after some I/O errors and 429/503 answers once by itself, so the same
 * {@code asger.retry.*} would give a DELETE more attempts than a POST; asger's error handler does all retrying,
 * with its backoff and count, and every attempt is visible and bounded.
 */
public class NoHttpClientRetries implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
