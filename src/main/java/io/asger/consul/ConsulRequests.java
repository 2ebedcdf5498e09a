package io.asger.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Spells the Consul HTTP API requests of the Consul task: paths, query strings and the deregistration body,
 * with the escaping that string templates in YAML would get wrong. No I/O.
 *
 * <p>The settings come in as bean properties (routes/consul.camel.yaml), never spliced into the route's
 * expressions: a node name template holding a quote, a comma or a parenthesis stays data.
 */
public class ConsulRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String nodeMetaKey = "";
    private String nodeNameTemplate = "{instanceId}";
    private String datacenter = "";
    private boolean forceLeave;

    /** asger.consul.node-meta-key; empty: no node-meta lookup. */
    public void setNodeMetaKey(String nodeMetaKey) {
        this.nodeMetaKey = nodeMetaKey == null ? "" : nodeMetaKey.trim();
    }

    /** asger.consul.node-name. */
    public void setNodeNameTemplate(String nodeNameTemplate) {
        this.nodeNameTemplate = nodeNameTemplate == null ? "" : nodeNameTemplate;
    }

    /** asger.consul.datacenter; empty: the agent's own. */
    public void setDatacenter(String datacenter) {
        this.datacenter = datacenter == null ? "" : datacenter;
    }

    /** asger.consul.force-leave. */
    public void setForceLeave(boolean forceLeave) {
        this.forceLeave = forceLeave;
    }

    public boolean isForceLeave() {
        return forceLeave;
    }

    /** Whether to look the node up by node meta first. */
    public boolean usesNodeMeta() {
        return !nodeMetaKey.isEmpty();
    }

    /** The node-meta lookup for an instance, in words: {@code node-meta instance-id:i-...}. */
    public String nodeMetaLookup(String instanceId) {
        return "node-meta " + nodeMetaKey + ":" + instanceId;
    }

    /** {@link #nodeMetaQuery(String, String, String)} with the configured key and datacenter. */
    public String nodeMetaQuery(String instanceId) {
        return nodeMetaQuery(nodeMetaKey, instanceId, datacenter);
    }

    /** {@link #datacenterQuery(String)} with the configured datacenter. */
    public String datacenterQuery() {
        return datacenterQuery(datacenter);
    }

    /** {@link #nodeName(String, String)} with the configured template. */
    public String nodeName(String instanceId) {
        return nodeName(nodeNameTemplate, instanceId);
    }

    /** {@link #deregistration(String, String)} in the configured datacenter. */
    public String deregistration(String nodeName) {
        return deregistration(nodeName, datacenter);
    }

    /** Query for {@code GET /v1/catalog/nodes}: {@code node-meta=KEY:VALUE}, plus {@code dc} when one is set. */
    public String nodeMetaQuery(String metaKey, String instanceId, String datacenter) {
        return "node-meta=" + encode(metaKey) + ":" + encode(instanceId) + datacenterParam("&", datacenter);
    }

    /** Query for {@code GET /v1/catalog/node/NAME}: {@code dc} when one is set, else none (the agent's datacenter). */
    public String datacenterQuery(String datacenter) {
        return datacenterParam("", datacenter);
    }

    /** The node name for an instance from a template such as {@code {instanceId}} or {@code web-{instanceId}}. */
    public String nodeName(String template, String instanceId) {
        return template.replace("{instanceId}", instanceId);
    }

    /** {@code /v1/catalog/node/NAME} with the name escaped as one path segment. */
    public String nodePath(String nodeName) {
        return "/v1/catalog/node/" + pathSegment(nodeName);
    }

    /** {@code /v1/agent/force-leave/NAME}. */
    public String forceLeavePath(String nodeName) {
        return "/v1/agent/force-leave/" + pathSegment(nodeName);
    }

    /**
     * Body for {@code PUT /v1/catalog/deregister}: only Node (and Datacenter when set), so that the node and
     * everything registered on it (services, checks) goes.
     */
    public String deregistration(String nodeName, String datacenter) {
        ObjectNode body = JSON.createObjectNode();
        if (datacenter != null && !datacenter.isBlank()) {
            body.put("Datacenter", datacenter.trim());
        }
        body.put("Node", nodeName);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line naming a request, for logs and failure messages: {@code GET /v1/catalog/nodes?node-meta=...}. */
    public String describe(String method, String path, String query) {
        return method + " " + path + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    private static String datacenterParam(String separator, String datacenter) {
        return datacenter == null || datacenter.isBlank() ? "" : separator + "dc=" + encode(datacenter.trim());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
