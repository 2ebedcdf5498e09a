package io.asger.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.asger.errors.Failures;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.event.AsgEvent;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Asks AWS whether an instance is really going away before asger cleans up after it (asger.verify-termination):
 * anyone who can put one message on the queue could otherwise have the Chef node, DNS records and Consul entry of a
 * running instance deleted. Proceeds when EC2 says the instance is {@code shutting-down} or {@code terminated}, or no
 * longer knows it ({@code InvalidInstanceID.NotFound}), or when Auto Scaling has it in a {@code Terminating*}
 * lifecycle state (a termination lifecycle hook holds it running until the hook completes). Anything else is a
 * {@link PermanentFailure}; an API error is a {@link TransientFailure} (retried, never taken as "proceed"), except
 * a refused permission, which names the IAM action asger lacks. Asks in the event's region, with credentials for the
 * event's account ({@link AccountClients}).
 */
public final class TerminationCheck implements AutoCloseable {

    static final String DESCRIBE_INSTANCES = "ec2:DescribeInstances";
    static final String DESCRIBE_ASG_INSTANCES = "autoscaling:DescribeAutoScalingInstances";

    static final String METRIC = "asger.termination.checks";

    private final Function<Region, Ec2Client> ec2Factory;
    private final Function<Region, AutoScalingClient> autoScalingFactory;
    private boolean enabled = true;
    private Region defaultRegion;
    private MeterRegistry metrics;
    private AccountClients accountClients;
    private final Map<Optional<Region>, Ec2Client> ec2 = new ConcurrentHashMap<>();
    private final Map<Optional<Region>, AutoScalingClient> autoScaling = new ConcurrentHashMap<>();

    /** Clients are built on first use, one per region, so that asger starts without AWS when the check is off. */
    public TerminationCheck() {
        this(AwsClients::ec2, AwsClients::autoScaling);
    }

    /** @param ec2Factory, autoScalingFactory build a client for a region (null: the configured region) */
    public TerminationCheck(Function<Region, Ec2Client> ec2Factory, Function<Region, AutoScalingClient> autoScalingFactory) {
        this.ec2Factory = ec2Factory;
        this.autoScalingFactory = autoScalingFactory;
    }

    /** asger.verify-termination; off in local mode. Off, every instance passes unchecked. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Clients for the event's account and region (io.asger.AsgerConfiguration binds the daemon's one); without it,
     * this check's own clients, one per region, with the default credentials.
     */
    public void setAccountClients(AccountClients accountClients) {
        this.accountClients = accountClients;
    }

    /** The region to ask when an event names none (the queue's). */
    public void setDefaultRegion(Region region) {
        this.defaultRegion = region;
    }

    /** Counts each check in {@value #METRIC}, tag result: going-away, refused or failed. */
    public void setMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /**
     * @return why the instance counts as going away, for the log (e.g. "EC2 state terminated"); null when the check
     *         is off (asger.verify-termination)
     * @throws PermanentFailure the instance is not going away, or asger may not ask
     * @throws TransientFailure AWS could not be asked
     */
    public String confirm(AsgEvent event) {
        return confirm(event.getInstanceId(), event.getAccount(), event.getRegion(), event.getMessageId());
    }

    public String confirm(String instanceId, String regionName) {
        return confirm(instanceId, null, regionName, null);
    }

    /** @param account whose credentials ask (null: the default ones) */
    public String confirm(String instanceId, String account, String regionName, String messageId) {
        if (!enabled) {
            // Not asked (asger.verify-termination is off; asger warned about it once at start-up).
            return null;
        }
        String result = "failed";
        try {
            String reason = check(instanceId, new Asker(account, messageId), regionName);
            result = "going-away";
            return reason;
        } catch (PermanentFailure e) {
            result = e.getMessage().startsWith("instance ") ? "refused" : "failed";
            throw e;
        } finally {
            if (metrics != null) {
                metrics.counter(METRIC, "result", result).increment();
            }
        }
    }

    /** Whose credentials ask, for which message. */
    private record Asker(String account, String messageId) {
    }

