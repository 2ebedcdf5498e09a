package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.peers.FakeAutoScaling;
import io.asger.peers.Moto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The termination check against moto (EC2 and Auto Scaling: its group instances are InService, terminate-instances
 * makes them terminated) and, for what moto cannot show (Terminating:Wait, refused permissions, throttling),
 * FakeAutoScaling in front of moto.
 */
class TerminationCheckIT {

    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    static Moto moto;
    static FakeAutoScaling fakeAutoScaling;
    static Ec2Client ec2;
    static AutoScalingClient autoScaling;
    static String subnet;
    static String template;

    TerminationCheck check;

    @BeforeAll
    static void startPeers() throws Exception {
        moto = Moto.shared();
        fakeAutoScaling = new FakeAutoScaling(moto.endpointUri());
        ec2 = ec2(moto.endpointUri(), Region.US_EAST_1);
        autoScaling = autoScaling(moto.endpointUri(), Region.US_EAST_1);
        String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.0.0.0/20").availabilityZone("us-east-1a"))
                .subnet().subnetId();
        String image = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
        template = "termination-check-" + UUID.randomUUID().toString().substring(0, 8);
        ec2.createLaunchTemplate(b -> b.launchTemplateName(template)
                .launchTemplateData(d -> d.imageId(image).instanceType("t3.micro")));
    }

    @AfterAll
    static void stopPeers() {
        fakeAutoScaling.close();
        ec2.close();
        autoScaling.close();
    }

    @BeforeEach
    void checkThroughTheFake() {
        fakeAutoScaling.reset();
        check = new TerminationCheck(region -> ec2(moto.endpointUri(), region),
                region -> autoScaling(fakeAutoScaling.endpoint(), region));
    }

