package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.AwsFront;
import io.asger.peers.FakeAutoScaling;
import io.asger.peers.Moto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * One asger for many accounts and regions, through the whole application: moto plays every account (it keeps one
 * set of resources per account, chosen by the access key that signs, and its STS AssumeRole answers with credentials
 * of the role's account), behind {@link AwsFront}, which records which key and region each EC2 and STS call was
 * signed for; FakeAutoScaling records the same for the lifecycle completions. The default credentials ("test") are
 * moto's default account, {@value TestEvents#ACCOUNT}: asger's home account, as STS GetCallerIdentity tells it.
 */
class ManyAccountsIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String HOME = TestEvents.ACCOUNT;
    static final String ACCOUNT_A = "111111111111";
    static final String ACCOUNT_B = "222222222222";
    static final String ROLE_A = "arn:aws:iam::" + ACCOUNT_A + ":role/asger-member";
    static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/asger-member";
    static final String EXTERNAL_ID = "asger-7f3a9c";
    static final String TERMINATE = "EC2 Instance-terminate Lifecycle Action";
    static final Pattern ACCESS_KEY = Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");
    static final Map<String, String> SAVED = new LinkedHashMap<>();
    static Moto moto;
    static AwsFront front;
    static FakeAutoScaling autoScaling;

    @BeforeAll
    static void pointAtMoto() throws Exception {
        moto = Moto.shared();
        front = new AwsFront(moto.endpointUri());
        autoScaling = new FakeAutoScaling(moto.endpointUri());
        // What a deployment gives asger through the environment: AWS_ENDPOINT_URL_EC2, _STS, _AUTO_SCALING.
        for (String p : List.of("aws.endpointUrlEc2", "aws.endpointUrlSts", "aws.endpointUrlAutoScaling")) {
            SAVED.put(p, System.getProperty(p));
        }
        System.setProperty("aws.endpointUrlEc2", front.endpoint().toString());
        System.setProperty("aws.endpointUrlSts", front.endpoint().toString());
        System.setProperty("aws.endpointUrlAutoScaling", autoScaling.endpoint().toString());
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
        front.close();
        autoScaling.close();
    }

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
        autoScaling.reset();
        front.reset();
    }

    /** Credentials in {@code account}, as moto's STS hands them out for a role there. */
    static StaticCredentialsProvider credentialsIn(String account) {
        if (account.equals(HOME)) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        }
        try (StsClient sts = StsClient.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            Credentials c = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/test-setup")
                    .roleSessionName("test-setup")).credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                    c.sessionToken()));
        }
    }

    /** A running instance in that account and region, and nowhere else. */
    static String runningInstance(String account, Region region) {
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(moto.endpointUri()).region(region)
                .credentialsProvider(credentialsIn(account)).httpClientBuilder(ApacheHttpClient.builder()).build()) {
            String image = ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
            return ec2.runInstances(b -> b.imageId(image).instanceType("t3.micro").minCount(1).maxCount(1))
                    .instances().get(0).instanceId();
        }
    }

    static AsgerTestApp asger(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("asger.tasks", "first");
        p.put("asger.verify-termination", "true");
        p.put("asger.lifecycle.complete", "true");
        p.put("asger.lifecycle.heartbeat-seconds", "3600");
        p.put(io.asger.config.AccountSettings.roleArnKey(ACCOUNT_A), ROLE_A);
        p.put(io.asger.config.AccountSettings.roleArnKey(ACCOUNT_B), ROLE_B);
        p.put("asger.aws.external-id", EXTERNAL_ID);
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return AsgerTestApp.start(p, PipelineIT.TEST_TASKS);
    }

    /** The access key moto's STS answered an AssumeRole of {@code role} with, as asger received it. */
    static List<String> keysOf(String role) {
        return front.calls("sts").stream()
                .filter(c -> c.action().equals("AssumeRole") && role.equals(c.params().get("RoleArn")))
                .map(c -> {
                    Matcher m = ACCESS_KEY.matcher(c.answer());
                    return m.find() ? m.group(1) : "(none in " + c.answer() + ")";
                }).toList();
    }

    static List<AwsFront.Call> describes(String instanceId) {
        return front.calls("ec2").stream().filter(c -> c.action().equals("DescribeInstances")
                && instanceId.equals(c.params().get("InstanceId.1"))).toList();
    }

    static List<FakeAutoScaling.Call> completions(String instanceId) {
        return autoScaling.calls("CompleteLifecycleAction").stream()
                .filter(c -> instanceId.equals(c.param("InstanceId"))).toList();
    }

    @Test
    void eventsFromTwoAccountsAndTwoRegionsAreActedOnThereWithTheAccountsRolesAndTheHomeAccountWithItsOwn() {
        String inA = runningInstance(ACCOUNT_A, Region.EU_WEST_1);
        String inB = runningInstance(ACCOUNT_B, Region.US_WEST_2);
        String atHome = runningInstance(HOME, Region.US_EAST_1);
        // Held by a termination hook: the termination check lets each through once EC2 (in the right account and
        // region) says it is running. Asked elsewhere, EC2 would not know it and say so in the log line.
        autoScaling.instance(inA, "web-a", "Terminating:Wait");
        autoScaling.instance(inB, "web-b", "Terminating:Wait");
        autoScaling.instance(atHome, "web-home", "Terminating:Wait");
        try (AsgerTestApp app = asger()) {
            app.send(TestEvents.eventBridgeLifecycle(TERMINATE, inA, "web-a", ACCOUNT_A, "eu-west-1"));
            app.send(TestEvents.eventBridgeLifecycle(TERMINATE, inB, "web-b", ACCOUNT_B, "us-west-2"));
            app.send(TestEvents.eventBridgeLifecycle(TERMINATE, atHome, "web-home", HOME, "us-east-1"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(TaskRecorder.calls()).containsExactlyInAnyOrder("first-down:" + inA, "first-down:" + inB,
                    "first-down:" + atHome);
            for (String id : List.of(inA, inB, atHome)) {
                assertThat(app.logText()).contains("Instance " + id + " is going away: EC2 state running, Auto Scaling"
                        + " Terminating:Wait");
            }
            // The home account, from the default credentials.
            assertThat(front.calls("sts")).anySatisfy(c -> {
                assertThat(c.action()).isEqualTo("GetCallerIdentity");
                assertThat(c.accessKeyId()).isEqualTo("test");
            });
            assertThat(app.logText()).contains("Home account " + HOME + " (STS GetCallerIdentity");
            // Each role assumed once, as session asger, with the external id, by the default credentials.
            assertThat(front.calls("sts").stream().filter(c -> c.action().equals("AssumeRole")))
                    .hasSize(2)
                    .allSatisfy(c -> {
                        assertThat(c.params()).containsEntry("RoleSessionName", "asger")
                                .containsEntry("ExternalId", EXTERNAL_ID);
                        assertThat(c.accessKeyId()).isEqualTo("test");
                    });
            String keyA = keysOf(ROLE_A).get(0);
            String keyB = keysOf(ROLE_B).get(0);
            assertThat(keyA).isNotEqualTo(keyB).isNotEqualTo("test");
            // Every call for an event: its region, its account's credentials.
            assertThat(describes(inA)).isNotEmpty().allSatisfy(c -> assertThat(c.region() + " " + c.accessKeyId())
                    .isEqualTo("eu-west-1 " + keyA));
            assertThat(describes(inB)).isNotEmpty().allSatisfy(c -> assertThat(c.region() + " " + c.accessKeyId())
                    .isEqualTo("us-west-2 " + keyB));
            assertThat(describes(atHome)).isNotEmpty().allSatisfy(c -> assertThat(c.region() + " " + c.accessKeyId())
                    .isEqualTo("us-east-1 test"));
            assertThat(completions(inA)).singleElement().satisfies(c -> assertThat(c.region() + " " + c.accessKeyId())
                    .isEqualTo("eu-west-1 " + keyA));
            assertThat(completions(inB)).singleElement().satisfies(c -> assertThat(c.region() + " " + c.accessKeyId())
                    .isEqualTo("us-west-2 " + keyB));
            assertThat(completions(atHome)).singleElement().satisfies(c -> assertThat(c.region() + " " + c.accessKeyId())
                    .isEqualTo("us-east-1 test"));
        }
    }

    @Test
    void anAccountThatIsNeitherHomeNorGivenARoleIsDeadLetteredBeforeAnyAwsCall() {
        String stranger = "333333333333";
        String instance = runningInstance(stranger, Region.EU_WEST_1);
        autoScaling.instance(instance, "web-x", "Terminating:Wait");
        try (AsgerTestApp app = asger()) {
            String id = app.send(TestEvents.eventBridgeLifecycle(TERMINATE, instance, "web-x", stranger, "eu-west-1"));
            Message dead = app.awaitDlq(1, WAIT).get(0);
            app.awaitDrained(WAIT);

            assertThat(dead.messageAttributes().get(DeadLetterAttributes.ORIGINAL_MESSAGE_ID).stringValue()).isEqualTo(id);
            assertThat(dead.messageAttributes().get(DeadLetterAttributes.ERROR_KIND).stringValue()).isEqualTo("permanent");
            assertThat(dead.messageAttributes().get(DeadLetterAttributes.ERROR_MESSAGE).stringValue())
                    .isEqualTo("message " + id + " comes from account " + stranger + ", which is neither asger's own ("
                            + HOME + ") nor given a role: set asger.accounts." + stranger + ".role-arn to a role asger"
                            + " may assume there");
            assertThat(TaskRecorder.calls()).isEmpty();
            // No AWS call for it: not EC2, not Auto Scaling (not even the dead-lettered action's completion), and no
            // role assumed; the one STS call is asger's own GetCallerIdentity at start-up.
            assertThat(describes(instance)).isEmpty();
            assertThat(autoScaling.calls()).isEmpty();
            assertThat(front.calls("sts")).extracting(AwsFront.Call::action).containsExactly("GetCallerIdentity");
        }
    }
}
