package io.asger.aws;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
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

    private static final Pattern SQS_HOST_REGION = Pattern.compile("sqs[.-]([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})\\.amazonaws\\.com.*");

    private AwsClients() {
    }

    /** An SQS client for the queue at {@code queueUrl}; when no region is configured, the queue URL's region is used. */
    public static SqsClient sqs(URI queueUrl) {
        var builder = SqsClient.builder().httpClientBuilder(ApacheHttpClient.builder());
        if (configuredRegion().isEmpty()) {
            regionOf(queueUrl).ifPresent(builder::region);
        }
        return builder.build();
    }

    /** An SQS client for the embedded local queue: fixed region and throwaway credentials. */
    public static SqsClient localSqs(URI endpoint) {
        return SqsClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
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

    /** An EC2 client for one region (the reconcile sweep checks instances in each of asger.reconcile.regions). */
    public static Ec2Client ec2(String region) {
        return Ec2Client.builder().httpClientBuilder(ApacheHttpClient.builder()).region(Region.of(region)).build();
    }

    public static StsClient sts() {
        return StsClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** The region of the SDK's default chain (AWS_REGION, profile, instance metadata), if there is one. */
    public static Optional<String> defaultRegion() {
        return configuredRegion().map(Region::id);
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
        return AutoScalingClient.builder().httpClientBuilder(ApacheHttpClient.builder()).region(region).build();
    }

    /**
     * asger's own region: the configured one (AWS_REGION, profile, instance metadata), else the region of the queue
     * asger reads ({@code https://sqs.eu-west-1.amazonaws.com/...}); empty when neither names one.
     */
    public static Optional<Region> homeRegion(URI queueUrl) {
        Optional<Region> configured = configuredRegion();
        return configured.isPresent() ? configured : regionOf(queueUrl);
    }

    static Optional<Region> configuredRegion() {
        try {
            return Optional.ofNullable(DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkClientException e) {
            return Optional.empty();
        }
    }

    static Optional<Region> regionOf(URI queueUrl) {
        if (queueUrl == null || queueUrl.getHost() == null) {
            return Optional.empty();
        }
        Matcher m = SQS_HOST_REGION.matcher(queueUrl.getHost());
        return m.matches() ? Optional.of(Region.of(m.group(1))) : Optional.empty();
    }
}
