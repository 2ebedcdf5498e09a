package io.asger.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import io.asger.event.AsgEvent;
import io.asger.event.AsgEventNormalizer;
import io.asger.event.EventType;
import io.asger.event.InvalidMessageException;
import org.junit.jupiter.api.Test;

/** What the sweep puts on the queue, the normalizer reads back as a DOWN event of format reconcile. */
class ReconcileEventTest {

    static final Instant TIME = Instant.parse("2026-12-02T01:00:00Z");
    static final InventoryItem NODE = new InventoryItem("chef", "web-1", "i-0123456789abcdef0", "eu-west-1",
            "123456789012", true, null);

    static ReconcilePlan.Ghost ghost(String group) {
        return new ReconcilePlan.Ghost("i-0123456789abcdef0", "eu-west-1", "123456789012", group, "terminated", List.of(NODE));
    }

    @Test
    void aGhostBecomesADownEventWithItsInstanceAccountRegionAndTime() throws Exception {
        AsgEvent event = new AsgEventNormalizer().normalize(ReconcileEvent.body(ghost(null), TIME), "m-1");

        assertThat(event.getType()).isEqualTo(EventType.DOWN);
        assertThat(event.getFormat()).isEqualTo("reconcile");
        assertThat(event.getInstanceId()).isEqualTo("i-0123456789abcdef0");
        assertThat(event.getAccount()).isEqualTo("123456789012");
        assertThat(event.getRegion()).isEqualTo("eu-west-1");
        assertThat(event.getTime()).isEqualTo(TIME);
        assertThat(event.getGroupName()).isNull();
        assertThat(event.getMessageId()).isEqualTo("m-1");
    }

    @Test
    void asgerGroupsFiltersAGhostOnlyWhenItsGroupIsKnown() throws Exception {
        AsgEventNormalizer onlyWeb = new AsgEventNormalizer("web");

        assertThat(onlyWeb.normalize(ReconcileEvent.body(ghost(null), TIME), "m-1").getType()).isEqualTo(EventType.DOWN);
        assertThat(onlyWeb.normalize(ReconcileEvent.body(ghost("web"), TIME), "m-2").getType()).isEqualTo(EventType.DOWN);
        assertThat(onlyWeb.normalize(ReconcileEvent.body(ghost("batch"), TIME), "m-3").getType()).isEqualTo(EventType.IGNORED);
    }

    @Test
    void aReconcileBodyIsValidatedLikeAnyOther() {
        String body = "{\"Origin\":\"asger-reconcile\",\"EC2InstanceId\":\"i-../x\",\"Region\":\"eu-west-1\"}";

        assertThatThrownBy(() -> new AsgEventNormalizer().normalize(body, "m-9"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("m-9").hasMessageContaining("EC2InstanceId");
    }
}
