package io.asger.reconcile;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The body of the DOWN event a ghost becomes on the main queue (format {@code reconcile}, read back by
 * io.asger.event.AsgEventNormalizer like any other event): a sample is examples/events/reconcile.json.
 */
public final class ReconcileEvent {

    /** The value of {@code Origin} that marks a body as a reconcile event. */
    public static final String ORIGIN = "asger-reconcile";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReconcileEvent() {
    }

    public static String body(ReconcilePlan.Ghost ghost) throws JsonProcessingException {
        return body(ghost, Instant.now());
    }

    static String body(ReconcilePlan.Ghost ghost, Instant time) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Origin", ORIGIN);
        body.put("EC2InstanceId", ghost.instanceId());
        body.put("AccountId", ghost.account());
        body.put("Region", ghost.region());
        body.put("Time", time.toString());
        if (ghost.group() != null) {
            body.put("AutoScalingGroupName", ghost.group());
        }
        body.put("Cause", ghost.reason());
        body.put("FoundBy", ghost.sources());
        return JSON.writeValueAsString(body);
    }
}
