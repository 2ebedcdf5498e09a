package io.asger.peers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The fake, driven by the real AWS SDK client (so its protocol is the one asger's bean will speak). */
class FakeAutoScalingTest {

    private static final String TOKEN = "bcd2f1b8-9a78-44d3-8a7a-4dd07d7cf635";
    private FakeAutoScaling fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAutoScaling();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private AutoScalingClient client(URI endpoint, Region region) {
        return AutoScalingClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @Test
    void recordsACompletionWithItsParametersAndTheSigningRegion() {
        fake.instance("i-0123456789abcdef0", "web", "Terminating:Wait");
        try (var autoScaling = client(fake.endpoint(), Region.EU_WEST_1)) {
            autoScaling.completeLifecycleAction(b -> b.autoScalingGroupName("web").lifecycleHookName("drain")
                    .lifecycleActionToken(TOKEN).instanceId("i-0123456789abcdef0").lifecycleActionResult("CONTINUE"));
        }

        var call = fake.calls("CompleteLifecycleAction").get(0);
        assertThat(call.params()).containsEntry("AutoScalingGroupName", "web").containsEntry("LifecycleHookName", "drain")
                .containsEntry("LifecycleActionToken", TOKEN).containsEntry("InstanceId", "i-0123456789abcdef0")
                .containsEntry("LifecycleActionResult", "CONTINUE").containsEntry("Version", "2011-01-01");
        assertThat(call.region()).isEqualTo("eu-west-1");
        assertThat(call.accessKeyId()).isEqualTo("test");
        assertThat(fake.lifecycleState("i-0123456789abcdef0")).isEqualTo("Terminating:Proceed");
    }

    @Test
    void aSecondCompletionOfTheSameActionIsNoActiveLifecycleAction() {
        fake.instance("i-0123456789abcdef0", "web", "Pending:Wait");
        try (var autoScaling = client(fake.endpoint(), Region.US_EAST_1)) {
            autoScaling.completeLifecycleAction(b -> b.autoScalingGroupName("web").lifecycleHookName("register")
                    .lifecycleActionToken(TOKEN).instanceId("i-0123456789abcdef0").lifecycleActionResult("CONTINUE"));

            assertThatThrownBy(() -> autoScaling.recordLifecycleActionHeartbeat(b -> b.autoScalingGroupName("web")
                    .lifecycleHookName("register").lifecycleActionToken(TOKEN).instanceId("i-0123456789abcdef0")))
                    .isInstanceOfSatisfying(AutoScalingException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("No active Lifecycle Action found with token");
                    });
        }
    }

    @Test
    void injectedErrorsAreAnsweredTheGivenNumberOfTimesThenTheCallSucceeds() {
        fake.fail("RecordLifecycleActionHeartbeat", 2, 403, "AccessDenied",
                "User: arn:aws:iam::123456789012:user/asger is not authorized to perform: autoscaling:RecordLifecycleActionHeartbeat");
        try (var autoScaling = client(fake.endpoint(), Region.US_EAST_1)) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> autoScaling.recordLifecycleActionHeartbeat(b -> b.autoScalingGroupName("web")
                        .lifecycleHookName("drain").lifecycleActionToken(TOKEN)))
                        .isInstanceOfSatisfying(AutoScalingException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                            assertThat(e.awsErrorDetails().errorMessage()).contains("autoscaling:RecordLifecycleActionHeartbeat");
                        });
            }
            autoScaling.recordLifecycleActionHeartbeat(b -> b.autoScalingGroupName("web").lifecycleHookName("drain")
                    .lifecycleActionToken(TOKEN));
        }
        assertThat(fake.calls("RecordLifecycleActionHeartbeat")).hasSize(3);
    }

    @Test
    void describesHooksAndInstancesItWasToldAbout() {
        fake.hook("web", "drain", "autoscaling:EC2_INSTANCE_TERMINATING", 900)
                .hook("web", "register", "autoscaling:EC2_INSTANCE_LAUNCHING", 120)
                .instance("i-0123456789abcdef0", "web", "Terminating:Wait");
        try (var autoScaling = client(fake.endpoint(), Region.US_EAST_1)) {
            var hooks = autoScaling.describeLifecycleHooks(b -> b.autoScalingGroupName("web").lifecycleHookNames("drain"))
                    .lifecycleHooks();
            assertThat(hooks).singleElement().satisfies(h -> {
                assertThat(h.lifecycleHookName()).isEqualTo("drain");
                assertThat(h.heartbeatTimeout()).isEqualTo(900);
            });

            var instances = autoScaling.describeAutoScalingInstances(b -> b.instanceIds("i-0123456789abcdef0"))
                    .autoScalingInstances();
            assertThat(instances).singleElement().satisfies(i -> {
                assertThat(i.autoScalingGroupName()).isEqualTo("web");
                assertThat(i.lifecycleState()).isEqualTo("Terminating:Wait");
            });
        }
        assertThat(fake.calls("DescribeAutoScalingInstances").get(0).param("InstanceIds.member.1"))
                .isEqualTo("i-0123456789abcdef0");
    }

    @Test
    void forwardsEverythingElseUnchangedToItsUpstream() throws Exception {
        // A second fake as the upstream: it checks the signature header and records what arrived.
        try (var upstream = new FakeAutoScaling(); var front = new FakeAutoScaling(upstream.endpoint())) {
            upstream.hook("web", "drain", "autoscaling:EC2_INSTANCE_TERMINATING", 600)
                    .instance("i-0aaaaaaaaaaaaaaaa", "web", "InService");
            front.instance("i-0bbbbbbbbbbbbbbbb", "web", "Terminating:Wait");
            try (var autoScaling = client(front.endpoint(), Region.AP_SOUTHEAST_2)) {
                assertThat(autoScaling.describeLifecycleHooks(b -> b.autoScalingGroupName("web")).lifecycleHooks())
                        .singleElement().satisfies(h -> assertThat(h.heartbeatTimeout()).isEqualTo(600));
                assertThat(autoScaling.describeAutoScalingInstances(b -> b.instanceIds("i-0bbbbbbbbbbbbbbbb", "i-0aaaaaaaaaaaaaaaa"))
                        .autoScalingInstances())
                        .extracting(i -> i.instanceId() + "=" + i.lifecycleState())
                        .containsExactlyInAnyOrder("i-0bbbbbbbbbbbbbbbb=Terminating:Wait", "i-0aaaaaaaaaaaaaaaa=InService");
                assertThatThrownBy(() -> autoScaling.describeAutoScalingGroups())
                        .isInstanceOfSatisfying(AutoScalingException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction"));
            }
            assertThat(front.calls()).extracting(FakeAutoScaling.Call::action, FakeAutoScaling.Call::forwarded)
                    .containsExactly(tuple("DescribeLifecycleHooks", true),
                            tuple("DescribeAutoScalingInstances", false),
                            tuple("DescribeAutoScalingGroups", true));
            assertThat(upstream.calls()).extracting(FakeAutoScaling.Call::action).containsExactly(
                    "DescribeLifecycleHooks", "DescribeAutoScalingInstances", "DescribeAutoScalingGroups");
            assertThat(upstream.calls()).allSatisfy(c -> assertThat(c.region()).isEqualTo("ap-southeast-2"));
            assertThat(upstream.calls("DescribeAutoScalingInstances").get(0).params())
                    .containsEntry("InstanceIds.member.1", "i-0aaaaaaaaaaaaaaaa").doesNotContainKey("InstanceIds.member.2");
        }
    }

    @Test
    void refusesAnUnsignedRequestAsAwsDoes() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fake.endpoint())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("Action=CompleteLifecycleAction&Version=2011-01-01"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<ErrorResponse xmlns=\"" + FakeAutoScaling.NAMESPACE + "\">")
                .contains("<Code>MissingAuthenticationToken</Code>");
        assertThat(fake.calls()).isEmpty();
    }
}
