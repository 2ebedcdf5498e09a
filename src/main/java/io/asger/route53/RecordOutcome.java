package io.asger.route53;

/**
 * What the Route 53 task did for one event, the body after {@code direct:route53-up/down}. Getters for the routes'
 * simple language: {@code ${body.foreign}}, {@code ${body.summary}}.
 */
public final class RecordOutcome {

    public enum Kind {
        /** A and TXT records written (UPSERT). */
        UPSERTED,
        /** Already exactly as wanted; nothing sent. */
        UNCHANGED,
        /** A and TXT records deleted. */
        DELETED,
        /** No record of this instance: nothing to delete. */
        ABSENT,
        /** A record asger does not own is at the name; it was left alone. */
        FOREIGN,
        /** The name is asger's but belongs to another instance now (an address reused); left alone. */
        OTHER_INSTANCE,
        /** asger.dry-run: the change was only logged. */
        DRY_RUN
    }

    private final Kind kind;
    private final String instanceId;
    private final String summary;

    RecordOutcome(Kind kind, String instanceId, String summary) {
        this.kind = kind;
        this.instanceId = instanceId;
        this.summary = summary;
    }

    RecordOutcome asDryRun() {
        return kind == Kind.UNCHANGED || kind == Kind.ABSENT || kind == Kind.FOREIGN || kind == Kind.OTHER_INSTANCE
                ? this : new RecordOutcome(Kind.DRY_RUN, instanceId, "dry-run: would " + summary);
    }

    public Kind getKind() {
        return kind;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public boolean isForeign() {
        return kind == Kind.FOREIGN;
    }

    public String getSummary() {
        return summary;
    }

    @Override
    public String toString() {
        return summary;
    }
}
