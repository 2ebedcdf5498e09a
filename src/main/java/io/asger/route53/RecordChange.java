package io.asger.route53;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * One event's wish (write or remove an instance's record) and, once the zone has been read, the exact Route 53
 * changes that fulfil it. Ownership decides: asger only changes a name whose TXT ownership record is its own.
 */
final class RecordChange {

    private final boolean upsert;
    private final String instanceId;
    private final String name;
    private final String address;
    private final long ttl;

    private final List<Change> changes = new ArrayList<>();
    private final Set<String> touched = new LinkedHashSet<>();
    private RecordOutcome outcome;
    private final String region;

    private RecordChange(boolean upsert, String instanceId, String name, String address, long ttl) {
        this(upsert, instanceId, name, address, ttl, null);
    }

    private RecordChange(boolean upsert, String instanceId, String name, String address, long ttl, String region) {
        this.region = region;
        this.upsert = upsert;
        this.instanceId = instanceId;
        this.name = name;
        this.address = address;
        this.ttl = ttl;
    }

    static RecordChange upsert(String name, String address, String instanceId, long ttl) {
        return upsert(name, address, instanceId, null, ttl);
    }

    /** @param region named in the ownership record (null: the older form without it) */
    static RecordChange upsert(String name, String address, String instanceId, String region, long ttl) {
        return new RecordChange(true, instanceId, ZoneRecords.normalize(name), address, ttl, region);
    }

    /** @param name the name the instance's record has by the template, or null when it cannot be computed */
    static RecordChange remove(String instanceId, String name) {
        return new RecordChange(false, instanceId, ZoneRecords.normalize(name), null, 0);
    }

    String name() {
        return name;
    }

    String instanceId() {
        return instanceId;
    }

    /** Before planning: an upsert is 4 records as Route 53 counts them, a remove usually 2. */
    int estimatedWeight() {
        return upsert ? 4 : 2;
    }

    boolean needsOwnerIndex() {
        return !upsert && name == null;
    }

    /** Works out the changes against the zone as just read. */
    void plan(ZoneRecords zone) {
        changes.clear();
        touched.clear();
        if (upsert) {
            planUpsert(zone);
        } else {
            planRemove(zone);
        }
    }

    private void planUpsert(ZoneRecords zone) {
        touched.add(name);
        List<ResourceRecordSet> present = zone.at(name);
        Optional<String> owner = owner(zone, name);
        if (!present.isEmpty() && owner.isEmpty()) {
            outcome = new RecordOutcome(RecordOutcome.Kind.FOREIGN, instanceId, "left " + name + " alone: it holds "
                    + types(present) + " without asger's ownership record (wanted A " + address + " for " + instanceId + ")");
            return;
        }
        ResourceRecordSet a = set(name, RRType.A, address);
        ResourceRecordSet txt = set(name, RRType.TXT, OwnershipRecord.valueFor(instanceId, region));
        if (a.equals(zone.at(name, RRType.A).orElse(null)) && txt.equals(zone.at(name, RRType.TXT).orElse(null))) {
            outcome = new RecordOutcome(RecordOutcome.Kind.UNCHANGED, instanceId,
                    "A " + name + " " + address + " already there for " + instanceId);
            return;
        }
        changes.add(change(ChangeAction.UPSERT, a));
        changes.add(change(ChangeAction.UPSERT, txt));
        String takeover = owner.filter(o -> !o.equals(instanceId)).map(o -> " (was " + o + "'s)").orElse("");
        outcome = new RecordOutcome(RecordOutcome.Kind.UPSERTED, instanceId,
                "UPSERT A " + name + " " + ttl + " " + address + " and its TXT ownership record for " + instanceId + takeover);
    }

