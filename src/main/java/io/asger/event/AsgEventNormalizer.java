package io.asger.event;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns any supported SQS body into one {@link AsgEvent}: an SNS envelope (or raw delivery) around an Auto Scaling
 * notification or a lifecycle hook message, a lifecycle hook message sent straight to SQS, an EventBridge event
 * from {@code aws.autoscaling}, or (when asger.formats enables it) an EventBridge "EC2 Instance State-change
 * Notification" from {@code aws.ec2}. Everything it returns has been validated; anything it cannot accept raises an
 * {@link InvalidMessageException} naming the field and the SQS message id.
 */
public class AsgEventNormalizer {

    /** SQS's own maximum message size; a larger body did not come from SQS as we know it. */
    public static final int MAX_BODY_CHARS = 1024 * 1024;

    static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}");
    static final Pattern HOOK_NAME = Pattern.compile("[A-Za-z0-9\\-_/]{1,255}");
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-]{36}");
    static final int GROUP_NAME_MAX = 255;
    /** arn:PARTITION:sns:REGION:ACCOUNT:TOPIC; region and account are checked on their own for a precise message. */
    static final Pattern TOPIC_ARN = Pattern.compile("arn:aws(?:-[a-z]+)*:sns:([^:]*):([^:]*):[A-Za-z0-9_-]{1,256}(?:\\.fifo)?");

    private static final Map<String, EventType> NOTIFICATION_EVENTS = Map.of(
            "autoscaling:EC2_INSTANCE_LAUNCH", EventType.UP,
            "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", EventType.UP_FAILED,
            "autoscaling:EC2_INSTANCE_TERMINATE", EventType.DOWN,
            "autoscaling:EC2_INSTANCE_TERMINATE_ERROR", EventType.DOWN_FAILED,
            "autoscaling:TEST_NOTIFICATION", EventType.TEST);

    private static final Map<String, EventType> LIFECYCLE_TRANSITIONS = Map.of(
            "autoscaling:EC2_INSTANCE_LAUNCHING", EventType.UP,
            "autoscaling:EC2_INSTANCE_TERMINATING", EventType.DOWN);

    private static final Map<String, EventType> EVENTBRIDGE_DETAIL_TYPES = Map.of(
            "EC2 Instance Launch Successful", EventType.UP,
            "EC2 Instance Terminate Successful", EventType.DOWN,
            "EC2 Instance Launch Unsuccessful", EventType.UP_FAILED,
            "EC2 Instance Terminate Unsuccessful", EventType.DOWN_FAILED,
            "EC2 Instance-launch Lifecycle Action", EventType.UP,
            "EC2 Instance-terminate Lifecycle Action", EventType.DOWN);

    /** The EventBridge detail-type of an EC2 state change (source {@code aws.ec2}). */
    static final String EC2_STATE_CHANGE = "EC2 Instance State-change Notification";

    /**
     * EC2 states of a state-change event. Only {@code terminated} is DOWN: every termination also passes through
     * {@code shutting-down} moments before, and acting on both would run each down chain twice.
     */
    private static final Map<String, EventType> EC2_STATES = Map.of(
            "running", EventType.UP,
            "terminated", EventType.DOWN,
            "pending", EventType.IGNORED,
            "shutting-down", EventType.IGNORED,
            "stopping", EventType.IGNORED,
            "stopped", EventType.IGNORED);

    private static final Map<String, String> EC2_IGNORED_STATES = Map.of(
            "pending", "not running yet (asger acts on its running event)",
            "shutting-down", "not terminated yet (asger acts on its terminated event)",
            "stopping", "not terminated (a stopped instance may start again)",
            "stopped", "not terminated (a stopped instance may start again)");

    /** asger.formats names, as AsgEvent.getFormat() gives them without an {@code sns-} prefix. */
    public static final String NOTIFICATION = "notification";
    public static final String LIFECYCLE = "lifecycle";
    public static final String EVENTBRIDGE = "eventbridge";
    public static final String EVENTBRIDGE_LIFECYCLE = "eventbridge-lifecycle";
    public static final String EC2_STATE_CHANGE_FORMAT = "ec2-state-change";
    /** asger.formats: the word for every Auto Scaling format, the default. */
    public static final String AUTOSCALING = "autoscaling";
    public static final List<String> AUTOSCALING_FORMATS = List.of(NOTIFICATION, LIFECYCLE, EVENTBRIDGE, EVENTBRIDGE_LIFECYCLE);
    /** Every name asger.formats takes. */
    public static final List<String> FORMAT_NAMES = List.of(AUTOSCALING, NOTIFICATION, LIFECYCLE, EVENTBRIDGE,
            EVENTBRIDGE_LIFECYCLE, EC2_STATE_CHANGE_FORMAT);

    /** {@code Origin} of a reconcile event (io.asger.reconcile.ReconcileEvent.ORIGIN). */
    static final String RECONCILE_ORIGIN = "asger-reconcile";

    private static final Set<String> SNS_SUBSCRIPTION_TYPES = Set.of("SubscriptionConfirmation", "UnsubscribeConfirmation");

    private final ObjectMapper mapper;
    private final Predicate<String> groupFilter;
    private final String groupFilterText;
    private final Set<String> formats;
    private final String formatsText;

    /** All groups, the Auto Scaling formats (asger.formats' default). */
    public AsgEventNormalizer() {
        this("");
    }

    /** The Auto Scaling formats (asger.formats' default). */
    public AsgEventNormalizer(String groups) {
        this(groups, AUTOSCALING);
    }

    /**
     * @param groups  {@code asger.groups}: empty for all groups, else a comma list of group names, where an entry
     *                written {@code /regex/} matches names by regular expression (whole name).
     * @param formats {@code asger.formats}: a comma list of {@link #FORMAT_NAMES}; empty means {@value #AUTOSCALING}
     * @throws IllegalArgumentException naming asger.groups or asger.formats
     */
    public AsgEventNormalizer(String groups, String formats) {
        this.groupFilterText = groups == null ? "" : groups.trim();
        this.groupFilter = parseGroupFilter(groupFilterText);
        this.formats = parseFormats(formats);
        this.formatsText = formats == null || formats.isBlank() ? AUTOSCALING : formats.trim();
        JsonFactory factory = JsonFactory.builder()
                // Two EC2InstanceId keys in one message would let a sender show one id to a log reader and
                // another to a task: refuse duplicates outright.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(MAX_BODY_CHARS)
                        .maxNumberLength(64)
                        .build())
                .build();
        // "{...valid event...} anything" must not pass as the valid event: refuse content after the object.
        this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * The formats {@code asger.formats} enables: {@value #AUTOSCALING} stands for {@link #AUTOSCALING_FORMATS};
     * empty means {@value #AUTOSCALING}.
     *
     * @throws IllegalArgumentException for a name that is not one of {@link #FORMAT_NAMES}
     */
    public static Set<String> parseFormats(String formats) {
        Set<String> enabled = new java.util.LinkedHashSet<>();
        for (String raw : (formats == null ? "" : formats).split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!FORMAT_NAMES.contains(name)) {
                throw new IllegalArgumentException("asger.formats: '" + raw.trim() + "' is not a format; valid: "
                        + String.join(", ", FORMAT_NAMES));
            }
            if (name.equals(AUTOSCALING)) {
                enabled.addAll(AUTOSCALING_FORMATS);
            } else {
                enabled.add(name);
            }
        }
        return enabled.isEmpty() ? Set.copyOf(AUTOSCALING_FORMATS) : Set.copyOf(enabled);
    }

    static Predicate<String> parseGroupFilter(String groups) {
        if (groups == null || groups.isBlank()) {
            return name -> true;
        }
        List<Predicate<String>> matchers = new ArrayList<>();
        for (String entry : splitGroupEntries(groups)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.length() >= 2 && entry.startsWith("/") && entry.endsWith("/")) {
                try {
                    Pattern p = Pattern.compile(entry.substring(1, entry.length() - 1));
                    matchers.add(name -> p.matcher(name).matches());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("asger.groups: '" + entry + "' is not a valid regular expression: "
                            + e.getDescription(), e);
                }
            } else {
                matchers.add(entry::equals);
            }
        }
        return name -> name != null && matchers.stream().anyMatch(m -> m.test(name));
    }

    /**
     * Splits {@code asger.groups} at commas, except inside a {@code /regex/} entry (so {@code /web-{1,3}/} stays one
     * entry): an entry that starts with {@code /} runs to the first {@code /} followed only by blanks and then a comma
     * or the end. An entry starting with {@code /} without such a closing {@code /} is a plain name, as before.
     */
    static List<String> splitGroupEntries(String groups) {
        List<String> entries = new ArrayList<>();
        int n = groups.length();
        int i = 0;
        while (i <= n) {
            int start = i;
            while (start < n && Character.isWhitespace(groups.charAt(start))) {
                start++;
            }
            int end = -1;
            if (start < n && groups.charAt(start) == '/') {
                for (int j = start + 1; j < n; j++) {
                    if (groups.charAt(j) == '/' && entryEndsAt(groups, j + 1)) {
                        end = j + 1;
                        break;
                    }
                }
            }
            int comma;
            if (end >= 0) {
                comma = groups.indexOf(',', end);
            } else {
                comma = groups.indexOf(',', start);
            }
            if (comma < 0) {
                comma = n;
            }
            entries.add(groups.substring(start, end >= 0 ? end : comma).trim());
            i = comma + 1;
        }
        return entries;
    }

    private static boolean entryEndsAt(String s, int k) {
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return k == s.length() || s.charAt(k) == ',';
    }

    /**
     * @param body      the SQS message body
     * @param messageId the SQS message id, named in every error
     */
    public AsgEvent normalize(String body, String messageId) {
        String id = messageId == null ? "(no message id)" : messageId;
        if (body == null || body.isBlank()) {
            throw new InvalidMessageException(id, null, "has an empty body");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new InvalidMessageException(id, null, "has a body of " + body.length()
                    + " characters, over the " + MAX_BODY_CHARS + " SQS allows");
        }
        JsonNode root = parse(body, id, null);
        AsgEvent event;
        if (isSnsEnvelope(root)) {
            event = fromSnsEnvelope(root, id);
        } else {
            event = fromPayload(root, id, "", null, null);
        }
        return applyGroupFilter(event);
    }

    private static boolean isSnsEnvelope(JsonNode node) {
        return node.has("Type") && (node.has("TopicArn") || node.has("Message"));
    }

    private AsgEvent applyGroupFilter(AsgEvent event) {
        // A move into a warm pool is IGNORED but still acted on (its lifecycle action is completed): filter it too.
        if (event.getType() == EventType.IGNORED && !event.isIntoWarmPool() || event.getType() == EventType.TEST) {
            return event;
        }
        // A ghost whose group nobody knows any more (EC2 forgot the instance) cannot be filtered by group, nor can an
        // EC2 state change, which names none (enabling ec2-state-change is the operator's choice of every instance).
        if (event.getGroupName() == null && event.getFormat() != null
                && (event.getFormat().endsWith("reconcile") || event.getFormat().endsWith(EC2_STATE_CHANGE_FORMAT))) {
            return event;
        }
        if (!groupFilter.test(event.getGroupName())) {
            return event.toBuilder().type(EventType.IGNORED).intoWarmPool(false)
                    .reason("group '" + event.getGroupName() + "' is not in asger.groups (" + groupFilterText + ")")
                    .build();
        }
        return event;
    }

    private JsonNode parse(String text, String id, String field) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException(id, field, "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidMessageException(id, field, "is not a JSON object");
        }
        return node;
    }

    private AsgEvent fromSnsEnvelope(JsonNode envelope, String id) {
        String type = text(envelope, "Type", id, true);
        String topicArn = text(envelope, "TopicArn", id, false);
        // Validate the whole TopicArn up front: its region is the fallback region of the event, and it is logged
        // (subscription messages), so neither may carry anything but an ARN.
        String region = null;
        String account = null;
        if (topicArn != null) {
            Matcher arn = TOPIC_ARN.matcher(topicArn);
            if (!arn.matches()) {
                throw new InvalidMessageException(id, "TopicArn", "is " + quote(topicArn) + ", not an SNS topic ARN");
            }
            region = region(arn.group(1), "TopicArn", id);
            account = arn.group(2);
            if (!ACCOUNT.matcher(account).matches()) {
                throw new InvalidMessageException(id, "TopicArn", "names account " + quote(account)
                        + "; an AWS account id is 12 digits");
            }
        }
        if (SNS_SUBSCRIPTION_TYPES.contains(type)) {
            return AsgEvent.builder(EventType.IGNORED).format("sns").messageId(id)
                    .reason("SNS " + type + " for topic " + topicArn
                            + ": acknowledged, not followed (confirm subscriptions in SNS, not through asger)")
                    .build();
        }
        if (!"Notification".equals(type)) {
            throw new InvalidMessageException(id, "Type", "is " + quote(type)
                    + "; an SNS envelope must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation");
        }
        String message = text(envelope, "Message", id, true);
        JsonNode inner = parse(message, id, "Message");
        if (isSnsEnvelope(inner)) {
            throw new InvalidMessageException(id, "Message", "holds another SNS envelope; nested envelopes are not supported");
        }
        return fromPayload(inner, id, "sns-", region, account);
    }

    private AsgEvent fromPayload(JsonNode node, String id, String prefix, String envelopeRegion, String envelopeAccount) {
        if (node.has("detail-type") || node.has("source") && node.has("detail")) {
            String source = text(node, "source", id, true);
            String detailType = text(node, "detail-type", id, true);
            if ("aws.ec2".equals(source) && EC2_STATE_CHANGE.equals(detailType)) {
                return enabled(EC2_STATE_CHANGE_FORMAT) ? fromEc2StateChange(node, id, prefix)
                        : notEnabled(EC2_STATE_CHANGE_FORMAT, prefix, id);
            }
            if ("aws.autoscaling".equals(source)) {
                String family = detailType.endsWith("Lifecycle Action") ? EVENTBRIDGE_LIFECYCLE : EVENTBRIDGE;
                if (!enabled(family)) {
                    return notEnabled(family, prefix, id);
                }
            }
            JsonNode detail = node.get("detail");
            return warmPoolAware(fromEventBridge(node, id, prefix), detail != null && detail.isObject() ? detail : null,
                    id, "detail.");
        }
        if (node.has("LifecycleTransition")) {
            if (!enabled(LIFECYCLE)) {
                return notEnabled(LIFECYCLE, prefix, id);
            }
            return warmPoolAware(fromLifecycle(node, id, prefix, envelopeRegion), node, id, "");
        }
        if (node.has("Event")) {
            if (!enabled(NOTIFICATION)) {
                return notEnabled(NOTIFICATION, prefix, id);
            }
            return warmPoolAware(fromNotification(node, id, prefix, envelopeRegion), node, id, "");
        }
        if (RECONCILE_ORIGIN.equals(text(node, "Origin", id, false))) {
            return fromReconcile(node, id, prefix);
        }
        throw new InvalidMessageException(id, null, "is not a supported format: expected an SNS envelope, an Auto Scaling "
                + "notification (Event), a lifecycle hook message (LifecycleTransition), an EventBridge event (detail-type) "
                + "or a reconcile event (Origin " + RECONCILE_ORIGIN + ")");
    }

    private boolean enabled(String format) {
        return formats.contains(format);
    }

    /**
     * A body in a format asger.formats leaves out: acknowledged and not acted on, before it is validated further
     * (the operator chose not to take such events; they are not broken messages for the DLQ).
     */
    private AsgEvent notEnabled(String format, String prefix, String id) {
        return AsgEvent.builder(EventType.IGNORED).format(prefix + format).messageId(id)
                .reason("format '" + format + "' is not in asger.formats (" + formatsText + ")").build();
    }

    /**
     * An EventBridge "EC2 Instance State-change Notification": {@code running} is UP, {@code terminated} DOWN, every
     * other state IGNORED with the reason. It names no group: the instance need not be in one.
     */
    private AsgEvent fromEc2StateChange(JsonNode n, String id, String prefix) {
        JsonNode detail = n.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new InvalidMessageException(id, "detail", detail == null ? "is missing" : "is not a JSON object");
        }
        String state = text(detail, "state", id, true, "detail.state");
        EventType type = EC2_STATES.get(state);
        String format = prefix + EC2_STATE_CHANGE_FORMAT;
        if (type == null) {
            return AsgEvent.builder(EventType.IGNORED).format(format).messageId(id)
                    .reason("unknown EC2 instance state " + quote(state)).build();
        }
        String instanceId = instance(detail, "instance-id", id, EventType.DOWN, "detail.instance-id");
        AsgEvent.Builder b = AsgEvent.builder(type).format(format).messageId(id)
                .account(account(n, "account", id))
                .region(region(text(n, "region", id, false), "region", id))
                .time(time(n, "time", id))
                .instanceId(instanceId);
        if (type == EventType.IGNORED) {
            b.reason("EC2 instance " + instanceId + " is " + state + ": " + EC2_IGNORED_STATES.get(state));
        }
        return b.build();
    }

    private AsgEvent fromNotification(JsonNode n, String id, String prefix, String envelopeRegion) {
        String eventName = text(n, "Event", id, true);
        EventType type = NOTIFICATION_EVENTS.get(eventName);
        String format = prefix + "notification";
        if (type == null) {
            return AsgEvent.builder(EventType.IGNORED).format(format).messageId(id)
                    .groupName(optionalGroup(n, "AutoScalingGroupName", id))
                    .reason("unknown Auto Scaling event " + quote(eventName)).build();
        }
        String arn = text(n, "AutoScalingGroupARN", id, false);
        AsgEvent.Builder b = AsgEvent.builder(type).format(format).messageId(id)
                .account(groupAccount(account(n, "AccountId", id), arn, id))
                .region(region(arnRegion(arn, envelopeRegion), "AutoScalingGroupARN", id))
                .time(time(n, "Time", id));
        if (type == EventType.TEST) {
            return b.groupName(optionalGroup(n, "AutoScalingGroupName", id))
                    .reason("Auto Scaling test notification").build();
        }
        return b.groupName(group(n, "AutoScalingGroupName", id))
                .instanceId(instance(n, "EC2InstanceId", id, type))
                .build();
    }

    private AsgEvent fromLifecycle(JsonNode n, String id, String prefix, String envelopeRegion) {
        String transition = text(n, "LifecycleTransition", id, true);
        EventType type = LIFECYCLE_TRANSITIONS.get(transition);
        String format = prefix + "lifecycle";
        if (type == null) {
            return AsgEvent.builder(EventType.IGNORED).format(format).messageId(id)
                    .groupName(optionalGroup(n, "AutoScalingGroupName", id))
                    .reason("unknown lifecycle transition " + quote(transition)).build();
        }
        return AsgEvent.builder(type).format(format).messageId(id)
                .account(account(n, "AccountId", id))
                .region(region(envelopeRegion, "TopicArn", id))
                .time(time(n, "Time", id))
                .groupName(group(n, "AutoScalingGroupName", id))
                .instanceId(instance(n, "EC2InstanceId", id, type))
                .lifecycleTransition(transition)
                .lifecycleHookName(matching(n, "LifecycleHookName", HOOK_NAME, id, "1-255 letters, digits, - _ /"))
                .lifecycleActionToken(matching(n, "LifecycleActionToken", TOKEN, id, "36 characters"))
                .build();
    }

    /**
     * A ghost found by the reconcile sweep (io.asger.reconcile.ReconcileEvent writes it): always DOWN. It names no
     * group unless EC2 still did.
     */
    private AsgEvent fromReconcile(JsonNode n, String id, String prefix) {
        return AsgEvent.builder(EventType.DOWN).format(prefix + "reconcile").messageId(id)
                .account(account(n, "AccountId", id))
                .region(region(text(n, "Region", id, false), "Region", id))
                .time(time(n, "Time", id))
                .groupName(optionalGroup(n, "AutoScalingGroupName", id))
                .instanceId(instance(n, "EC2InstanceId", id, EventType.DOWN))
                .build();
    }

    private AsgEvent fromEventBridge(JsonNode n, String id, String prefix) {
        String source = text(n, "source", id, true);
        String detailType = text(n, "detail-type", id, true);
        String format = prefix + "eventbridge";
        if (!"aws.autoscaling".equals(source)) {
            return AsgEvent.builder(EventType.IGNORED).format(format).messageId(id)
                    .reason("EventBridge event from " + quote(source) + ", not aws.autoscaling").build();
        }
        EventType type = EVENTBRIDGE_DETAIL_TYPES.get(detailType);
        if (type == null) {
            return AsgEvent.builder(EventType.IGNORED).format(format).messageId(id)
                    .reason("unknown EventBridge detail-type " + quote(detailType)).build();
        }
        JsonNode detail = n.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new InvalidMessageException(id, "detail", detail == null ? "is missing" : "is not a JSON object");
        }
        AsgEvent.Builder b = AsgEvent.builder(type).format(format).messageId(id)
                .account(account(n, "account", id))
                .region(region(text(n, "region", id, false), "region", id))
                .time(time(n, "time", id))
                .groupName(group(detail, "AutoScalingGroupName", id, "detail.AutoScalingGroupName"))
                .instanceId(instance(detail, "EC2InstanceId", id, type, "detail.EC2InstanceId"));
        if (detailType.endsWith("Lifecycle Action")) {
            String transition = text(detail, "LifecycleTransition", id, false, "detail.LifecycleTransition");
            if (transition != null && LIFECYCLE_TRANSITIONS.get(transition) != type) {
                throw new InvalidMessageException(id, "detail.LifecycleTransition", "is " + quote(transition)
                        + ", which contradicts detail-type " + quote(detailType));
            }
            b.format(prefix + "eventbridge-lifecycle")
                    .lifecycleTransition(transition != null ? transition
                            : type == EventType.UP ? "autoscaling:EC2_INSTANCE_LAUNCHING" : "autoscaling:EC2_INSTANCE_TERMINATING")
                    .lifecycleHookName(matching(detail, "LifecycleHookName", HOOK_NAME, id, "1-255 letters, digits, - _ /",
                            "detail.LifecycleHookName"))
                    .lifecycleActionToken(matching(detail, "LifecycleActionToken", TOKEN, id, "36 characters",
                            "detail.LifecycleActionToken"));
        }
        return b.build();
    }

    /**
     * An instance moving into a warm pool is neither entering service nor gone: launched into the pool it is stopped
     * after its first boot, and scaled in to the pool it stops and may come back. Acting on it would, for example,
     * delete the Chef node of an instance that returns. Such events are IGNORED and marked {@code intoWarmPool}; the
     * lifecycle hook name and token are kept, so the action is still completed (routes/lifecycle.camel.yaml).
     */
    private static AsgEvent warmPoolAware(AsgEvent event, JsonNode n, String id, String path) {
        if (n == null || event.getType() != EventType.UP && event.getType() != EventType.DOWN) {
            return event;
        }
        String destination = text(n, "Destination", id, false, path + "Destination");
        if (!"WarmPool".equals(destination)) {
            return event;
        }
        String origin = text(n, "Origin", id, false, path + "Origin");
        return event.toBuilder().type(EventType.IGNORED).intoWarmPool(true)
                .reason("instance " + event.getInstanceId() + " moves from " + (origin == null ? "(no Origin)" : quote(origin))
                        + " into the warm pool: " + (event.getType() == EventType.UP
                                ? "not in service yet (asger acts when it leaves the pool)"
                                : "not terminated (it may return to service)"))
                .build();
    }

    // --- field readers: each names the field it rejects ---

    private static String text(JsonNode n, String field, String id, boolean required) {
        return text(n, field, id, required, field);
    }

    private static String text(JsonNode n, String field, String id, boolean required, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidMessageException(id, path, "is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidMessageException(id, path, "must be a string, was " + v.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return v.textValue();
    }

    private static String instance(JsonNode n, String field, String id, EventType type) {
        return instance(n, field, id, type, field);
    }

    private static String instance(JsonNode n, String field, String id, EventType type, String path) {
        boolean failure = type == EventType.UP_FAILED || type == EventType.DOWN_FAILED;
        String value = text(n, field, id, !failure, path);
        if (value == null || failure && value.isEmpty()) {
            // A failed launch often has no instance at all ("EC2InstanceId": "").
            return null;
        }
        if (!INSTANCE_ID.matcher(value).matches()) {
            throw new InvalidMessageException(id, path, "is " + quote(value)
                    + "; an instance id is i- followed by 8 or 17 lowercase hex digits");
        }
        return value;
    }

    private static String group(JsonNode n, String field, String id) {
        return group(n, field, id, field);
    }

    private static String group(JsonNode n, String field, String id, String path) {
        String value = text(n, field, id, true, path);
        checkGroup(value, id, path);
        return value;
    }

    private static String optionalGroup(JsonNode n, String field, String id) {
        String value = text(n, field, id, false);
        if (value != null) {
            checkGroup(value, id, field);
        }
        return value;
    }

    /** AWS: 1 to 255 characters; we also refuse control characters, which no real group name needs. */
    private static void checkGroup(String value, String id, String path) {
        if (value.isEmpty() || value.length() > GROUP_NAME_MAX) {
            throw new InvalidMessageException(id, path, "must be 1 to " + GROUP_NAME_MAX + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\uFFFE' || c == '\uFFFF') {
                throw new InvalidMessageException(id, path, "contains a control character at position " + i);
            }
        }
    }

    private static String account(JsonNode n, String field, String id) {
        String value = text(n, field, id, false);
        if (value != null && !ACCOUNT.matcher(value).matches()) {
            throw new InvalidMessageException(id, field, "is " + quote(value) + "; an AWS account id is 12 digits");
        }
        return value;
    }

    private static String region(String value, String field, String id) {
        if (value != null && !REGION.matcher(value).matches()) {
            throw new InvalidMessageException(id, field, "names region " + quote(value) + ", which is not an AWS region name");
        }
        return value;
    }

    /**
     * The event's own account: AccountId, else the group ARN's (never the SNS topic's, which may be a central
     * account's). Both given, they must agree.
     */
    private static String groupAccount(String accountId, String arn, String id) {
        if (arn == null) {
            return accountId;
        }
        String[] parts = arn.split(":", -1);
        String fromArn = parts.length > 4 && !parts[4].isEmpty() ? parts[4] : null;
        if (fromArn == null) {
            return accountId;
        }
        if (!ACCOUNT.matcher(fromArn).matches()) {
            throw new InvalidMessageException(id, "AutoScalingGroupARN", "names account " + quote(fromArn)
                    + "; an AWS account id is 12 digits");
        }
        if (accountId != null && !accountId.equals(fromArn)) {
            throw new InvalidMessageException(id, "AutoScalingGroupARN", "names account " + fromArn
                    + ", but AccountId is " + accountId);
        }
        return fromArn;
    }

    private static String arnRegion(String arn, String fallback) {
        if (arn == null) {
            return fallback;
        }
        String[] parts = arn.split(":", -1);
        return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : fallback;
    }

    private static Instant time(JsonNode n, String field, String id) {
        String value = text(n, field, id, false);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidMessageException(id, field, "is " + quote(value) + ", not an ISO-8601 time");
        }
    }

    private static String matching(JsonNode n, String field, Pattern pattern, String id, String expected) {
        return matching(n, field, pattern, id, expected, field);
    }

    private static String matching(JsonNode n, String field, Pattern pattern, String id, String expected, String path) {
        String value = text(n, field, id, true, path);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidMessageException(id, path, "is " + quote(value) + "; expected " + expected);
        }
        return value;
    }

    /** Quotes a value for a log line: bounded, with control characters made visible. */
    static String quote(String value) {
        StringBuilder s = new StringBuilder("'");
        int limit = Math.min(value.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        if (value.length() > limit) {
            s.append("...(").append(value.length()).append(" chars)");
        }
        return s.append('\'').toString();
    }
}