    private String check(String instanceId, Asker asker, String regionName) {
        if (instanceId == null) {
            throw new PermanentFailure("no instance id: cannot check that the instance is going away");
        }
        Optional<Region> region = Optional.ofNullable(regionName).filter(r -> !r.isBlank()).map(Region::of)
                .or(() -> Optional.ofNullable(defaultRegion));
        Optional<Instance> instance = describeInstance(instanceId, asker, region);
        if (instance.isEmpty() && defaultRegion != null && !region.equals(Optional.of(defaultRegion))) {
            // The region comes from the message: an unsigned one could name a region where the instance does not
            // exist, to pass as long gone. Ask asger's own region too; there it may be running.
            Optional<Instance> home = describeInstance(instanceId, asker, Optional.of(defaultRegion));
            if (home.isPresent()) {
                instance = home;
                region = Optional.of(defaultRegion);
            }
        }
        if (instance.isEmpty()) {
            return "EC2 does not know " + instanceId + " (terminated some time ago)";
        }
        String state = instance.get().state() == null ? "unknown" : instance.get().state().nameAsString();
        if (state.equals("shutting-down") || state.equals("terminated")) {
            return "EC2 state " + state;
        }
        Optional<AutoScalingInstanceDetails> member = describeGroupMember(instanceId, asker, region);
        String lifecycle = member.map(AutoScalingInstanceDetails::lifecycleState).orElse(null);
        if (lifecycle != null && lifecycle.startsWith("Terminating")) {
            return "EC2 state " + state + ", Auto Scaling " + lifecycle + " in group " + member.get().autoScalingGroupName();
        }
        String detail = state + (member.isEmpty() ? ", in no Auto Scaling group"
                : ", Auto Scaling " + lifecycle + " in group " + member.get().autoScalingGroupName());
        String verb = state.equals("running") || state.equals("pending") ? "is running" : "is not going away";
        throw new PermanentFailure("instance " + instanceId + " " + verb + " (state " + detail
                + "): refusing to clean it up");
    }

    private Optional<Instance> describeInstance(String instanceId, Asker asker, Optional<Region> region) {
        try {
            return ec2(asker, region).describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> instanceId.equals(i.instanceId()))
                    .findFirst();
        } catch (AwsServiceException e) {
            // Terminated instances stay visible for about an hour; after that EC2 answers with this code.
            if ("InvalidInstanceID.NotFound".equals(Failures.awsErrorCode(e))) {
                return Optional.empty();
            }
            throw failure(DESCRIBE_INSTANCES, instanceId, region, e);
        } catch (SdkException e) {
            throw failure(DESCRIBE_INSTANCES, instanceId, region, e);
        }
    }

    private Optional<AutoScalingInstanceDetails> describeGroupMember(String instanceId, Asker asker, Optional<Region> region) {
        try {
            List<AutoScalingInstanceDetails> found = autoScaling(asker, region)
                    .describeAutoScalingInstances(r -> r.instanceIds(instanceId)).autoScalingInstances();
            return found.stream().filter(i -> instanceId.equals(i.instanceId())).findFirst();
        } catch (SdkException e) {
            throw failure(DESCRIBE_ASG_INSTANCES, instanceId, region, e);
        }
    }

    /**
     * Unlike a task's AWS call, every error but a refused permission is transient here, a 4xx included: whatever
     * went wrong, "proceed" is never the answer, so the message waits for its retries and then the DLQ.
     */
    private static RuntimeException failure(String action, String instanceId, Optional<Region> region, SdkException e) {
        String where = region.map(r -> " in " + r.id()).orElse("");
        String code = e instanceof AwsServiceException aws ? Failures.awsErrorCode(aws) : null;
        if (code != null && (code.equals("UnauthorizedOperation") || code.startsWith("AccessDenied"))) {
            return new PermanentFailure("asger may not call " + action + where + " (" + code + "): grant it that IAM "
                    + "action, without which it cannot check that " + instanceId + " is going away");
        }
        return new TransientFailure("cannot check that " + instanceId + " is going away: " + action + where
                + " failed: " + (code == null ? e.getMessage() : code + " " + ((AwsServiceException) e).awsErrorDetails()
                .errorMessage()), e);
    }

    private Ec2Client ec2(Asker asker, Optional<Region> region) {
        if (accountClients != null) {
            return accountClients.ec2(asker.account(), region.map(Region::id).orElse(null), asker.messageId());
        }
        return client(ec2, ec2Factory, region);
    }

    private AutoScalingClient autoScaling(Asker asker, Optional<Region> region) {
        if (accountClients != null) {
            return accountClients.autoScaling(asker.account(), region.map(Region::id).orElse(null), asker.messageId());
        }
        return client(autoScaling, autoScalingFactory, region);
    }

    private static <C> C client(Map<Optional<Region>, C> clients, Function<Region, C> factory, Optional<Region> region) {
        return clients.computeIfAbsent(region, r -> factory.apply(r.orElse(null)));
    }

    @Override
    public void close() {
        ec2.values().forEach(Ec2Client::close);
        autoScaling.values().forEach(AutoScalingClient::close);
        ec2.clear();
        autoScaling.clear();
    }
}