    private void planRemove(ZoneRecords zone) {
        // By name when there is one; by ownership only when not, so that the outcome never depends on whether the
        // batch read the whole zone or just its names.
        Set<String> candidates = name != null ? Set.of(name) : zone.ownedBy(instanceId);
        List<String> deleted = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String n : candidates) {
            touched.add(n);
            List<ResourceRecordSet> present = zone.at(n);
            Optional<String> owner = owner(zone, n);
            if (owner.isPresent() && owner.get().equals(instanceId)) {
                // DELETE must carry the record's exact current values and TTL, as read.
                zone.at(n, RRType.A).ifPresent(a -> changes.add(change(ChangeAction.DELETE, a)));
                changes.add(change(ChangeAction.DELETE, zone.at(n, RRType.TXT).orElseThrow()));
                deleted.add(n);
            } else if (owner.isPresent()) {
                others.add(n + " (" + owner.get() + "'s)");
            } else if (!present.isEmpty()) {
                foreign.add(n + " (" + types(present) + ")");
            }
        }
        if (!deleted.isEmpty()) {
            outcome = new RecordOutcome(RecordOutcome.Kind.DELETED, instanceId, "DELETE " + describe(changes)
                    + " for " + instanceId + (foreign.isEmpty() ? "" : "; left foreign " + foreign));
        } else if (!foreign.isEmpty()) {
            outcome = new RecordOutcome(RecordOutcome.Kind.FOREIGN, instanceId, "left " + String.join(", ", foreign)
                    + " alone: no asger ownership record for " + instanceId);
        } else if (!others.isEmpty()) {
            outcome = new RecordOutcome(RecordOutcome.Kind.OTHER_INSTANCE, instanceId, "left " + String.join(", ", others)
                    + " alone: owned by another instance now");
        } else {
            outcome = new RecordOutcome(RecordOutcome.Kind.ABSENT, instanceId, "no record of " + instanceId
                    + (name == null ? " in the zone" : " at " + name) + ": nothing to delete");
        }
    }

    /** The instance named by the name's TXT ownership record, when that record is asger's and nothing else. */
    private static Optional<String> owner(ZoneRecords zone, String name) {
        return zone.at(name, RRType.TXT)
                .filter(txt -> txt.resourceRecords().size() == 1)
                .flatMap(txt -> OwnershipRecord.ownerOf(txt.resourceRecords().get(0).value()));
    }

    private ResourceRecordSet set(String n, RRType type, String value) {
        return ResourceRecordSet.builder().name(n).type(type).ttl(ttl)
                .resourceRecords(ResourceRecord.builder().value(value).build()).build();
    }

    private static Change change(ChangeAction action, ResourceRecordSet set) {
        return Change.builder().action(action).resourceRecordSet(set).build();
    }

    private static String types(List<ResourceRecordSet> sets) {
        return sets.stream().map(s -> s.typeAsString() + (s.setIdentifier() == null ? "" : "/" + s.setIdentifier()))
                .collect(Collectors.joining("+"));
    }

    static String describe(List<Change> changes) {
        return changes.stream().map(RecordChange::describe).collect(Collectors.joining("; "));
    }

    static String describe(Change c) {
        ResourceRecordSet s = c.resourceRecordSet();
        return c.actionAsString() + " " + s.typeAsString() + " " + s.name() + " " + s.ttl() + " "
                + s.resourceRecords().stream().map(ResourceRecord::value).collect(Collectors.joining(","));
    }

    List<Change> changes() {
        return changes;
    }

    Set<String> touched() {
        return touched;
    }

    RecordOutcome outcome() {
        return outcome;
    }

    /** ResourceRecord elements as Route 53 counts them against its 1,000 per request (UPSERT counts twice). */
    int weight() {
        return changes.stream().mapToInt(c -> c.resourceRecordSet().resourceRecords().size()
                * (c.action() == ChangeAction.UPSERT ? 2 : 1)).sum();
    }

    /** Characters of record values, counted as Route 53 does against its 32,000 per request. */
    int valueChars() {
        return changes.stream().mapToInt(c -> c.resourceRecordSet().resourceRecords().stream()
                .mapToInt(r -> r.value().length()).sum() * (c.action() == ChangeAction.UPSERT ? 2 : 1)).sum();
    }

    @Override
    public String toString() {
        return (upsert ? "upsert " : "remove ") + instanceId + " " + name;
    }
}
