package io.asger.chef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.errors.PermanentFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Chef object names asger acts on. Reads the node names out of a partial search response ({@code POST /search/node} with the result shape
 * {@code {"name":["name"]}}), and checks every name is one Chef itself accepts before asger puts it in a path, and names the paths to delete for a node (its client's name comes from
 * asger.chef.client-name-template).
 */
public class ChefNodeNames {

    /** The body of the partial search: ask only for each node's name, not the (large) node objects. */
    public static final String PARTIAL_SEARCH_BODY = "{\"name\":[\"name\"]}";

    /** Chef's rule for node and client names (chef-server's VALID_NAME); "." and ".." are refused as path segments. */
    private static final Pattern CHEF_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    private static final ObjectMapper JSON = new ObjectMapper();

    private String clientNameTemplate = "{node}";
    private boolean deleteClient = true;
    private boolean allowMultiple;

    public List<String> fromSearchResponse(String body) {
        if (body == null || body.isBlank()) {
            throw new PermanentFailure("Chef search answered without a search result (empty body): "
                    + "check asger.chef.url, including its /organizations/ORG part");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new PermanentFailure("Chef search answered with something that is not JSON: " + e.getMessage(), e);
        }
        JsonNode rows = root == null ? null : root.get("rows");
        if (rows == null || !rows.isArray()) {
            throw new PermanentFailure("Chef search answer has no rows: " + abbreviate(body));
        }
        List<String> names = new ArrayList<>();
        for (JsonNode row : rows) {
            JsonNode name = row.path("data").path("name");
            if (!name.isTextual()) {
                throw new PermanentFailure("Chef partial search row without a name: " + abbreviate(row.toString()));
            }
            names.add(requireValid(name.asText(), "node"));
        }
        long total = root.path("total").asLong(names.size());
        if (total > names.size()) {
            // More matches than one page of results: never a single terminated instance, whatever allow-multiple says.
            throw new PermanentFailure("ambiguous: Chef search matches " + total + " nodes, first " + names.size()
                    + ": " + names);
        }
        return names;
    }

    /**
     * What to delete for one matched node: (asger.chef.delete-client) /clients/CLIENT, then /nodes/NODE.
     * The client goes first because a failed task is retried from its start, and the retry finds its work by
     * searching for the node: were the node deleted first and the client delete failed, the retry would find
     * nothing and the client (a valid key of a gone machine) would stay for good.
     */
    public List<String> pathsToDelete(String node, String instanceId) {
        List<String> paths = new ArrayList<>();
        String nodeName = requireValid(node, "node");
        if (deleteClient) {
            paths.add("/clients/" + clientName(nodeName, instanceId));
        }
        paths.add("/nodes/" + nodeName);
        return paths;
    }

    /** The client of a node: asger.chef.client-name-template with {node} and {instanceId} filled in. */
    public String clientName(String node, String instanceId) {
        return requireValid(clientNameTemplate.replace("{node}", node).replace("{instanceId}", instanceId), "client");
    }

    public void setClientNameTemplate(String clientNameTemplate) {
        this.clientNameTemplate = clientNameTemplate;
    }

    public void setDeleteClient(boolean deleteClient) {
        this.deleteClient = deleteClient;
    }

    /** asger.chef.allow-multiple: delete every node a search matches instead of refusing an ambiguous match. */
    public void setAllowMultiple(boolean allowMultiple) {
        this.allowMultiple = allowMultiple;
    }

    public boolean isAllowMultiple() {
        return allowMultiple;
    }

    static String requireValid(String name, String kind) {
        if (!CHEF_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new PermanentFailure("refusing to use '" + abbreviate(name) + "' as a Chef " + kind
                    + " name: Chef names are letters, digits, '_', '-', '.', ':'");
        }
        return name;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }
}
