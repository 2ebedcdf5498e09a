package io.asger.webhook;

import java.net.URI;
import java.net.URISyntaxException;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.errors.FailureKind;
import io.asger.errors.Failures;
import io.asger.errors.PermanentFailure;
import io.asger.event.AsgEvent;

/**
 * The webhook task's target ({@code asger.webhook.url}) and how its answers are read. A webhook URL often carries its
 * secret in the path or query (a Slack incoming webhook does), so logs and dead-letter reasons name only
 * {@link #getTarget() scheme, host and port}.
 */
public class Webhook {

    static final String URL = "asger.webhook.url";

    private static final ObjectMapper JSON = new ObjectMapper();

    private String url = "";

    public void setUrl(String url) {
        this.url = url == null ? "" : url.trim();
    }

    /**
     * The URL to POST to. Checked at start-up (io.asger.config.WebhookSettings); refused here too (permanently:
     * retrying will not set it) for a route that runs without that check.
     */
    public String url() {
        URI uri = parse();
        return uri.toString();
    }

    /** What logs may say about the URL: {@code https://hooks.example.com}, never its path or query. */
    public String getTarget() {
        try {
            URI uri = parse();
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (PermanentFailure e) {
            return "(no valid " + URL + ")";
        }
    }

    /**
     * The JSON body POSTed for an event: its fields under their AsgEvent names, plus {@code text}, one line a chat
     * webhook (Slack, Mattermost, Teams workflows) shows as it is. The lifecycle action token stays out: it lets its
     * holder complete the instance's lifecycle action.
     */
    public String payload(AsgEvent event) throws JsonProcessingException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("text", "asger: " + event.getType() + " " + (event.getInstanceId() == null ? "(no instance)" : event.getInstanceId())
                + " " + event.getInGroup());
        json.put("type", event.getType().name());
        json.put("direction", event.getDirection());
        json.put("instanceId", event.getInstanceId());
        json.put("groupName", event.getGroupName());
        json.put("account", event.getAccount());
        json.put("region", event.getRegion());
        json.put("time", event.getTime() == null ? null : event.getTime().toString());
        json.put("lifecycleHookName", event.getLifecycleHookName());
        json.put("lifecycleTransition", event.getLifecycleTransition());
        json.put("format", event.getFormat());
        json.put("messageId", event.getMessageId());
        return JSON.writeValueAsString(json);
    }

    /**
     * 2xx: delivered. Otherwise the status is classified as for every HTTP task ({@link Failures#forStatus}): 408,
     * 429 and 5xx (the receiver is busy or down) are retried; any other (a 404 from a mistyped URL, a 401 or 403 from
     * a revoked token, a 400 for a body it does not take, a redirect) cannot be fixed by retrying.
     */
    public void check(int status, String responseBody) {
        if (Failures.isSuccess(status)) {
            return;
        }
        String what = "webhook POST to " + getTarget() + " answered " + status + excerpt(responseBody);
        throw Failures.forStatus(status, Failures.ofStatus(status) == FailureKind.PERMANENT ? what + " (check " + URL + ")" : what);
    }

    private URI parse() {
        if (url.isEmpty()) {
            throw new PermanentFailure(URL + " is not set: the webhook task needs the URL to POST events to");
        }
        try {
            URI uri = new URI(url);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new PermanentFailure(URL + " must be an http:// or https:// URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            // The input is not echoed: it may hold the webhook's secret.
            throw new PermanentFailure(URL + " is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine);
    }
}
