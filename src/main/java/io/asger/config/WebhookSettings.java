package io.asger.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The webhook task's settings (asger.webhook.*), read and checked at start-up only when asger.tasks names webhook.
 * A webhook URL usually carries its secret (Slack's does, in the path), so no problem noted here repeats it.
 */
public record WebhookSettings(URI url, int timeoutMs) {

    public static final String TASK = "webhook";
    public static final String URL = "asger.webhook.url";
    public static final String TIMEOUT_MS = "asger.webhook.timeout-ms";

    /** Notes every bad webhook setting in {@code s}; see {@link AsgerSettings#read}. */
    public static WebhookSettings read(Settings s) {
        URI url = null;
        String raw = s.text(URL, "");
        if (raw.isEmpty()) {
            s.problem(URL, "is required because asger.tasks includes 'webhook'");
        } else {
            try {
                URI uri = new URI(raw);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    url = uri;
                } else {
                    s.problem(URL, "must be an http or https URL with a host (the value is not shown: it may hold the webhook's secret)");
                }
            } catch (URISyntaxException e) {
                s.problem(URL, "is not a valid URL: " + e.getReason() + " (the value is not shown: it may hold the webhook's secret)");
            }
        }
        int timeoutMs = s.integer(TIMEOUT_MS, 10_000, 1, 600_000);
        return new WebhookSettings(url, timeoutMs);
    }
}
