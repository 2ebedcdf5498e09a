package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

class RecordChangeTest {

    private static final String NAME = "web-10-0-1-5.asg.example.com.";
    private static final String ME = "i-0123456789abcdef0";
    private static final String OTHER = "i-0fedcba9876543210";

    private static ResourceRecordSet set(RRType type, long ttl, String... values) {
        return ResourceRecordSet.builder().name(NAME).type(type).ttl(ttl)
                .resourceRecords(java.util.Arrays.stream(values).map(v -> ResourceRecord.builder().value(v).build()).toList())
                .build();
    }

    private static RecordChange planned(RecordChange change, ResourceRecordSet... zone) {
        change.plan(ZoneRecords.of(List.of(zone)));
        return change;
    }

    @Test
    void upsertOnAFreeNameWritesTheARecordAndTheOwnershipRecord() {
        RecordChange c = planned(RecordChange.upsert("Web-10-0-1-5.asg.example.com", "10.0.1.5", ME, 60));

        assertThat(c.outcome().getKind()).isEqualTo(RecordOutcome.Kind.UPSERTED);
        assertThat(RecordChange.describe(c.changes())).isEqualTo("UPSERT A " + NAME + " 60 10.0.1.5; UPSERT TXT " + NAME
                + " 60 \"heritage=asger,asger/instance-id=" + ME + "\"");
        assertThat(c.weight()).isEqualTo(4); // UPSERT counts twice against Route 53's 1,000
    }

    @Test
    void upsertLeavesNamesWithRecordsAsgerDoesNotOwn() {
        assertThat(planned(RecordChange.upsert(NAME, "10.0.1.5", ME, 60), set(RRType.A, 300, "192.0.2.1"))
                .outcome().getKind()).isEqualTo(RecordOutcome.Kind.FOREIGN);
        assertThat(planned(RecordChange.upsert(NAME, "10.0.1.5", ME, 60), set(RRType.CNAME, 300, "elsewhere.example.com."))
                .changes()).isEmpty();
        // asger's value next to someone else's TXT value: UPSERT would overwrite theirs.
        assertThat(planned(RecordChange.upsert(NAME, "10.0.1.5", ME, 60),
                set(RRType.TXT, 60, OwnershipRecord.valueFor(ME), "\"v=spf1 -all\"")).outcome().getKind())
                .isEqualTo(RecordOutcome.Kind.FOREIGN);
    }

    @Test
    void upsertSendsNothingWhenTheRecordsAreAlreadyRightAndTakesOverFromAnotherInstance() {
        assertThat(planned(RecordChange.upsert(NAME, "10.0.1.5", ME, 60), set(RRType.A, 60, "10.0.1.5"),
                set(RRType.TXT, 60, OwnershipRecord.valueFor(ME))).outcome().getKind()).isEqualTo(RecordOutcome.Kind.UNCHANGED);

        RecordChange reused = planned(RecordChange.upsert(NAME, "10.0.1.5", ME, 60), set(RRType.A, 60, "10.0.1.5"),
                set(RRType.TXT, 60, OwnershipRecord.valueFor(OTHER)));
        assertThat(reused.outcome().getKind()).isEqualTo(RecordOutcome.Kind.UPSERTED);
        assertThat(reused.outcome().getSummary()).contains("(was " + OTHER + "'s)");
    }

    @Test
    void removeDeletesWithTheExactCurrentValuesAndTtl() {
        RecordChange c = planned(RecordChange.remove(ME, NAME), set(RRType.A, 300, "10.0.1.5"),
                set(RRType.TXT, 120, OwnershipRecord.valueFor(ME)));

        assertThat(c.outcome().getKind()).isEqualTo(RecordOutcome.Kind.DELETED);
        assertThat(RecordChange.describe(c.changes())).isEqualTo("DELETE A " + NAME + " 300 10.0.1.5; DELETE TXT " + NAME
                + " 120 \"heritage=asger,asger/instance-id=" + ME + "\"");
        assertThat(c.weight()).isEqualTo(2);
    }

    @Test
    void removeLeavesWhatIsNotThisInstancesAndFindsNothingQuietly() {
        assertThat(planned(RecordChange.remove(ME, NAME), set(RRType.A, 60, "10.0.1.5"),
                set(RRType.TXT, 60, OwnershipRecord.valueFor(OTHER))).outcome().getKind())
                .isEqualTo(RecordOutcome.Kind.OTHER_INSTANCE);
        assertThat(planned(RecordChange.remove(ME, NAME), set(RRType.A, 60, "10.0.1.5")).outcome().getKind())
                .isEqualTo(RecordOutcome.Kind.FOREIGN);
        RecordChange nothing = planned(RecordChange.remove(ME, NAME));
        assertThat(nothing.outcome().getKind()).isEqualTo(RecordOutcome.Kind.ABSENT);
        assertThat(nothing.changes()).isEmpty();
    }

    @Test
    void removeWithANameLooksOnlyAtThatName() {
        ResourceRecordSet elsewhere = ResourceRecordSet.builder().name("old.asg.example.com.").type(RRType.TXT).ttl(60L)
                .resourceRecords(ResourceRecord.builder().value(OwnershipRecord.valueFor(ME)).build()).build();

        RecordChange c = planned(RecordChange.remove(ME, NAME), elsewhere);

        assertThat(c.outcome().getKind()).isEqualTo(RecordOutcome.Kind.ABSENT);
        assertThat(c.changes()).isEmpty();
    }

    @Test
    void removeWithoutANameFollowsTheOwnershipRecords() {
        RecordChange c = planned(RecordChange.remove(ME, null), set(RRType.A, 60, "10.0.1.5"),
                set(RRType.TXT, 60, OwnershipRecord.valueFor(ME)));

        assertThat(c.needsOwnerIndex()).isTrue();
        assertThat(c.touched()).containsExactly(NAME);
        assertThat(c.changes()).hasSize(2);
    }
}
