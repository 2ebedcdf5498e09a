package io.asger.aws;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.asger.errors.Failures;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Looks up many instances at once, as the reconcile sweep needs: DescribeInstances in batches. EC2 answers a whole
 * batch with {@code InvalidInstanceID.NotFound} when any one id in it is unknown, so such a batch is split in halves
 * and each asked again, down to the ids that are really missing: one old id costs a few requests, not the batch.
 */
public final class InstanceStates {

    /** EC2 takes up to 1,000 ids a request; smaller batches keep a split cheap. */
    static final int BATCH = 100;
    static final String GROUP_TAG = "aws:autoscaling:groupName";

    private final Function<String, Ec2Client> clients;
    private final Map<String, String> groups = new java.util.concurrent.ConcurrentHashMap<>();
    private int requests;

    /** @param clients the EC2 client for a region */
    public InstanceStates(Function<String, Ec2Client> clients) {
        this.clients = clients;
    }

    /** The state of each id in the region (EC2's state name, or {@link InstanceFacts#ABSENT} when EC2 does not know it). */
    public Map<String, String> states(String region, Collection<String> instanceIds) {
        Map<String, String> states = new HashMap<>();
        List<String> ids = new ArrayList<>(instanceIds);
        for (int from = 0; from < ids.size(); from += BATCH) {
            describe(clients.apply(region), ids.subList(from, Math.min(ids.size(), from + BATCH)), states);
        }
        return states;
    }

    /** The Auto Scaling group an instance looked up so far belonged to (its aws:autoscaling:groupName tag), or null. */
    public String groupOf(String instanceId) {
        return groups.get(instanceId);
    }

    /** DescribeInstances requests sent so far (for the tests and the report). */
    public synchronized int requests() {
        return requests;
    }

    private void describe(Ec2Client ec2, List<String> ids, Map<String, String> states) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            synchronized (this) {
                requests++;
            }
            ec2.describeInstancesPaginator(r -> r.instanceIds(ids)).reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .forEach(i -> {
                        states.put(i.instanceId(), i.state() == null ? "unknown" : i.state().nameAsString());
                        i.tags().stream().filter(t -> GROUP_TAG.equals(t.key())).findFirst()
                                .ifPresent(t -> groups.put(i.instanceId(), t.value()));
                    });
            ids.forEach(id -> states.putIfAbsent(id, InstanceFacts.ABSENT));
        } catch (AwsServiceException e) {
            if (!"InvalidInstanceID.NotFound".equals(Failures.awsErrorCode(e))) {
                throw e;
            }
            if (ids.size() == 1) {
                states.put(ids.get(0), InstanceFacts.ABSENT);
                return;
            }
            int half = ids.size() / 2;
            describe(ec2, List.copyOf(ids.subList(0, half)), states);
            describe(ec2, List.copyOf(ids.subList(half, ids.size())), states);
        }
    }
}
