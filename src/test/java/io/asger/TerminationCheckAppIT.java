package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.FakeAutoScaling;
import io.asger.peers.Moto;
import io.micrometer.core.instrument.MeterRegistry;
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
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The termination check through the whole application: a terminate event about a running instance is dead-lettered
 * and no task runs, in dry run too; one about a terminated instance, or one a termination lifecycle hook holds,
 * reaches the tasks. EC2 and Auto Scaling are moto, with FakeAutoScaling in front for Terminating:Wait.
 */
class TerminationCheckAppIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Map<String, String> SAVED = new LinkedHashMap<>();
    static Moto moto;
    static FakeAutoScaling fakeAutoScaling;
    static Ec2Client ec2;
    static AutoScalingClient autoScaling;
    static String subnet;
    static String template;

    @BeforeAll
    static void pointAtMoto() throws Exception {
        moto = Moto.shared();
        fakeAutoScaling = new FakeAutoScaling(moto.endpointUri());
        // What a deployment gives asger through the environment (AWS_ENDPOINT_URL_EC2, ..._AUTO_SCALING).
        for (String p : List.of("aws.endpointUrlEc2", "aws.endpointUrlAutoScaling")) {
            SAVED.put(p, System.getProperty(p));
        }
        System.setProperty("aws.endpointUrlEc2", moto.endpoint());
        System.setProperty("aws.endpointUrlAutoScaling", fakeAutoScaling.endpoint().toString());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        ec2 = Ec2Client.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
        autoScaling = AutoScalingClient.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
        String vpc = ec2.createVpc(b -> b.cidrBlock("10.1.0.0/16")).vpc().vpcId();
        subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.1.0.0/20").availabilityZone("us-east-1a"))
                .subnet().subnetId();
        String image = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
        template = "termination-app-" + UUID.randomUUID().toString().substring(0, 8);
        ec2.createLaunchTemplate(b -> b.launchTemplateName(template)
                .launchTemplateData(d -> d.imageId(image).instanceType("t3.micro")));
    }

    @AfterAll
    static void restore() {
        SAVED.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        fakeAutoScaling.close();
        ec2.close();
        autoScaling.close();
    }

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
        fakeAutoScaling.reset();
    }

    /** One running instance of a new group, InService. */
    static String groupInstance(String group) {
        autoScaling.createAutoScalingGroup(b -> b.autoScalingGroupName(group)
                .launchTemplate(t -> t.launchTemplateName(template).version("$Latest"))
                .minSize(0).maxSize(1).desiredCapacity(1).vpcZoneIdentifier(subnet));
        return autoScaling.describeAutoScalingInstances().autoScalingInstances().stream()
                .filter(i -> group.equals(i.autoScalingGroupName())).findFirst().orElseThrow().instanceId();
    }

    static AsgerTestApp asger(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("asger.tasks", "first");
        p.put("asger.verify-termination", "true");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return AsgerTestApp.start(p, PipelineIT.TEST_TASKS);
    }

    static String attr(Message m, String name) {
        return m.messageAttributes().get(name).stringValue();
    }

    static double count(AsgerTestApp app, String result) {
        MeterRegistry metrics = app.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        var counter = metrics.find("asger.termination.checks").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aTerminateEventAboutARunningInstanceIsRefusedEvenInDryRunAndATerminatedOneIsHandled() {
        String group = "web-" + UUID.randomUUID();
        String running = groupInstance(group);
        String gone = groupInstance("web-" + UUID.randomUUID());
        ec2.terminateInstances(b -> b.instanceIds(gone));
        try (AsgerTestApp app = asger("asger.dry-run", "true")) {
            String refusedId = app.send(TestEvents.rawTerminate(running, group));
            app.send(TestEvents.rawTerminate(gone, "web"));
            Message dead = app.awaitDlq(1, WAIT).get(0);
            app.awaitDrained(WAIT);
            assertThat(attr(dead, DeadLetterAttributes.ORIGINAL_MESSAGE_ID)).isEqualTo(refusedId);
            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE)).isEqualTo("instance " + running
                    + " is running (state running, Auto Scaling InService in group " + group + "): refusing to clean it up");
            assertThat(attr(dead, DeadLetterAttributes.ERROR_KIND)).isEqualTo("permanent");
            assertThat(attr(dead, DeadLetterAttributes.FAILED_TASK)).isEqualTo("termination-check");
            assertThat(TaskRecorder.calls()).containsExactly("first-down:" + gone);
            assertThat(app.logText()).containsPattern("Instance " + gone + " is going away: EC2 state (shutting-down|terminated)");
            assertThat(count(app, "refused")).isEqualTo(1.0);
            assertThat(count(app, "going-away")).isEqualTo(1.0);
        }
    }

    @Test
    void anInstanceHeldByATerminationLifecycleHookIsHandledAndLaunchesAreNotChecked() {
        String group = "web-" + UUID.randomUUID();
        String held = groupInstance(group);
        fakeAutoScaling.instance(held, group, "Terminating:Wait");
        String launched = groupInstance("web-" + UUID.randomUUID());
        try (AsgerTestApp app = asger()) {
            app.send(TestEvents.lifecycleTerminating(held, group));
            app.send(TestEvents.rawLaunch(launched, "web"));
            app.awaitDrained(WAIT);
            assertThat(app.dlq()).isEmpty();
            assertThat(TaskRecorder.calls()).containsExactlyInAnyOrder("first-down:" + held, "first-up:" + launched);
            assertThat(app.logText()).contains("Instance " + held + " is going away: EC2 state running, Auto Scaling Terminating:Wait in group " + group);
            assertThat(fakeAutoScaling.calls("DescribeAutoScalingInstances")).singleElement()
                    .satisfies(call -> assertThat(call.region()).isEqualTo("us-east-1"));
        }
    }

    @Test
    void awsThatCannotBeAskedIsRetriedThenDeadLetteredNeverProceed() {
        String group = "web-" + UUID.randomUUID();
        String held = groupInstance(group);
        fakeAutoScaling.instance(held, group, "Terminating:Wait");
        fakeAutoScaling.fail("DescribeAutoScalingInstances", 100, 503, "ServiceUnavailable", "try later");
        try (AsgerTestApp app = asger("asger.retry.max-redeliveries", "2")) {
            app.send(TestEvents.lifecycleTerminating(held, group));
            Message dead = app.awaitDlq(1, WAIT).get(0);
            assertThat(attr(dead, DeadLetterAttributes.ERROR_KIND)).isEqualTo("transient");
            assertThat(attr(dead, DeadLetterAttributes.ATTEMPTS)).isEqualTo("3");
            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE))
                    .contains("cannot check that " + held + " is going away: autoscaling:DescribeAutoScalingInstances in us-east-1 failed");
            assertThat(TaskRecorder.calls()).isEmpty();
            assertThat(count(app, "failed")).isEqualTo(3.0);
        }
    }
}
