package io.asger.route53;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * What one hosted zone holds at the names a batch touches, read once per batch: either name by name
 * (ListResourceRecordSets from that name) or the whole zone, whichever takes fewer requests. The whole zone is also
 * read when a batch must find records by owner (an instance that is gone, whose name needed its address).
 */
public final class ZoneRecords {

    /** Route 53's largest page of ListResourceRecordSets. */
    static final int PAGE = 300;

    private final Map<String, List<ResourceRecordSet>> byName = new HashMap<>();
    private final Map<String, Set<String>> namesByOwner = new HashMap<>();
    private final boolean wholeZone;

    private ZoneRecords(boolean wholeZone) {
        this.wholeZone = wholeZone;
    }

    /** The zone and its size, as GetHostedZone tells them. */
    public record Zone(String id, String name, long recordSetCount) {

        public boolean contains(String fqdn) {
            return fqdn.equals(name) || fqdn.endsWith("." + name);
        }

        public long pages() {
            return Math.max(1, (recordSetCount + PAGE - 1) / PAGE);
        }
    }

    public static Zone describe(Route53Client route53, Route53Calls calls, String zoneId) {
        HostedZone zone = calls.call("GetHostedZone " + zoneId, () -> route53.getHostedZone(r -> r.id(zoneId))).hostedZone();
        long count = zone.resourceRecordSetCount() == null ? 0 : zone.resourceRecordSetCount();
        return new Zone(zoneId, normalize(zone.name()), count);
    }

    /** Reads the given names, or the whole zone when that is cheaper or {@code byOwner} is needed. */
    public static ZoneRecords read(Route53Client route53, Route53Calls calls, Zone zone, Collection<String> names,
            boolean byOwner) {
        if (byOwner || names.size() > zone.pages()) {
            return readAll(route53, calls, zone);
        }
        ZoneRecords records = new ZoneRecords(false);
        for (String name : new LinkedHashSet<>(names)) {
            String start = name;
            RRType startType = null;
            while (true) {
                String from = start;
                RRType fromType = startType;
                ListResourceRecordSetsResponse page = calls.call("ListResourceRecordSets " + name,
                        () -> route53.listResourceRecordSets(r -> r.hostedZoneId(zone.id()).startRecordName(from)
                                .startRecordType(fromType).maxItems("20")));
                boolean past = false;
                for (ResourceRecordSet set : page.resourceRecordSets()) {
                    if (normalize(set.name()).equals(name)) {
                        records.add(set);
                    } else {
                        past = true;
                    }
                }
                if (past || !page.isTruncated() || !name.equals(normalize(page.nextRecordName()))) {
                    break;
                }
                start = page.nextRecordName();
                startType = page.nextRecordType();
            }
        }
        return records;
    }

    static ZoneRecords readAll(Route53Client route53, Route53Calls calls, Zone zone) {
        ZoneRecords records = new ZoneRecords(true);
        String start = null;
        RRType startType = null;
        String startId = null;
        while (true) {
            String from = start;
            RRType fromType = startType;
            String fromId = startId;
            ListResourceRecordSetsResponse page = calls.call("ListResourceRecordSets " + zone.id(),
                    () -> route53.listResourceRecordSets(r -> r.hostedZoneId(zone.id()).startRecordName(from)
                            .startRecordType(fromType).startRecordIdentifier(fromId).maxItems(Integer.toString(PAGE))));
            page.resourceRecordSets().forEach(records::add);
            if (!page.isTruncated()) {
                return records;
            }
            start = page.nextRecordName();
            startType = page.nextRecordType();
            startId = page.nextRecordIdentifier();
        }
    }

    /** A zone holding these record sets, as a whole-zone read would find them. */
    static ZoneRecords of(Collection<ResourceRecordSet> sets) {
        ZoneRecords records = new ZoneRecords(true);
        sets.forEach(records::add);
        return records;
    }

    private void add(ResourceRecordSet set) {
        String name = normalize(set.name());
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(set);
        if (set.type() == RRType.TXT) {
            for (ResourceRecord value : set.resourceRecords()) {
                OwnershipRecord.ownerOf(value.value())
                        .ifPresent(owner -> namesByOwner.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(name));
            }
        }
    }

    /** Every record set at the name (all types, including weighted or alias sets). */
    public List<ResourceRecordSet> at(String name) {
        return byName.getOrDefault(name, List.of());
    }

    public Optional<ResourceRecordSet> at(String name, RRType type) {
        return at(name).stream().filter(s -> s.type() == type && s.setIdentifier() == null).findFirst();
    }

    /** Each name holding an ownership record, with that record's value (sorted by name). */
    public Map<String, String> owned() {
        Map<String, String> owned = new java.util.TreeMap<>();
        byName.forEach((name, sets) -> sets.stream().filter(set -> set.type() == RRType.TXT && set.setIdentifier() == null)
                .flatMap(set -> set.resourceRecords().stream())
                .filter(value -> OwnershipRecord.ownerOf(value.value()).isPresent())
                .findFirst().ifPresent(value -> owned.put(name, value.value())));
        return owned;
    }

    /** Names whose ownership record names this instance; only known after a whole-zone read. */
    public Set<String> ownedBy(String instanceId) {
        return namesByOwner.getOrDefault(instanceId, Set.of());
    }

    public boolean isWholeZone() {
        return wholeZone;
    }

    public int recordSetCount() {
        return byName.values().stream().mapToInt(List::size).sum();
    }

    /** Lower case with a trailing dot, the form names are compared in. */
    static String normalize(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }
}
