package io.asger.route53;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/** Describes one instance with EC2. An instance EC2 no longer knows is {@link InstanceFacts#absent}. */
public final class InstanceLookup {

    private final Ec2Client ec2;

    public InstanceLookup(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public InstanceFacts describe(String instanceId) {
        try {
            return ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> instanceId.equals(i.instanceId()))
                    .findFirst()
                    .map(InstanceLookup::facts)
                    .orElseGet(() -> InstanceFacts.absent(instanceId));
        } catch (AwsServiceException e) {
            // Terminated instances stay visible for about an hour; after that EC2 answers with this code.
            if ("InvalidInstanceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return InstanceFacts.absent(instanceId);
            }
            throw e;
        }
    }

    private static InstanceFacts facts(Instance i) {
        return new InstanceFacts(i.instanceId(), i.state() == null ? null : i.state().nameAsString(),
                i.privateIpAddress(), i.publicIpAddress());
    }
}
