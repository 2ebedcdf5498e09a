package io.asger.route53;

import io.asger.aws.AwsClients;
import io.asger.aws.InstanceFacts;
import io.asger.aws.Lazy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * The record name for an instance: the group's {@value #TAG} tag when it has one, else asger.route53.record-name.
 * Group tags are remembered for a minute, so a burst of events for one group asks Auto Scaling once.
 */
public final class RecordNamer implements AutoCloseable {

    public static final String TAG = "asger:record-name";
    private static final Duration TAG_CACHE = Duration.ofMinutes(1);

    private final Supplier<AutoScalingClient> autoScaling;
    private final RecordNameTemplate defaultTemplate;
    private final Clock clock;
    private io.asger.aws.AccountClients accountClients;
    private final Map<String, Cached> groupTemplates = new ConcurrentHashMap<>();

    private record Cached(Optional<RecordNameTemplate> template, Instant until) {
    }

    /** With an Auto Scaling client built on first use. */
    public RecordNamer(String defaultTemplate) {
        this(new Lazy<>(AwsClients::autoScaling), defaultTemplate, Clock.systemUTC());
    }

    public RecordNamer(AutoScalingClient autoScaling, String defaultTemplate) {
        this(() -> autoScaling, defaultTemplate, Clock.systemUTC());
    }

    RecordNamer(Supplier<AutoScalingClient> autoScaling, String defaultTemplate, Clock clock) {
        this.autoScaling = autoScaling;
        this.defaultTemplate = RecordNameTemplate.of(defaultTemplate);
        this.clock = clock;
    }

    /**
     * Group tags are read in the event's account and region (io.asger.aws.AccountClients); without it, with this
     * namer's own client in asger's region.
     */
    public void setAccountClients(io.asger.aws.AccountClients accountClients) {
        this.accountClients = accountClients;
    }

    /** As {@link #nameFor(String, InstanceFacts)}, the group's tag read in the event's account and region. */
    public String nameFor(io.asger.event.AsgEvent event, InstanceFacts instance) {
        return name(event.getGroupName(), event, instance);
    }

    /** As {@link #nameToRemove(String, InstanceFacts)}, the group's tag read in the event's account and region. */
    public String nameToRemove(io.asger.event.AsgEvent event, InstanceFacts instance) {
        try {
            return nameFor(event, instance);
        } catch (InvalidRecordName e) {
            return null;
        }
    }

    /**
     * The name, or null when it depends on an address the instance no longer has. An event that names no group (an
     * EC2 state change) takes the group EC2 tags the instance with, so that both events of an instance in a group
     * give one name.
     *
     * @throws InvalidRecordName when the template needs {@code {groupName}} and the instance is in no group
     */
    public String nameFor(String groupName, InstanceFacts instance) {
        return name(groupName, null, instance);
    }

    private String name(String groupName, io.asger.event.AsgEvent event, InstanceFacts instance) {
        String group = groupName == null || groupName.isEmpty() ? instance.getGroupName() : groupName;
        RecordNameTemplate template = templateFor(group, event);
        if ((group == null || group.isEmpty()) && template.uses("groupName")) {
            throw new InvalidRecordName("record name template '" + template + "' needs {groupName}, but instance "
                    + instance.getInstanceId() + " is in no Auto Scaling group (an ec2-state-change event names none): "
                    + "use a template without {groupName} in asger.route53.record-name");
        }
        return template.render(instance.getInstanceId(), group, instance.getPrivateIp(), instance.getPublicIp())
                .orElse(null);
    }

    /**
     * The name to look for when the instance is gone: as {@link #nameFor}, but null instead of a failure when the
     * template gives no legal name (such a name was never written; the records are then found by their ownership).
     */
    public String nameToRemove(String groupName, InstanceFacts instance) {
        try {
            return nameFor(groupName, instance);
        } catch (InvalidRecordName e) {
            return null;
        }
    }

    public RecordNameTemplate templateFor(String groupName) {
        return templateFor(groupName, null);
    }

    private RecordNameTemplate templateFor(String groupName, io.asger.event.AsgEvent event) {
        if (groupName == null || groupName.isEmpty()) {
            return defaultTemplate;
        }
        Instant now = clock.instant();
        // Group names are unique per account and region only.
        String key = event == null ? groupName : event.getAccount() + "/" + event.getRegion() + "/" + groupName;
        Cached cached = groupTemplates.get(key);
        if (cached == null || now.isAfter(cached.until())) {
            AutoScalingClient client = event != null && accountClients != null ? accountClients.autoScaling(event)
                    : autoScaling.get();
            cached = new Cached(groupTag(client, groupName).map(RecordNameTemplate::of), now.plus(TAG_CACHE));
            groupTemplates.put(key, cached);
        }
        return cached.template().orElse(defaultTemplate);
    }

    @Override
    public void close() {
        if (autoScaling instanceof Lazy<AutoScalingClient> lazy) {
            lazy.close();
        }
    }

    private static Optional<String> groupTag(AutoScalingClient client, String groupName) {
        return client.describeTags(r -> r.filters(
                        f -> f.name("auto-scaling-group").values(groupName),
                        f -> f.name("key").values(TAG)))
                .tags().stream()
                .filter(t -> groupName.equals(t.resourceId()) && TAG.equals(t.key()))
                .map(t -> t.value())
                .findFirst();
    }
}
