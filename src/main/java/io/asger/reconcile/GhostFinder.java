package io.asger.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.asger.aws.AwsClients;
import io.asger.aws.InstanceFacts;
import io.asger.aws.InstanceStates;
import io.asger.errors.PermanentFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The reconcile sweep's one decision: which items the tasks listed are ghosts. An instance id is a ghost when EC2
 * says it is {@code terminated}, or does not know it and it is old enough: the newest check-in its sources report
 * (a Chef node's ohai_time) is older than asger.reconcile.min-age-minutes, or, where no source has an age (records,
 * Consul nodes), EC2 still does not know it on a second lookup asger.reconcile.recheck-seconds later. An instance EC2
 * does not show yet is never a ghost. Never looked up at all, reported as skipped: an id that does not validate, an
 * item without EC2 data, a region outside asger.reconcile.regions, an account other than the caller's, an unknown
 * account (unless asger.reconcile.unknown-account=own). When one item of an instance id is skipped for its region or
 * account, the id is: its DOWN event would run every task, including the one whose item named another account.
 */
public final class GhostFinder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GhostFinder.class);
    /** The same rule as the normalizer's: an id that passes here can be searched for and sent down the chain. */
    static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");

    static final String NO_EC2_DATA = "no EC2 data";
    static final String INVALID_ID = "instance id does not validate (i- and 8 or 17 lowercase hex digits)";
    static final String OTHER_REGION = "region outside asger.reconcile.regions";
    static final String OTHER_ACCOUNT = "account other than the caller's";
    static final String UNKNOWN_ACCOUNT = "account unknown (asger.reconcile.unknown-account=skip)";
    static final String SHARED_WITH_SKIPPED = "instance id also named by a skipped item (region or account)";
    static final String TOO_YOUNG = "not in EC2, but checked in within asger.reconcile.min-age-minutes (maybe not visible yet)";

    private final Map<String, Ec2Client> ec2 = new HashMap<>();
    private final Function<String, Ec2Client> ec2Factory;
    private final Supplier<StsClient> stsFactory;
    private final Clock clock;
    private StsClient sts;
    private int minAgeMinutes = 60;
    private int recheckSeconds = 10;
    private List<String> regions = List.of();
    private boolean unknownAccountIsOwn;
    private int maxDeletions = 20;

    public GhostFinder() {
        this(region -> AwsClients.ec2(software.amazon.awssdk.regions.Region.of(region)), AwsClients::sts, Clock.systemUTC());
    }

    GhostFinder(Function<String, Ec2Client> ec2Factory, Supplier<StsClient> stsFactory, Clock clock) {
        this.ec2Factory = ec2Factory;
        this.stsFactory = stsFactory;
        this.clock = clock;
    }

    /** A new, empty sweep. */
    public ReconcilePlan begin() {
        return new ReconcilePlan();
    }

    /** The tasks in asger.tasks (in order) that define {@code direct:NAME-inventory}. */
    public List<String> inventoryTasks(String tasks, Exchange exchange) {
        CamelContext context = exchange.getContext();
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        Set<String> directs = model.getRouteDefinitions().stream()
                .map(route -> context.resolvePropertyPlaceholders(route.getInput().getEndpointUri()))
                .map(uri -> uri.replaceFirst("^direct:(//)?", "").replaceFirst("\\?.*$", ""))
                .collect(Collectors.toSet());
        List<String> found = new ArrayList<>();
        for (String raw : tasks.split(",")) {
            String task = raw.trim();
            if (!task.isEmpty() && directs.contains(task + "-inventory")) {
                found.add(task);
            }
        }
        return found;
    }

    /** Adds what one task's inventory route answered: a list of {@link InventoryItem}s, or of maps (see {@link InventoryItem#fromMap}). */
    public void add(ReconcilePlan plan, String task, Object body) {
        List<InventoryItem> items = new ArrayList<>();
        if (body instanceof Collection<?> list) {
            for (Object o : list) {
                if (o instanceof InventoryItem item) {
                    items.add(item);
                } else if (o instanceof Map<?, ?> map) {
                    items.add(InventoryItem.fromMap(task, map));
                } else {
                    throw new PermanentFailure("direct:" + task + "-inventory answered a list holding " + o
                            + "; expected io.asger.reconcile.InventoryItem or a map with name and instanceId");
                }
            }
        } else if (body != null) {
            throw new PermanentFailure("direct:" + task + "-inventory answered " + body.getClass().getName()
                    + "; expected a list of io.asger.reconcile.InventoryItem or of maps");
        }
        LOG.info("reconcile: {} lists {} item(s)", task, items.size());
        plan.listed(task, items);
    }

    /** Decides every item of the sweep, looks the candidates up in EC2 (twice where needed) and applies the guard. */
    public ReconcilePlan find(ReconcilePlan plan, Boolean dryRun) throws InterruptedException {
        plan.setDryRun(Boolean.TRUE.equals(dryRun));
        String defaultRegion = AwsClients.defaultRegion().orElse(null);
        List<String> allowed = regions.isEmpty() && defaultRegion != null ? List.of(defaultRegion) : regions;
        // Asked only when there is something to judge: a sweep with nothing to check needs no AWS credentials.
        boolean anyId = plan.items().stream().anyMatch(i -> i.instanceId() != null && INSTANCE_ID.matcher(i.instanceId()).matches());
        String caller = anyId ? callerAccount() : null;

        Map<String, List<InventoryItem>> byId = new LinkedHashMap<>();
        Map<String, String> skipById = new HashMap<>();
        for (InventoryItem item : plan.items()) {
            if (item.instanceId() == null) {
                plan.decide(item, ReconcilePlan.Verdict.SKIPPED, NO_EC2_DATA);
                continue;
            }
            if (!INSTANCE_ID.matcher(item.instanceId()).matches()) {
                plan.decide(item, ReconcilePlan.Verdict.SKIPPED, INVALID_ID);
                continue;
            }
            byId.computeIfAbsent(item.instanceId(), id -> new ArrayList<>()).add(item);
            String skip = ownSkip(item, caller, allowed, defaultRegion);
            if (skip != null) {
                skipById.putIfAbsent(item.instanceId(), skip);
            }
        }

        // Candidates by region: the region an item names, else the client's.
        Map<String, Map<String, List<InventoryItem>>> candidates = new LinkedHashMap<>();
        byId.forEach((id, items) -> {
            String skip = skipById.get(id);
            if (skip != null) {
                items.forEach(i -> {
                    String own = ownSkip(i, caller, allowed, defaultRegion);
                    plan.decide(i, ReconcilePlan.Verdict.SKIPPED, own != null ? own : SHARED_WITH_SKIPPED);
                });
                return;
            }
            String region = items.stream().map(InventoryItem::region).filter(r -> r != null).findFirst().orElse(defaultRegion);
            candidates.computeIfAbsent(region, r -> new LinkedHashMap<>()).put(id, items);
        });

        InstanceStates states = new InstanceStates(this::ec2);
        Map<String, Map<String, List<InventoryItem>>> recheck = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (var region : candidates.entrySet()) {
            Map<String, String> found = states.states(region.getKey(), region.getValue().keySet());
            region.getValue().forEach((id, items) -> {
                String state = found.getOrDefault(id, InstanceFacts.ABSENT);
                if ("terminated".equals(state)) {
                    ghost(plan, id, region.getKey(), caller, states.groupOf(id), "terminated", items);
                } else if (!InstanceFacts.ABSENT.equals(state)) {
                    items.forEach(i -> plan.decide(i, ReconcilePlan.Verdict.LIVE, state));
                } else {
                    Optional<Instant> newest = items.stream().map(InventoryItem::checkedIn).filter(t -> t != null)
                            .max(Instant::compareTo);
                    if (newest.isEmpty()) {
                        recheck.computeIfAbsent(region.getKey(), r -> new LinkedHashMap<>()).put(id, items);
                    } else if (Duration.between(newest.get(), now).toMinutes() >= minAgeMinutes) {
                        ghost(plan, id, region.getKey(), caller, states.groupOf(id), "not in EC2, last checked in " + newest.get(), items);
                    } else {
                        items.forEach(i -> plan.decide(i, ReconcilePlan.Verdict.SKIPPED, TOO_YOUNG));
                    }
                }
            });
        }
        if (!recheck.isEmpty()) {
            int count = recheck.values().stream().mapToInt(Map::size).sum();
            LOG.info("reconcile: {} instance id(s) not in EC2 and of unknown age; looking again in {} s", count, recheckSeconds);
            Thread.sleep(recheckSeconds * 1000L);
            for (var region : recheck.entrySet()) {
                Map<String, String> found = states.states(region.getKey(), region.getValue().keySet());
                region.getValue().forEach((id, items) -> {
                    String state = found.getOrDefault(id, InstanceFacts.ABSENT);
                    if ("terminated".equals(state)) {
                        ghost(plan, id, region.getKey(), caller, states.groupOf(id), "terminated", items);
                    } else if (InstanceFacts.ABSENT.equals(state)) {
                        ghost(plan, id, region.getKey(), caller, states.groupOf(id), "not in EC2, twice " + recheckSeconds + " s apart", items);
                    } else {
                        items.forEach(i -> plan.decide(i, ReconcilePlan.Verdict.LIVE, state));
                    }
                });
            }
        }
        plan.guard(maxDeletions);
        LOG.info("reconcile: {} ghost instance(s), {} DescribeInstances request(s)", plan.getGhostCount(), states.requests());
        return plan;
    }

    /** Why this item itself is skipped for region or account, or null when it is skipped only for sharing its id. */
    private String ownSkip(InventoryItem i, String caller, List<String> allowed, String defaultRegion) {
        String region = i.region() != null ? i.region() : defaultRegion;
        if (region == null || !allowed.contains(region)) {
            return OTHER_REGION;
        }
        if (i.account() != null && !i.account().equals(caller)) {
            return OTHER_ACCOUNT;
        }
        if (i.account() == null && i.accountExpected() && !unknownAccountIsOwn) {
            return UNKNOWN_ACCOUNT;
        }
        return null;
    }

    private static void ghost(ReconcilePlan plan, String id, String region, String account, String group,
            String reason, List<InventoryItem> items) {
        items.forEach(i -> plan.decide(i, ReconcilePlan.Verdict.GHOST, reason));
        plan.ghost(new ReconcilePlan.Ghost(id, region, account, group, reason, List.copyOf(items)));
    }

    /** Records the SQS message id the ghost's DOWN event got. */
    public void enqueued(ReconcilePlan plan, ReconcilePlan.Ghost ghost, String messageId) {
        plan.enqueued(ghost, messageId);
    }

    /** The account the credentials belong to (STS GetCallerIdentity), asked once. */
    synchronized String callerAccount() {
        if (sts == null) {
            sts = stsFactory.get();
        }
        return sts.getCallerIdentity().account();
    }

    private synchronized Ec2Client ec2(String region) {
        return ec2.computeIfAbsent(region, ec2Factory);
    }

    public void setMinAgeMinutes(int minAgeMinutes) {
        this.minAgeMinutes = minAgeMinutes;
    }

    public void setRecheckSeconds(int recheckSeconds) {
        this.recheckSeconds = recheckSeconds;
    }

    /** asger.reconcile.regions: comma separated; empty for the client's region. */
    public void setRegions(String regions) {
        this.regions = regions == null ? List.of() : java.util.Arrays.stream(regions.split(","))
                .map(String::trim).filter(r -> !r.isEmpty()).toList();
    }

    /** asger.reconcile.unknown-account: skip or own. */
    public void setUnknownAccount(String unknownAccount) {
        this.unknownAccountIsOwn = "own".equalsIgnoreCase(unknownAccount == null ? "" : unknownAccount.trim());
    }

    public void setMaxDeletions(int maxDeletions) {
        this.maxDeletions = maxDeletions;
    }

    @Override
    public synchronized void close() {
        ec2.values().forEach(Ec2Client::close);
        ec2.clear();
        if (sts != null) {
            sts.close();
            sts = null;
        }
    }
}
