package io.asger.chef;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.asger.reconcile.InventoryItem;
import org.junit.jupiter.api.Test;

/** Paging and reading partial search answers, in the shapes Chef Server and goiardi give them. */
class ChefInventoryTest {

    static String row(String name, String iid, String az, String account, Double ohai) {
        return "{\"url\":\"https://chef/nodes/" + name + "\",\"data\":{\"name\":\"" + name + "\",\"iid\":"
                + (iid == null ? "null" : "\"" + iid + "\"") + ",\"region\":null,\"az\":"
                + (az == null ? "null" : "\"" + az + "\"") + ",\"account\":"
                + (account == null ? "null" : "\"" + account + "\"") + ",\"ohai_time\":" + ohai + "}}";
    }

    @Test
    void followsChefServersTotalAcrossPagesThatTheServerCappedBelowTheRowsAsked() throws Exception {
        ChefInventory inventory = ChefInventory.begin(3);
        // Chef Server: total is every match; this server answers 2 rows where 3 were asked.
        inventory.addPage("{\"total\":5,\"start\":0,\"rows\":[" + row("a", "i-0000000a", "us-east-1a", null, 1.5) + ","
                + row("b", "i-0000000b", null, null, null) + "]}");
        assertThat(inventory.isComplete()).isFalse();
        assertThat(inventory.getStart()).isEqualTo(2);
        inventory.addPage("{\"total\":5,\"start\":2,\"rows\":[" + row("c", null, null, null, null) + ","
                + row("d", "i-0000000d", null, "123456789012", null) + "," + row("e", "i-0000000e", null, null, null) + "]}");
        assertThat(inventory.isComplete()).isTrue();
        assertThat(inventory.getItems()).extracting(InventoryItem::name).containsExactly("a", "b", "c", "d", "e");
        InventoryItem a = inventory.getItems().get(0);
        assertThat(a.region()).isEqualTo("us-east-1");
        assertThat(a.accountExpected()).isTrue();
        assertThat(a.checkedIn()).isEqualTo(Instant.ofEpochMilli(1500));
        assertThat(inventory.getItems().get(2).instanceId()).isNull();
    }

    @Test
    void goiardisTotalIsThePageSoAShortPageEndsItAndRepeatsAreDropped() throws Exception {
        ChefInventory inventory = ChefInventory.begin(2);
        inventory.addPage("{\"total\":2,\"start\":0,\"rows\":[" + row("a", null, null, null, null) + ","
                + row("b", null, null, null, null) + "]}");
        assertThat(inventory.isComplete()).isFalse();
        inventory.addPage("{\"total\":1,\"start\":2,\"rows\":[" + row("a", null, null, null, null) + "]}");
        assertThat(inventory.isComplete()).isTrue();
        assertThat(inventory.getItems()).extracting(InventoryItem::name).containsExactly("a", "b");
    }

    @Test
    void anEmptyPageEndsIt() throws Exception {
        ChefInventory inventory = ChefInventory.begin(2);
        inventory.addPage("{\"total\":0,\"start\":0,\"rows\":[]}");
        assertThat(inventory.isComplete()).isTrue();
        assertThat(inventory.getItems()).isEmpty();
    }
}
