package io.asger.reconcile;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing a task knows about that names an EC2 instance: a Chef node, an owned Route 53 record, a Consul node.
 * Answered (as a list) by a task's {@code direct:NAME-inventory} route. Everything but the task and the name may be
 * missing; the sweep ({@link GhostFinder}) decides what a missing part means.
 *
 * @param instanceId      as the source has it, not validated yet (null: the source has no EC2 data for it)
 * @param region          the region the source names (from an availability zone too), or null
 * @param account         the account the source names, or null
 * @param accountExpected whether this kind of source names accounts (Chef's EC2 data does; records and Consul nodes
 *                        do not), so that a missing account means "unknown" rather than "not said"
 * @param checkedIn       when the source last heard from the instance (a Chef node's ohai_time), or null
 */
public record InventoryItem(String task, String name, String instanceId, String region, String account,
        boolean accountExpected, Instant checkedIn) {

    private static final Pattern ZONE = Pattern.compile("([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})[a-z]");

    /** The region of an availability zone ({@code us-east-1a} is in {@code us-east-1}), or null. */
    public static String regionOfZone(String zone) {
        if (zone == null) {
            return null;
        }
        Matcher m = ZONE.matcher(zone);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * An item from an operator's inventory route, given as a map: {@code name}, {@code instanceId}, and optionally
     * {@code region}, {@code account} (its presence, even empty, says the source names accounts) and
     * {@code checkedIn} (ISO-8601, or epoch seconds).
     */
    public static InventoryItem fromMap(String task, Map<?, ?> map) {
        Object checked = map.get("checkedIn");
        Instant checkedIn = null;
        if (checked instanceof Instant i) {
            checkedIn = i;
        } else if (checked instanceof Number n) {
            checkedIn = Instant.ofEpochMilli((long) (n.doubleValue() * 1000));
        } else if (checked != null && !checked.toString().isBlank()) {
            checkedIn = Instant.parse(checked.toString());
        }
        return new InventoryItem(task, text(map.get("name")), text(map.get("instanceId")), text(map.get("region")),
                text(map.get("account")), map.containsKey("account"), checkedIn);
    }

    private static String text(Object v) {
        return v == null || v.toString().isBlank() ? null : v.toString();
    }
}
