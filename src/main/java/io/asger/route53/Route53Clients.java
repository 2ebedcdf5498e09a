package io.asger.route53;

import java.time.Duration;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The AWS clients the Route 53 task uses, on the SDK's default credential and region chains. Endpoints follow the
 * SDK's own settings: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ROUTE_53 / _EC2 / _AUTO_SCALING, or the system properties
 * aws.endpointUrl, aws.endpointUrlRoute53, aws.endpointUrlEc2, aws.endpointUrlAutoScaling.
 *
 * <p>Stand-in until core's io.asger.aws.AwsClients exists. The HTTP client is chosen here (Apache) so that which
 * implementation the SDK's service loader finds first does not matter.
 */
public final class Route53Clients {

    private Route53Clients() {
    }

    /**
     * Route 53 is a global service; with no region configured the global endpoint is used. The SDK does not retry:
     * {@link Route53Calls} paces calls and retries throttling itself, with jitter, across the whole batch.
     */
    public static Route53Client route53() {
        return Route53Client.builder()
                .region(regionOr(Region.AWS_GLOBAL))
                .httpClientBuilder(http())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    public static Ec2Client ec2() {
        return Ec2Client.builder().httpClientBuilder(http()).build();
    }

    public static AutoScalingClient autoScaling() {
        return AutoScalingClient.builder().httpClientBuilder(http()).build();
    }

    private static ApacheHttpClient.Builder http() {
        return ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30));
    }

    private static Region regionOr(Region fallback) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException none) {
            return fallback;
        }
    }
}
