package io.asger.route53;

import io.asger.aws.AwsClients;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The Route 53 client of the Route 53 task: like {@link AwsClients#route53()} (default credential and region chains,
 * AWS_ENDPOINT_URL_ROUTE_53 / aws.endpointUrlRoute53 honoured, the global endpoint without a region, Apache HTTP
 * client) but without the SDK's own retries: {@link Route53Calls} paces every call to the account's 5 requests/s
 * and retries throttling itself, with jitter, so SDK retries would only add unpaced requests.
 */
public final class Route53Clients {

    private Route53Clients() {
    }

    public static Route53Client route53() {
        var builder = Route53Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (!regionConfigured()) {
            builder.region(Region.AWS_GLOBAL);
        }
        return builder.build();
    }

    private static boolean regionConfigured() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion() != null;
        } catch (RuntimeException none) {
            return false;
        }
    }
}
