package io.asger.lifecycle;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.asger.aws.AwsClients;
import io.asger.errors.Failures;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.event.AsgEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.LifecycleHook;

/**
 * asger's calls to Auto Scaling for a lifecycle action (an event with a hook name and a LifecycleActionToken):
 * complete it, record a heartbeat, read the hook's heartbeat timeout. Each call goes to the event's own region, with
 * credentials for the event's account (io.asger.aws.AccountClients), through one client per (account, region) made on
 * first use; an event that names no region (a hook message sent straight to
 * SQS) uses asger's own region. In dry run it logs the exact call it would send and sends nothing, reads included.
 *
 * <p>Failures are classified by {@link Failures}, asger's one vocabulary (throttling and 5xx transient, other 4xx
 * permanent); this class only adds words: AccessDenied becomes a {@link PermanentFailure} naming the IAM action asger
 * lacks. "No active Lifecycle Action found" is Auto Scaling's answer both for
 * an action that is already over and, for a few seconds after the hook fires, for one that has not propagated yet;
 * DescribeAutoScalingInstances tells the two apart.
 */
public class LifecycleActions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("asger.lifecycle");
    static final String NO_ACTIVE_ACTION = "No active Lifecycle Action found";
    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
            "UnauthorizedOperation", "UnauthorizedAccess");

    /** What a completion did. */
    public enum Completion {
        /** Auto Scaling accepted it. */
        COMPLETED,
        /** The action was already over (completed, abandoned or expired): nothing left to do. */
        ALREADY_COMPLETE,
        /** Dry run: logged, not sent. */
        DRY_RUN;

        /** The tag value of the completion counter. */
        public String word() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final Function<Region, AutoScalingClient> clientFactory;
    private final Supplier<Optional<Region>> homeRegionLookup;
    private final Map<Region, AutoScalingClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Optional<Duration>> heartbeatTimeouts = new ConcurrentHashMap<>();
    private volatile Optional<Region> homeRegion;
    private boolean dryRun;
    private io.asger.aws.AccountClients accountClients;
    private Supplier<MeterRegistry> meterLookup = SimpleMeterRegistry::new;
    private volatile MeterRegistry meters;

    /** Clients from {@link AwsClients}; asger's own region from the SDK's chain, else the queue URL. */
    public LifecycleActions(String queueUrl) {
        this(AwsClients::autoScaling, () -> AwsClients.homeRegion(
                queueUrl == null || queueUrl.isBlank() ? null : URI.create(queueUrl.trim())));
    }

    public LifecycleActions(Function<Region, AutoScalingClient> clientFactory, Supplier<Optional<Region>> homeRegion) {
        this.clientFactory = clientFactory;
        this.homeRegionLookup = homeRegion;
    }

    /**
     * Clients for the event's account and region, shared with the other AWS calls made for events (bound by
     * io.asger.AsgerConfiguration, closed when Camel stops); without it, this class's own clients, one per region,
     * with the default credentials.
     */
    public void setAccountClients(io.asger.aws.AccountClients accountClients) {
        this.accountClients = accountClients;
    }

    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public boolean isDryRun() {
        return dryRun;
    }

    public void setMeterRegistry(MeterRegistry meters) {
        this.meterLookup = () -> meters;
    }

    /**
     * Where the counters go, looked up on first use: the registry Camel's micrometer component uses (bean
     * metricsRegistry) may be bound after this bean is made.
     */
    public void setMeterRegistryLookup(Supplier<MeterRegistry> lookup) {
        this.meterLookup = lookup;
    }

    private MeterRegistry meters() {
        MeterRegistry m = meters;
        if (m == null) {
            m = meterLookup.get();
            if (m == null) {
                m = new SimpleMeterRegistry();
            }
            meters = m;
        }
        return m;
    }

    /**
     * CompleteLifecycleAction with {@code result} (CONTINUE or ABANDON) for the event's action.
     *
     * @throws TransientFailure when the action has not propagated yet (the instance still waits): retry
     * @throws PermanentFailure when asger may not complete it (IAM)
     */
    public Completion complete(AsgEvent event, String result) {
        checkAction(event);
        String call = "CompleteLifecycleAction " + parameters(event) + " LifecycleActionResult=" + result
                + " in " + regionName(event);
        if (dryRun) {
            LOG.info("Dry run: would send {} (message {})", call, event.getMessageId());
            return count(result, Completion.DRY_RUN);
        }
        try {
            client(event).completeLifecycleAction(b -> b.autoScalingGroupName(event.getGroupName())
                    .lifecycleHookName(event.getLifecycleHookName())
                    .lifecycleActionToken(event.getLifecycleActionToken())
                    .instanceId(event.getInstanceId())
                    .lifecycleActionResult(result));
            LOG.info("Completed lifecycle action: {} (message {})", call, event.getMessageId());
            return count(result, Completion.COMPLETED);
        } catch (AwsServiceException e) {
            if (isNoActiveAction(e)) {
                stillWaiting(event, call, e);
                LOG.info("Lifecycle action already over (completed, abandoned or expired), nothing to complete: {}"
                        + " (message {})", call, event.getMessageId());
                return count(result, Completion.ALREADY_COMPLETE);
            }
            throw failure("CompleteLifecycleAction", call, e);
        }
    }

    /**
     * RecordLifecycleActionHeartbeat for the event's action: its heartbeat timeout starts again.
     *
     * @return false when the action is over (no heartbeat can help it any more), true otherwise
     * @throws PermanentFailure when asger may not send heartbeats (IAM); other AWS errors as thrown
     */
    public boolean heartbeat(AsgEvent event) {
        checkAction(event);
        String call = "RecordLifecycleActionHeartbeat " + parameters(event) + " in " + regionName(event);
        if (dryRun) {
            LOG.info("Dry run: would send {} (message {})", call, event.getMessageId());
            return true;
        }
        try {
            client(event).recordLifecycleActionHeartbeat(b -> b.autoScalingGroupName(event.getGroupName())
                    .lifecycleHookName(event.getLifecycleHookName())
                    .lifecycleActionToken(event.getLifecycleActionToken())
                    .instanceId(event.getInstanceId()));
            meters().counter("asger.lifecycle.heartbeats").increment();
            LOG.debug("Heartbeat sent: {} (message {})", call, event.getMessageId());
            return true;
        } catch (AwsServiceException e) {
            if (isNoActiveAction(e)) {
                meters().counter("asger.lifecycle.failures", "call", "RecordLifecycleActionHeartbeat").increment();
                LOG.warn("Heartbeat refused, the lifecycle action is over (expired or completed elsewhere): {}"
                        + " (message {}): {}", call, event.getMessageId(), message(e));
                return false;
            }
            throw failure("RecordLifecycleActionHeartbeat", call, e);
        }
    }

    /**
     * The HeartbeatTimeout of the event's hook, read once per region, group and hook with DescribeLifecycleHooks.
     * Empty in dry run, when the hook is not found, or when it cannot be read (logged; a transient failure is not
     * remembered, so a later event tries again).
     */
    public Optional<Duration> heartbeatTimeout(AsgEvent event) {
        checkAction(event);
        if (dryRun) {
            return Optional.empty();
        }
        String key = event.getAccount() + "/" + regionName(event) + "/" + event.getGroupName() + "/" + event.getLifecycleHookName();
        Optional<Duration> known = heartbeatTimeouts.get(key);
        if (known != null) {
            return known;
        }
        Optional<Duration> timeout;
        try {
            timeout = client(event).describeLifecycleHooks(b -> b.autoScalingGroupName(event.getGroupName())
                            .lifecycleHookNames(event.getLifecycleHookName()))
                    .lifecycleHooks().stream()
                    .filter(h -> event.getLifecycleHookName().equals(h.lifecycleHookName()))
                    .map(LifecycleHook::heartbeatTimeout)
                    .filter(t -> t != null && t > 0)
                    .findFirst().map(Duration::ofSeconds);
            if (timeout.isEmpty()) {
                LOG.warn("DescribeLifecycleHooks found no hook {} in group {} ({}): its heartbeat timeout is unknown",
                        event.getLifecycleHookName(), event.getGroupName(), regionName(event));
            }
        } catch (AwsServiceException e) {
            RuntimeException f = failure("DescribeLifecycleHooks", "DescribeLifecycleHooks AutoScalingGroupName="
                    + event.getGroupName() + " LifecycleHookNames=" + event.getLifecycleHookName(), e);
            LOG.warn("Cannot read the heartbeat timeout of hook {} in group {} ({}): {}", event.getLifecycleHookName(),
                    event.getGroupName(), regionName(event), f.getMessage());
            // Remembered unless it may pass (throttling, 5xx): a missing permission or hook stays missing.
            if (!Failures.isTransient(e)) {
                heartbeatTimeouts.put(key, Optional.empty());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            meters().counter("asger.lifecycle.failures", "call", "DescribeLifecycleHooks").increment();
            LOG.warn("Cannot read the heartbeat timeout of hook {} in group {} ({}): {}", event.getLifecycleHookName(),
                    event.getGroupName(), regionName(event), e.toString());
            return Optional.empty();
        }
        heartbeatTimeouts.put(key, timeout);
        return timeout;
    }

    /**
     * After "No active Lifecycle Action": returns when the action is over, throws a TransientFailure while the
     * instance still waits in the hook's state (the action has not propagated yet, so the completion is retried).
     */
    private void stillWaiting(AsgEvent event, String call, AwsServiceException noActive) {
        if (event.getInstanceId() == null) {
            return;
        }
        Optional<String> state;
        try {
            state = client(event).describeAutoScalingInstances(b -> b.instanceIds(event.getInstanceId()))
                    .autoScalingInstances().stream()
                    .filter(i -> event.getInstanceId().equals(i.instanceId()))
                    .map(AutoScalingInstanceDetails::lifecycleState)
                    .findFirst();
        } catch (AwsServiceException e) {
            throw failure("DescribeAutoScalingInstances", "DescribeAutoScalingInstances InstanceIds="
                    + event.getInstanceId() + " (after " + call + " answered: " + message(noActive) + ")", e);
        }
        if (state.isPresent() && waitsForThisAction(state.get(), event)) {
            throw new TransientFailure("Auto Scaling answered \"" + message(noActive) + "\" but instance "
                    + event.getInstanceId() + " is still in " + state.get()
                    + ": the lifecycle action has not propagated yet; retrying " + call, noActive);
        }
        LOG.debug("Instance {} is {} after \"{}\"", event.getInstanceId(), state.orElse("in no group"), message(noActive));
    }

    /** Whether the instance still waits in the state the event's hook holds it in. */
    static boolean waitsForThisAction(String state, AsgEvent event) {
        if (!state.endsWith(":Wait")) {
            return false;
        }
        if (event.isIntoWarmPool()) {
            return state.startsWith("Warmed:");
        }
        String transition = String.valueOf(event.getLifecycleTransition());
        return transition.endsWith("LAUNCHING") ? state.endsWith("Pending:Wait") : state.endsWith("Terminating:Wait");
    }

    static boolean isNoActiveAction(AwsServiceException e) {
        return e.statusCode() == 400 && message(e).startsWith(NO_ACTIVE_ACTION);
    }

    /** The failure to throw for an AWS error: AccessDenied names the IAM action; the rest is left as it is. */
    private RuntimeException failure(String action, String call, AwsServiceException e) {
        meters().counter("asger.lifecycle.failures", "call", action).increment();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (code != null && ACCESS_DENIED.contains(code)) {
            return new PermanentFailure("Auto Scaling refused " + call + ": asger's IAM identity needs permission for "
                    + "autoscaling:" + action + " (" + code + ": " + message(e) + ")", e);
        }
        return e;
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
    }

    private Completion count(String result, Completion completion) {
        meters().counter("asger.lifecycle.completions", "result", result, "outcome", completion.word()).increment();
        return completion;
    }

    private static void checkAction(AsgEvent event) {
        if (!event.isLifecycleAction() || event.getLifecycleHookName() == null || event.getGroupName() == null) {
            throw new IllegalArgumentException("message " + event.getMessageId() + " carries no lifecycle action: " + event);
        }
    }

    private static String parameters(AsgEvent event) {
        return "AutoScalingGroupName=" + event.getGroupName() + " LifecycleHookName=" + event.getLifecycleHookName()
                + " LifecycleActionToken=" + event.getLifecycleActionToken()
                + (event.getInstanceId() == null ? "" : " InstanceId=" + event.getInstanceId());
    }

    private String regionName(AsgEvent event) {
        return event.getRegion() != null ? event.getRegion()
                : home().map(r -> r.id() + " (asger's own region)").orElse("(no region)");
    }

    private Optional<Region> home() {
        Optional<Region> home = homeRegion;
        if (home == null) {
            home = homeRegionLookup.get();
            homeRegion = home;
        }
        return home;
    }

    private AutoScalingClient client(AsgEvent event) {
        Region region;
        if (event.getRegion() != null) {
            region = Region.of(event.getRegion());
        } else {
            region = home().orElseThrow(() -> new PermanentFailure("message " + event.getMessageId()
                    + " names no region (a lifecycle hook message sent straight to SQS) and asger has none: set"
                    + " AWS_REGION, or read a queue whose URL names its region"));
        }
        if (accountClients != null) {
            return accountClients.autoScaling(event.getAccount(), region.id(), event.getMessageId());
        }
        return clients.computeIfAbsent(region, clientFactory);
    }

    @Override
    public void close() {
        clients.values().forEach(AutoScalingClient::close);
        clients.clear();
    }
}
