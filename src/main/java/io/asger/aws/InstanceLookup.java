package io.asger.aws;


import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/** Describes one instance with EC2. An instance EC2 no longer knows is {@link InstanceFacts#absent}. */
public final class InstanceLookup implements AutoCloseable {

    private final Supplier<Ec2Client> ec2;
    private String address = "private";
    private AccountClients accountClients;

    /** With an EC2 client built on first use, so that asger starts without AWS settings when this task is off. */
    public InstanceLookup() {
        this.ec2 = new Lazy<>(AwsClients::ec2);
    }

    public InstanceLookup(Ec2Client ec2) {
        this.ec2 = () -> ec2;
    }

    /** Which address the record gets: "private" or "public" (asger.route53.address). */
    public void setAddress(String address) {
        if (!"private".equalsIgnoreCase(address) && !"public".equalsIgnoreCase(address)) {
            throw new IllegalArgumentException("asger.route53.address must be private or public, not " + address);
        }
        this.address = address.toLowerCase(java.util.Locale.ROOT);
    }

    /** Describes in the event's account and region (io.asger.aws.AccountClients); without it, in asger's own. */
    public void setAccountClients(AccountClients accountClients) {
        this.accountClients = accountClients;
    }

    /** The event's instance, asked in the event's account and region. */
    public InstanceFacts describe(io.asger.event.AsgEvent event) {
        return describe(accountClients != null ? accountClients.ec2(event) : ec2.get(), event.getInstanceId());
    }

    public InstanceFacts describe(String instanceId) {
        return describe(ec2.get(), instanceId);
    }

    private InstanceFacts describe(Ec2Client client, String instanceId) {
        try {
            return client.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> instanceId.equals(i.instanceId()))
                    .findFirst()
                    .map(i -> facts(i, regionOf(client)))
                    .orElseGet(() -> InstanceFacts.absent(instanceId));
        } catch (AwsServiceException e) {
            // Terminated instances stay visible for about an hour; after that EC2 answers with this code.
            if ("InvalidInstanceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return InstanceFacts.absent(instanceId);
            }
            throw e;
        }
    }

    private InstanceFacts facts(Instance i, String region) {
        String group = i.tags().stream().filter(t -> InstanceStates.GROUP_TAG.equals(t.key())).map(t -> t.value())
                .findFirst().orElse(null);
        return new InstanceFacts(i.instanceId(), i.state() == null ? null : i.state().nameAsString(),
                i.privateIpAddress(), i.publicIpAddress(), address, region, group);
    }

    private static String regionOf(Ec2Client client) {
        var region = client.serviceClientConfiguration().region();
        return region == null ? null : region.id();
    }

    @Override
    public void close() {
        if (ec2 instanceof Lazy<Ec2Client> lazy) {
            lazy.close();
        }
    }
}
