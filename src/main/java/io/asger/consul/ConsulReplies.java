package io.asger.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.errors.FailureKind;
import io.asger.errors.Failures;
import io.asger.errors.PermanentFailure;
import io.asger.reconcile.InventoryItem;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Consul's answers for the Consul task: classifies the status (permanent or transient, naming the ACL
 * permission a 403 is about) and turns catalog answers into node names. No I/O.
 */
public class ConsulReplies {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Consul: Permission denied: token with AccessorID '...' lacks permission 'node:write' on "NAME" */
    private static final Pattern LACKS = Pattern.compile("lacks permission '([a-z_-]+:[a-z]+)'");
    private static final int MAX_BODY = 300;

    /**
     * Passes 2xx; the kind of any other status is {@link Failures#forStatus}'s. The message names the request and,
     * for a 403, the permission the token lacks.
     */
    public void check(int status, String body, String request, String permission) {
        if (Failures.isSuccess(status)) {
            return;
        }
        String said = shorten(body);
        if (Failures.ofStatus(status) == FailureKind.TRANSIENT) {
            throw Failures.forStatus(status, "Consul answered " + status + " to " + request + ": " + said);
        }
        if (status == 403) {
            if (said.contains("ACL not found")) {
                throw new PermanentFailure("Consul refused " + request + " (403 ACL not found): the ACL token in"
                        + " asger.consul.token / asger.consul.token-file is unknown to Consul (deleted, expired or mistyped)");
            }
            Matcher m = LACKS.matcher(said);
            String missing = m.find() ? m.group(1) : permission;
            if (said.contains("anonymous token")) {
                throw new PermanentFailure("Consul refused " + request + " (403): no ACL token was sent and the anonymous"
                        + " token lacks " + missing + "; set asger.consul.token or asger.consul.token-file");
            }
            throw new PermanentFailure("Consul refused " + request + " (403): the ACL token lacks " + missing
                    + " (Consul said: " + said + ")");
        }
        throw Failures.forStatus(status, "Consul rejected " + request + " with " + status + ": " + said);
    }

    /** Node names from {@code GET /v1/catalog/nodes}: a JSON array of nodes. */
    public List<String> nodeList(int status, String body, String filteredByAcls, String request) throws JsonProcessingException {
        check(status, body, request, "node:read");
        refuseFiltered(filteredByAcls, request);
        List<String> names = new ArrayList<>();
        JsonNode nodes = JSON.readTree(body == null ? "[]" : body);
        if (nodes == null || !nodes.isArray()) {
            throw new PermanentFailure("Consul answered " + request + " with something that is not a list of nodes: " + shorten(body));
        }
        nodes.forEach(n -> names.add(n.path("Node").asText()));
        return names;
    }

    /**
     * The reconcile inventory from {@code GET /v1/catalog/nodes}: each node carrying the instance-id meta key
     * (asger.consul.node-meta-key), with its value as the instance id. Nodes without it are not asger's to judge.
     */
    public List<InventoryItem> inventory(int status, String body, String filteredByAcls, String request, String metaKey)
            throws JsonProcessingException {
        check(status, body, request, "node:read");
        refuseFiltered(filteredByAcls, request);
        JsonNode nodes = JSON.readTree(body == null ? "[]" : body);
        if (nodes == null || !nodes.isArray()) {
            throw new PermanentFailure("Consul answered " + request + " with something that is not a list of nodes: " + shorten(body));
        }
        List<InventoryItem> items = new ArrayList<>();
        for (JsonNode n : nodes) {
            JsonNode value = n.path("Meta").get(metaKey);
            if (value != null && value.isTextual()) {
                items.add(new InventoryItem("consul", n.path("Node").asText(), value.asText(), null, null, false, null));
            }
        }
        return items;
    }

    /**
     * The node name from {@code GET /v1/catalog/node/NAME}: {"Node":{...},"Services":{...}}, or {@code null}, which
     * is how Consul answers (200) for a node that is not there. Consul does not answer 404 here, so a 404 means
     * asger.consul.url does not point at Consul's API and is a permanent failure like any other 4xx.
     */
    public List<String> node(int status, String body, String filteredByAcls, String request) throws JsonProcessingException {
        check(status, body, request, "node:read");
        refuseFiltered(filteredByAcls, request);
        JsonNode answer = body == null || body.isBlank() ? null : JSON.readTree(body);
        if (answer == null || answer.isNull()) {
            return List.of();
        }
        JsonNode name = answer.path("Node").path("Node");
        if (!name.isTextual()) {
            throw new PermanentFailure("Consul answered " + request + " with something that is not a node: " + shorten(body));
        }
        return List.of(name.asText());
    }

    /** The one node found; null when none; more than one is ambiguous and nothing must be removed. */
    public String onlyNode(List<String> names, String lookup) {
        if (names == null || names.isEmpty()) {
            return null;
        }
        if (names.size() > 1) {
            throw new PermanentFailure("ambiguous: Consul " + lookup + " matches " + names + "; nothing removed");
        }
        return names.get(0);
    }

    /**
     * Outcome of {@code PUT /v1/agent/force-leave/NAME}: true when the member was forced out; false when the agent
     * does not know the member (Consul answers 500 "agent: No node found with name 'NAME'": already pruned or
     * reaped, or never in this agent's pool), which leaves nothing to do in gossip.
     */
    public boolean forcedLeave(int status, String body, String request) {
        if (status == 500 && body != null && body.contains("No node found with name")) {
            return false;
        }
        check(status, body, request, "operator:write");
        return true;
    }

    private static void refuseFiltered(String filteredByAcls, String request) {
        // Consul hides what the token may not read and says so in this header (only to callers that sent a token).
        if ("true".equalsIgnoreCase(filteredByAcls)) {
            throw new PermanentFailure("Consul filtered the answer to " + request + " by ACLs: the ACL token lacks"
                    + " node:read on some matching node, so asger cannot tell which node to remove");
        }
    }

    private static String shorten(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String s = body.strip();
        return s.length() <= MAX_BODY ? s : s.substring(0, MAX_BODY) + "...";
    }
}
