package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.Goiardi;
import io.asger.peers.Moto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * EC2 state-change events (asger.formats ec2-state-change) through the whole application, for instances in no Auto
 * Scaling group: bare moto RunInstances, the termination check on (it asks moto), the chef task against goiardi, and
 * the recording test tasks to see which chain ran.
 */
class Ec2StateChangeAppIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String WITH_EC2 = "autoscaling,ec2-state-change";
    static final Map<String, String> SAVED = new LinkedHashMap<>();
    static Goiardi chef;
    static Ec2Client ec2;
    static String image;

    @BeforeAll
    static void peers() {
        Moto moto = Moto.shared();
        chef = Goiardi.start();
        // What a deployment gives asger through the environment (AWS_ENDPOINT_URL_EC2, ..._AUTO_SCALING).
        for (String p : List.of("aws.endpointUrlEc2", "aws.endpointUrlAutoScaling")) {
            SAVED.put(p, System.getProperty(p));
            System.setProperty(p, moto.endpoint());
        }
        ec2 = Ec2Client.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        image = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
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
        ec2.close();
        chef.close();
    }

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
    }

    /** A running instance in no Auto Scaling group (a hand-made host), with a Chef node and client named after it. */
    static String bareInstanceWithChefNode() {
        String id = ec2.runInstances(b -> b.imageId(image).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        chef.createNode(id, Map.of("ec2", Map.of("instance_id", id)), List.of());
        chef.createClient(id);
        return id;
    }

    static AsgerTestApp asger(String formats) {
        Map<String, String> p = new HashMap<>(Map.of(
                "asger.tasks", "log,first,chef",
                "asger.verify-termination", "true",
                "asger.chef.url", chef.url(),
                "asger.chef.client-name", Goiardi.ADMIN,
                "asger.chef.key-file", chef.adminKey().toString()));
        if (formats != null) {
            p.put("asger.formats", formats);
        }
        return AsgerTestApp.start(p, PipelineIT.TEST_TASKS);
    }

    static String attr(Message m, String name) {
        return m.messageAttributes().get(name).stringValue();
    }

    @Test
    void aTerminatedInstanceOutsideAnyGroupLosesItsChefNodeAndClient() {
        String gone = bareInstanceWithChefNode();
        ec2.terminateInstances(b -> b.instanceIds(gone));
        try (AsgerTestApp app = asger(WITH_EC2)) {
            String messageId = app.send(TestEvents.sns(TestEvents.ec2StateChange(gone, "terminated")));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(chef.nodeExists(gone)).isFalse();
            assertThat(chef.clientExists(gone)).isFalse();
            assertThat(TaskRecorder.calls()).containsExactly("first-down:" + gone);
            assertThat(app.logText())
                    .containsPattern("Instance " + gone + " is going away: EC2 state (shutting-down|terminated)")
                    .contains("down: instance " + gone + " terminated in no group named by the event")
                    .contains("chef: deleted /nodes/" + gone).contains("chef: deleted /clients/" + gone)
                    .contains("Finished message " + messageId + ": handled")
                    .contains("event DOWN instance=" + gone + " account=123456789012 region=us-east-1");
        }
    }

    @Test
    void aTerminatedEventAboutARunningInstanceInNoGroupIsRefusedByTheTerminationCheck() {
        String running = bareInstanceWithChefNode();
        try (AsgerTestApp app = asger(WITH_EC2)) {
            app.send(TestEvents.ec2StateChange(running, "terminated"));
            Message dead = app.awaitDlq(1, WAIT).get(0);
            app.awaitDrained(WAIT);

            assertThat(attr(dead, DeadLetterAttributes.ERROR_MESSAGE)).isEqualTo("instance " + running
                    + " is running (state running, in no Auto Scaling group): refusing to clean it up");
            assertThat(attr(dead, DeadLetterAttributes.FAILED_TASK)).isEqualTo("termination-check");
            assertThat(chef.nodeExists(running)).isTrue();
            assertThat(chef.clientExists(running)).isTrue();
            assertThat(TaskRecorder.calls()).isEmpty();
        }
    }

    @Test
    void aRunningEventForARunningInstanceRunsTheUpChain() {
        String running = bareInstanceWithChefNode();
        try (AsgerTestApp app = asger(WITH_EC2)) {
            app.send(TestEvents.ec2StateChange(running, "running"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(TaskRecorder.calls()).containsExactly("first-up:" + running);
            assertThat(app.logText()).contains("up: instance " + running + " launched in no group named by the event");
            assertThat(chef.nodeExists(running)).isTrue();
        }
    }

    @Test
    void byDefaultTheFormatIsNotEnabledSoTheEventIsIgnoredAndAcknowledged() {
        String gone = bareInstanceWithChefNode();
        ec2.terminateInstances(b -> b.instanceIds(gone));
        try (AsgerTestApp app = asger(null)) {
            String messageId = app.send(TestEvents.ec2StateChange(gone, "terminated"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(app.mainQueueDepth()).isZero();
            assertThat(chef.nodeExists(gone)).isTrue();
            assertThat(TaskRecorder.calls()).isEmpty();
            assertThat(app.logText()).contains("Ignored message " + messageId
                    + ": format 'ec2-state-change' is not in asger.formats (autoscaling)")
                    .contains("Finished message " + messageId + ": ignored");
        }
    }

    @Test
    void shuttingDownAndStoppedAreIgnoredAndNoTaskRuns() {
        String stopped = bareInstanceWithChefNode();
        ec2.stopInstances(b -> b.instanceIds(stopped));
        String going = bareInstanceWithChefNode();
        ec2.terminateInstances(b -> b.instanceIds(going));
        try (AsgerTestApp app = asger(WITH_EC2)) {
            String stoppedMessage = app.send(TestEvents.ec2StateChange(stopped, "stopped"));
            String goingMessage = app.send(TestEvents.ec2StateChange(going, "shutting-down"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(TaskRecorder.calls()).isEmpty();
            assertThat(chef.nodeExists(stopped)).isTrue();
            assertThat(chef.nodeExists(going)).isTrue();
            assertThat(app.logText())
                    .contains("Ignored message " + stoppedMessage + ": EC2 instance " + stopped
                            + " is stopped: not terminated (a stopped instance may start again)")
                    .contains("Ignored message " + goingMessage + ": EC2 instance " + going
                            + " is shutting-down: not terminated yet (asger acts on its terminated event)");
        }
    }
}
