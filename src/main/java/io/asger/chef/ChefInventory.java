package io.asger.chef;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.errors.TransientFailure;
import io.asger.reconcile.InventoryItem;

/**
 * The chef task's inventory for the reconcile sweep, gathered page by page: Chef servers cap the rows of a search,
 * so routes/chef.camel.yaml asks {@code start}/{@code rows} pages until this says it is complete. The search is a
 * partial search, so each node comes back as the few attributes the sweep needs ({@link #PARTIAL_SEARCH}), never the
 * whole node object.
 */
public final class ChefInventory {

    /** name, instance id, region and availability zone, account id (Ohai's ec2 plugin) and the last check-in. */
    public static final String PARTIAL_SEARCH = "{\"name\":[\"name\"],\"iid\":[\"ec2\",\"instance_id\"],"
            + "\"region\":[\"ec2\",\"region\"],\"az\":[\"ec2\",\"placement_availability_zone\"],"
            + "\"account\":[\"ec2\",\"account_id\"],\"ohai_time\":[\"ohai_time\"]}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int rows;
    private final List<InventoryItem> items = new ArrayList<>();
    private final java.util.Set<String> names = new java.util.HashSet<>();
    private int start;
    private boolean complete;

    private ChefInventory(int rows) {
        this.rows = rows;
    }

    /** @param rows asger.chef.inventory-rows: nodes per page */
    public static ChefInventory begin(int rows) {
        return new ChefInventory(rows);
    }

    public int getStart() {
        return start;
    }

    public int getRows() {
        return rows;
    }

    public boolean isComplete() {
        return complete;
    }

    /** {@code inventory.addPage(body)}, for the route (a bean call whose arguments stay data). */
    public static void addPage(ChefInventory inventory, String body) throws IOException {
        inventory.addPage(body);
    }

    /** Adds one page of a partial search answer; complete once a page is short or the total is reached. */
    public void addPage(String body) throws IOException {
        JsonNode answer = JSON.readTree(body == null ? "" : body);
        if (answer == null || !answer.path("rows").isArray()) {
            throw new TransientFailure("chef: the node search for the reconcile inventory answered no rows: "
                    + (body == null ? "(empty)" : body.substring(0, Math.min(body.length(), 200))));
        }
        JsonNode page = answer.get("rows");
        for (JsonNode row : page) {
            JsonNode data = row.has("data") ? row.get("data") : row;
            if (!names.add(String.valueOf(text(data, "name")))) {
                // A server whose order is not stable between pages (goiardi) may answer a node twice.
                continue;
            }
            items.add(new InventoryItem("chef", text(data, "name"), text(data, "iid"),
                    regionOf(text(data, "region"), text(data, "az")), text(data, "account"), true,
                    ohaiTime(data.get("ohai_time"))));
        }
        start += page.size();
        // Chef Server's total counts every match (and it may cap a page below the rows asked for); goiardi's total
        // counts only this page's rows. A total other than the page's own is Chef Server's: follow it. Otherwise a
        // page shorter than asked for is the last one.
        long total = answer.path("total").asLong(-1);
        complete = page.isEmpty() || (total < 0 || total == page.size() ? page.size() < rows : start >= total);
    }

    public List<InventoryItem> getItems() {
        return List.copyOf(items);
    }

    private static String regionOf(String region, String zone) {
        return region != null ? region : InventoryItem.regionOfZone(zone);
    }

    /** Ohai writes ohai_time as epoch seconds with a fraction. */
    private static Instant ohaiTime(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return null;
        }
        return Instant.ofEpochMilli((long) (v.doubleValue() * 1000));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