    static Ec2Client ec2(URI endpoint, Region region) {
        return Ec2Client.builder().endpointOverride(endpoint).region(region == null ? Region.US_EAST_1 : region)
                .credentialsProvider(CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    static AutoScalingClient autoScaling(URI endpoint, Region region) {
        return AutoScalingClient.builder().endpointOverride(endpoint).region(region == null ? Region.US_EAST_1 : region)
                .credentialsProvider(CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    static String groupInstance(String group) {
        autoScaling.createAutoScalingGroup(b -> b.autoScalingGroupName(group)
                .launchTemplate(t -> t.launchTemplateName(template).version("$Latest"))
                .minSize(0).maxSize(1).desiredCapacity(1).vpcZoneIdentifier(subnet));
        return autoScaling.describeAutoScalingInstances().autoScalingInstances().stream()
                .filter(i -> group.equals(i.autoScalingGroupName())).findFirst().orElseThrow().instanceId();
    }

    static String plainInstance() {
        String image = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
        return ec2.runInstances(b -> b.imageId(image).minCount(1).maxCount(1).subnetId(subnet))
                .instances().get(0).instanceId();
    }

    @Test
    void aTerminatedInstanceProceeds() {
        String id = groupInstance("web-" + UUID.randomUUID());
        ec2.terminateInstances(b -> b.instanceIds(id));
        assertThat(check.confirm(id, "us-east-1")).matches("EC2 state (shutting-down|terminated)");
    }

    @Test
    void anInstanceEc2NoLongerKnowsProceeds() {
        assertThat(check.confirm("i-0123456789abcdef0", "us-east-1"))
                .isEqualTo("EC2 does not know i-0123456789abcdef0 (terminated some time ago)");
    }

    @Test
    void aRunningInServiceInstanceIsRefused() {
        String group = "web-" + UUID.randomUUID();
        String id = groupInstance(group);
        assertThatThrownBy(() -> check.confirm(id, "us-east-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("instance " + id + " is running (state running, Auto Scaling InService in group " + group
                        + "): refusing to clean it up");
    }

    @Test
    void aRunningInstanceOutsideAnyGroupIsRefused() {
        String id = plainInstance();
        assertThatThrownBy(() -> check.confirm(id, "us-east-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("instance " + id + " is running (state running, in no Auto Scaling group): refusing to clean it up");
    }

    @Test
    void aStoppedInstanceIsRefused() {
        String id = plainInstance();
        ec2.stopInstances(b -> b.instanceIds(id));
        assertThatThrownBy(() -> check.confirm(id, "us-east-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageMatching("instance " + id + " is not going away \\(state (stopping|stopped), in no Auto Scaling group\\): refusing to clean it up");
    }

    @Test
    void aRunningInstanceHeldByATerminationLifecycleHookProceedsAskingInTheEventsRegion() {
        String id = plainInstance();
        fakeAutoScaling.instance(id, "web", "Terminating:Wait");
        assertThat(check.confirm(id, "us-east-1"))
                .isEqualTo("EC2 state running, Auto Scaling Terminating:Wait in group web");
        assertThat(fakeAutoScaling.calls("DescribeAutoScalingInstances")).singleElement()
                .satisfies(call -> {
                    assertThat(call.region()).isEqualTo("us-east-1");
                    assertThat(call.param("InstanceIds.member.1")).isEqualTo(id);
                });
    }

    @Test
    void theEventsRegionIsTheRegionAsked() {
        String id = plainInstance();
        fakeAutoScaling.instance(id, "web", "Terminating:Proceed");
        // moto keeps regions apart: in eu-west-1 this us-east-1 instance does not exist.
        assertThat(check.confirm(id, "eu-west-1")).startsWith("EC2 does not know " + id);
        fakeAutoScaling.instance(id, "web", "Pending:Wait");
        assertThatThrownBy(() -> check.confirm(id, "us-east-1")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("Auto Scaling Pending:Wait in group web");
        assertThat(fakeAutoScaling.calls("DescribeAutoScalingInstances")).singleElement()
                .satisfies(call -> assertThat(call.region()).isEqualTo("us-east-1"));
    }

    @Test
    void anEventNamingAnotherRegionCannotPassARunningInstanceOffAsGone() {
        String group = "web-" + UUID.randomUUID();
        String id = groupInstance(group);
        check.setDefaultRegion(Region.US_EAST_1);
        // In eu-west-1 EC2 does not know it; in asger's own region it is running.
        assertThatThrownBy(() -> check.confirm(id, "eu-west-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessage("instance " + id + " is running (state running, Auto Scaling InService in group " + group
                        + "): refusing to clean it up");
        assertThat(check.confirm("i-0123456789abcdef0", "eu-west-1")).startsWith("EC2 does not know");
    }

    @Test
    void aRefusedPermissionIsPermanentAndNamesTheIamAction() {
        String id = plainInstance();
        fakeAutoScaling.fail("DescribeAutoScalingInstances", 1, 403, "AccessDenied",
                "User: arn:aws:iam::123456789012:role/asger is not authorized to perform: autoscaling:DescribeAutoScalingInstances");
        assertThatThrownBy(() -> check.confirm(id, "us-east-1"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageStartingWith("asger may not call autoscaling:DescribeAutoScalingInstances in us-east-1 (AccessDenied)");
    }

    @Test
    void throttlingIsTransientNeverProceed() {
        String id = plainInstance();
        fakeAutoScaling.fail("DescribeAutoScalingInstances", 20, 400, "Throttling", "Rate exceeded");
        assertThatThrownBy(() -> check.confirm(id, "us-east-1"))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("autoscaling:DescribeAutoScalingInstances in us-east-1 failed: Throttling Rate exceeded");
        fakeAutoScaling.reset();
        fakeAutoScaling.fail("DescribeAutoScalingInstances", 20, 503, "ServiceUnavailable", "try later");
        assertThatThrownBy(() -> check.confirm(id, "us-east-1")).isInstanceOf(TransientFailure.class);
    }

    @Test
    void unreachableEc2IsTransient() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closed);
        TerminationCheck offline = new TerminationCheck(region -> ec2(nowhere, region), region -> autoScaling(nowhere, region));
        assertThatThrownBy(() -> offline.confirm("i-0123456789abcdef0", "us-east-1"))
                .isInstanceOf(TransientFailure.class)
                .hasMessageContaining("cannot check that i-0123456789abcdef0 is going away: ec2:DescribeInstances in us-east-1 failed");
        offline.close();
    }

    @Test
    void ec2UnauthorizedOperationIsPermanentAndNamesTheIamAction() throws Exception {
        HttpServer ec2Refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>"
                + "<Message>You are not authorized to perform this operation.</Message></Error></Errors>"
                + "<RequestID>1</RequestID></Response>").getBytes(StandardCharsets.UTF_8);
        ec2Refusing.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ec2Refusing.start();
        URI endpoint = URI.create("http://127.0.0.1:" + ec2Refusing.getAddress().getPort());
        try (TerminationCheck refused = new TerminationCheck(region -> ec2(endpoint, region),
                region -> autoScaling(fakeAutoScaling.endpoint(), region))) {
            assertThatThrownBy(() -> refused.confirm("i-0123456789abcdef0", "eu-west-1"))
                    .isInstanceOf(PermanentFailure.class)
                    .hasMessageStartingWith("asger may not call ec2:DescribeInstances in eu-west-1 (UnauthorizedOperation)");
        } finally {
            ec2Refusing.stop(0);
        }
    }
}
