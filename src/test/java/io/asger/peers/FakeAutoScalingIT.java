package io.asger.peers;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake in front of moto, as the end-to-end tests use it: what it does not answer, moto does. */
class FakeAutoScalingIT {

    @Test
    void movesEverythingItDoesNotAnswerToMoto() throws Exception {
        Moto moto = Moto.shared();
        try (var fake = new FakeAutoScaling(moto.endpointUri());
             var autoScaling = AutoScalingClient.builder().endpointOverride(fake.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            String group = "fake-front-" + System.nanoTime();
            autoScaling.createLaunchConfiguration(b -> b.launchConfigurationName(group).imageId("ami-12c6146b")
                    .instanceType("t3.micro"));
            autoScaling.createAutoScalingGroup(b -> b.autoScalingGroupName(group).launchConfigurationName(group)
                    .minSize(0).maxSize(1).desiredCapacity(0).availabilityZones("us-east-1a"));
            autoScaling.putLifecycleHook(b -> b.autoScalingGroupName(group).lifecycleHookName("drain")
                    .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(420));

            assertThat(autoScaling.describeLifecycleHooks(b -> b.autoScalingGroupName(group)).lifecycleHooks())
                    .singleElement().satisfies(h -> assertThat(h.heartbeatTimeout()).isEqualTo(420));

            fake.instance("i-0123456789abcdef0", group, "Terminating:Wait");
            autoScaling.completeLifecycleAction(b -> b.autoScalingGroupName(group).lifecycleHookName("drain")
                    .instanceId("i-0123456789abcdef0").lifecycleActionResult("CONTINUE"));
            assertThat(fake.lifecycleState("i-0123456789abcdef0")).isEqualTo("Terminating:Proceed");
            assertThat(fake.calls()).filteredOn(FakeAutoScaling.Call::forwarded).extracting(FakeAutoScaling.Call::action)
                    .containsExactly("CreateLaunchConfiguration", "CreateAutoScalingGroup", "PutLifecycleHook",
                            "DescribeLifecycleHooks");
        }
    }
}
