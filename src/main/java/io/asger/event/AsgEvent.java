package io.asger.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One Auto Scaling event, whatever format it arrived in. Immutable; tasks read it from the exchange property
 * {@code event} (for example {@code ${exchangeProperty.event.instanceId}}).
 */
public final class AsgEvent {

    private final EventType type;
    private final String format;
    private final String messageId;
    private final String instanceId;
    private final String groupName;
    private final String account;
    private final String region;
    private final Instant time;
    private final String lifecycleHookName;
    private final String lifecycleActionToken;
    private final String lifecycleTransition;
    private final String reason;
    private final boolean intoWarmPool;

    private AsgEvent(Builder b) {
        this.type = Objects.requireNonNull(b.type, "type");
        this.format = b.format;
        this.messageId = b.messageId;
        this.instanceId = b.instanceId;
        this.groupName = b.groupName;
        this.account = b.account;
        this.region = b.region;
        this.time = b.time;
        this.lifecycleHookName = b.lifecycleHookName;
        this.lifecycleActionToken = b.lifecycleActionToken;
        this.lifecycleTransition = b.lifecycleTransition;
        this.reason = b.reason;
        this.intoWarmPool = b.intoWarmPool;
    }

    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.format = format;
        b.messageId = messageId;
        b.instanceId = instanceId;
        b.groupName = groupName;
        b.account = account;
        b.region = region;
        b.time = time;
        b.lifecycleHookName = lifecycleHookName;
        b.lifecycleActionToken = lifecycleActionToken;
        b.lifecycleTransition = lifecycleTransition;
        b.reason = reason;
        b.intoWarmPool = intoWarmPool;
        return b;
    }

    public EventType getType() { return type; }
    /**
     * Which supported body this came from: an asger.formats name ({@code notification}, {@code lifecycle},
     * {@code eventbridge}, {@code eventbridge-lifecycle}, {@code ec2-state-change}) or {@code reconcile}, prefixed
     * {@code sns-} when it came in an SNS envelope; {@code sns} for an SNS subscription message.
     */
    public String getFormat() { return format; }
    /** The SQS message id. */
    public String getMessageId() { return messageId; }
    /** Validated: {@code i-} followed by 8 or 17 lowercase hex digits; may be null only for failure and test events. */
    public String getInstanceId() { return instanceId; }
    /** Null when the event names no group: an EC2 state change (the instance need not be in one), some reconcile events. */
    public String getGroupName() { return groupName; }
    /** For log lines: {@code in group NAME}, or {@code in no group named by the event}. */
    public String getInGroup() { return groupName == null ? "in no group named by the event" : "in group " + groupName; }
    public String getAccount() { return account; }
    public String getRegion() { return region; }
    public Instant getTime() { return time; }
    public String getLifecycleHookName() { return lifecycleHookName; }
    public String getLifecycleActionToken() { return lifecycleActionToken; }
    /** {@code autoscaling:EC2_INSTANCE_LAUNCHING} or {@code autoscaling:EC2_INSTANCE_TERMINATING} for lifecycle events. */
    public String getLifecycleTransition() { return lifecycleTransition; }
    public boolean isLifecycleAction() { return lifecycleActionToken != null; }
    /** Why an IGNORED or TEST event is not handled further. */
    public String getReason() { return reason; }
    /**
     * An instance moving into a warm pool (an IGNORED event): no task runs, but a lifecycle action it carries is
     * still completed.
     */
    public boolean isIntoWarmPool() { return intoWarmPool; }

    /** The direction name a task route uses: {@code up}, {@code down}, {@code up-failed}, {@code down-failed}. */
    public String getDirection() {
        return type.name().toLowerCase().replace('_', '-');
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(type);
        append(s, "instance", instanceId);
        append(s, "group", groupName);
        append(s, "account", account);
        append(s, "region", region);
        append(s, "time", time);
        append(s, "hook", lifecycleHookName);
        append(s, "format", format);
        append(s, "message", messageId);
        append(s, "reason", reason);
        return s.toString();
    }

    private static void append(StringBuilder s, String name, Object value) {
        if (value != null) {
            s.append(' ').append(name).append('=').append(value);
        }
    }

    public static final class Builder {
        private EventType type;
        private String format;
        private String messageId;
        private String instanceId;
        private String groupName;
        private String account;
        private String region;
        private Instant time;
        private String lifecycleHookName;
        private String lifecycleActionToken;
        private String lifecycleTransition;
        private String reason;
        private boolean intoWarmPool;

        private Builder(EventType type) { this.type = type; }

        public Builder type(EventType v) { type = v; return this; }
        public Builder format(String v) { format = v; return this; }
        public Builder messageId(String v) { messageId = v; return this; }
        public Builder instanceId(String v) { instanceId = v; return this; }
        public Builder groupName(String v) { groupName = v; return this; }
        public Builder account(String v) { account = v; return this; }
        public Builder region(String v) { region = v; return this; }
        public Builder time(Instant v) { time = v; return this; }
        public Builder lifecycleHookName(String v) { lifecycleHookName = v; return this; }
        public Builder lifecycleActionToken(String v) { lifecycleActionToken = v; return this; }
        public Builder lifecycleTransition(String v) { lifecycleTransition = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder intoWarmPool(boolean v) { intoWarmPool = v; return this; }

        public AsgEvent build() { return new AsgEvent(this); }
    }
}
