package io.asger.route53;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import io.asger.peers.Moto;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * An AWS account in moto for the Route 53 tests: a VPC and subnet, a launch template, Auto Scaling groups whose
 * instances have real ids and private IPs, and a hosted zone. The test's own clients talk to moto directly; asger's
 * beans find moto through the SDK's endpoint system properties, set by {@link #pointSdkAtMoto}.
 */
public final class MotoAws implements AutoCloseable {

    public static final String ZONE_NAME = "asg.example.com.";

    public final Moto moto;
    public final Route53Client route53;
    public final Ec2Client ec2;
    public final AutoScalingClient autoScaling;
    private String subnetId;
    private String launchTemplate;

    public MotoAws(Moto moto) {
        this.moto = moto;
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        route53 = Route53Client.builder().endpointOverride(moto.endpointUri()).region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
        ec2 = Ec2Client.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
        autoScaling = AutoScalingClient.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** What a deployment gives asger through the environment: region, credentials, endpoints (here: moto). */
    public static void pointSdkAtMoto(Moto moto) {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        System.setProperty("aws.endpointUrlRoute53", moto.endpoint());
        System.setProperty("aws.endpointUrlEc2", moto.endpoint());
        System.setProperty("aws.endpointUrlAutoScaling", moto.endpoint());
    }

    public String createZone() {
        return createZone(ZONE_NAME);
    }

    public String createZone(String name) {
        String id = route53.createHostedZone(b -> b.name(name).callerReference(UUID.randomUUID().toString()))
                .hostedZone().id();
        return id.replaceFirst("^/hostedzone/", "");
    }

    /** Creates a group of {@code size} running instances, with the asger:record-name tag when given. */
    public List<Instance> createGroup(String groupName, int size, String recordNameTag) {
        return createGroup(groupName, size, recordNameTag, false);
    }

    /** @param publicIps whether the group's subnet gives instances a public IP (the first call decides) */
    public List<Instance> createGroup(String groupName, int size, String recordNameTag, boolean publicIps) {
        if (subnetId == null) {
            String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
            subnetId = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.0.0.0/20").availabilityZone("us-east-1a"))
                    .subnet().subnetId();
            if (publicIps) {
                ec2.modifySubnetAttribute(b -> b.subnetId(subnetId).mapPublicIpOnLaunch(v -> v.value(true)));
            }
            String image = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
            launchTemplate = "asger-test";
            ec2.createLaunchTemplate(b -> b.launchTemplateName(launchTemplate)
                    .launchTemplateData(d -> d.imageId(image).instanceType("t3.micro")));
        }
        autoScaling.createAutoScalingGroup(b -> {
            b.autoScalingGroupName(groupName)
                    .launchTemplate(t -> t.launchTemplateName(launchTemplate).version("$Latest"))
                    .minSize(0).maxSize(Math.max(size, 1)).desiredCapacity(size).vpcZoneIdentifier(subnetId);
            if (recordNameTag != null) {
                b.tags(t -> t.resourceId(groupName).resourceType("auto-scaling-group").key(RecordNamer.TAG)
                        .value(recordNameTag).propagateAtLaunch(false));
            }
        });
        return instancesOf(groupName);
    }

    public List<Instance> instancesOf(String groupName) {
        // DescribeAutoScalingGroups is not usable here: moto answers CreatedTime without a zone, which the SDK refuses.
        List<String> ids = autoScaling.describeAutoScalingInstances().autoScalingInstances().stream()
                .filter(i -> groupName.equals(i.autoScalingGroupName())).map(i -> i.instanceId()).toList();
        return ec2.describeInstances(b -> b.instanceIds(ids)).reservations().stream()
                .flatMap(r -> r.instances().stream()).toList();
    }

    /** Scales the instance in, as Auto Scaling does before it sends the terminate event. */
    public void terminate(String instanceId) {
        autoScaling.terminateInstanceInAutoScalingGroup(b -> b.instanceId(instanceId).shouldDecrementDesiredCapacity(true));
    }

    public String state(String instanceId) {
        return ec2.describeInstances(b -> b.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .state().nameAsString();
    }

    /** Every record set of the zone, by "name TYPE", values joined by ",". */
    public Map<String, String> records(String zoneId) {
        return route53.listResourceRecordSetsPaginator(b -> b.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .filter(s -> s.type() != RRType.SOA && s.type() != RRType.NS)
                .collect(Collectors.toMap(s -> s.name() + " " + s.typeAsString(),
                        s -> s.resourceRecords().stream().map(ResourceRecord::value).collect(Collectors.joining(","))));
    }

    public Optional<String> record(String zoneId, String name, String type) {
        return Optional.ofNullable(records(zoneId).get(name + " " + type));
    }

    public void putRecord(String zoneId, String name, RRType type, String... values) {
        route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(ch -> ch
                .action(ChangeAction.UPSERT)
                .resourceRecordSet(ResourceRecordSet.builder().name(name).type(type).ttl(300L)
                        .resourceRecords(java.util.Arrays.stream(values).map(v -> ResourceRecord.builder().value(v).build()).toList())
                        .build()))));
    }

    @Override
    public void close() {
        route53.close();
        ec2.close();
        autoScaling.close();
    }
}
