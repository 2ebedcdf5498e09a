package io.asger.aws;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import io.asger.config.AccountSettings;
import io.asger.config.CoreSettings;
import io.asger.config.InvalidSettingException;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds every AWS client asger uses. Credentials and region come from the SDK's default chains (environment,
 * system properties, profiles, container and instance roles, IRSA); endpoints honour {@code AWS_ENDPOINT_URL} and
 * the per-service {@code AWS_ENDPOINT_URL_SQS} etc. (and the matching {@code aws.endpointUrl*} system properties),
 * which the SDK reads itself. The HTTP client is chosen here, not by the SDK's service loader, so the fat jar's
 * choice is deliberate.
 */
public final class AwsClients {

    private AwsClients() {
    }

    /**
     * An SQS client for the queue at {@code queueUrl} (and its dead-letter queue {@code dlqUrl}, which must be in the
     * same region). The queue URL decides where asger connects: an AWS queue URL gives the region (a configured
     * region that disagrees stops start-up, naming both), and a host that is not SQS's public endpoint (a VPC
     * endpoint, an emulator) becomes the endpoint (over AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL, which serve the
     * public hosts: a FIPS endpoint, a proxy).
     *
     * @param interceptors run around every call (the daemon's {@link WorkerSlots} bounds its receives)
     * @throws InvalidSettingException the regions disagree, or there is no region at all
     */
    public static SqsClient sqs(URI queueUrl, URI dlqUrl, ExecutionInterceptor... interceptors) {
        return sqs(queueUrl, dlqUrl, configuredRegion(), interceptors);
    }

    static SqsClient sqs(URI queueUrl, URI dlqUrl, Optional<Region> configured, ExecutionInterceptor... interceptors) {
        var builder = SqsClient.builder().httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor));
        QueueUrl queue = QueueUrl.of(queueUrl);
        if (dlqUrl != null) {
            QueueUrl dlq = QueueUrl.of(dlqUrl);
            if (queue.region().isPresent() && dlq.region().isPresent() && !queue.region().equals(dlq.region())) {
                throw new InvalidSettingException(CoreSettings.DLQ_URL, "is a queue in " + dlq.region().get().id()
                        + ", but " + CoreSettings.QUEUE_URL + " is in " + queue.region().get().id()
                        + ": the dead-letter queue must be in the queue's region");
            }
        }
        Region region;
        if (queue.region().isPresent()) {
            region = queue.region().get();
            if (configured.isPresent() && !configured.get().equals(region)) {
                throw new InvalidSettingException(CoreSettings.QUEUE_URL, "is a queue in " + region.id()
                        + ", but the AWS region is " + configured.get().id() + " (AWS_REGION, aws.region or the profile's"
                        + " region): set AWS_REGION=" + region.id() + ", or leave it unset to use the queue's region");
            }
        } else {
            region = configured.orElseThrow(() -> InvalidSettingException.forVariable("AWS_REGION",
                    "is not set (nor aws.region, nor a profile's region), and " + CoreSettings.QUEUE_URL + " ("
                            + queueUrl + ") names no region: set AWS_REGION to the queue's region"));
        }
        builder.region(region);
        if (!queue.publicSqsHost()) {
            // The queue URL decides where asger connects, over an endpoint setting: a VPC endpoint, an emulator.
            builder.endpointOverride(queue.origin());
        }
        return builder.build();
    }

    /** An SQS client for the embedded local queue: fixed region and throwaway credentials. */
    public static SqsClient localSqs(URI endpoint, ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    /**
     * Without the SDK's own retries: the Route 53 task (io.asger.route53.Route53Calls) paces every call to the
     * account's 5 requests/s and retries throttling itself, with jitter; SDK retries would only add unpaced requests.
     */
    public static Route53Client route53() {
        var builder = Route53Client.builder().httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        // Route 53 is global: without a configured region the SDK would refuse to build the client.
        if (configuredRegion().isEmpty()) {
            builder.region(Region.AWS_GLOBAL);
        }
        return builder.build();
    }

    public static Ec2Client ec2() {
        return Ec2Client.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** EC2 in {@code region}; null: the configured region. */
    public static Ec2Client ec2(Region region) {
        var builder = Ec2Client.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
    }

    public static StsClient sts() {
        return StsClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** The region of the SDK's default chain (AWS_REGION, profile, instance metadata), if there is one. */
    public static Optional<String> defaultRegion() {
        return configuredRegion().map(Region::id);
    }

    /** EC2 in {@code region} (null: the configured one) with {@code credentials} (null: the default chain). */
    public static Ec2Client ec2(Region region, AwsCredentialsProvider credentials) {
        var builder = Ec2Client.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (region != null) {
            builder.region(region);
        }
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        return builder.build();
    }

    /** Auto Scaling in {@code region} (null: the configured one) with {@code credentials} (null: the default chain). */
    public static AutoScalingClient autoScaling(Region region, AwsCredentialsProvider credentials) {
        var builder = AutoScalingClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (region != null) {
            builder.region(region);
        }
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        return builder.build();
    }

    /**
     * STS for AssumeRole and GetCallerIdentity: the endpoint is the SDK's ({@code AWS_ENDPOINT_URL_STS},
     * {@code AWS_ENDPOINT_URL}, else the region's own); the region the configured one, else {@code fallback}, else
     * the global endpoint's.
     */
    public static StsClient sts(Region fallback) {
        var builder = StsClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (configuredRegion().isEmpty()) {
            builder.region(fallback != null ? fallback : Region.AWS_GLOBAL);
        }
        return builder.build();
    }

    /**
     * Credentials of {@code roleArn}, assumed with the default credentials through {@code sts} (session name asger,
     * {@code externalId} when given), cached and refreshed before they expire.
     */
    public static StsAssumeRoleCredentialsProvider assumeRole(StsClient sts, String roleArn, String externalId) {
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(AccountSettings.SESSION_NAME).externalId(externalId))
                .build();
    }

    /** Route 53 with {@code credentials} (asger.route53.role-arn's), as {@link #route53()} otherwise. */
    public static Route53Client route53(AwsCredentialsProvider credentials) {
        var builder = Route53Client.builder().httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(credentials)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (configuredRegion().isEmpty()) {
            builder.region(Region.AWS_GLOBAL);
        }
        return builder.build();
    }

    public static AutoScalingClient autoScaling() {
        return AutoScalingClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /**
     * An Auto Scaling client for one region (an event is acted on in its own region, whatever region asger runs in).
     * The endpoint follows the SDK's conventions: {@code AWS_ENDPOINT_URL_AUTO_SCALING} / {@code AWS_ENDPOINT_URL}
     * when set, else the region's own endpoint.
     */
    public static AutoScalingClient autoScaling(Region region) {
        var builder = AutoScalingClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        // null: the configured region.
        if (region != null) {
            builder.region(region);
        }
        return builder.build();
    }

    /**
     * asger's own region: the configured one (AWS_REGION, profile, instance metadata), else the region of the queue
     * asger reads ({@code https://sqs.eu-west-1.amazonaws.com/...}); empty when neither names one.
     */
    public static Optional<Region> homeRegion(URI queueUrl) {
        Optional<Region> configured = configuredRegion();
        return configured.isPresent() ? configured : QueueUrl.of(queueUrl).region();
    }

    static Optional<Region> configuredRegion() {
        try {
            return Optional.ofNullable(DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkClientException e) {
            return Optional.empty();
        }
    }
}
