package io.asger.aws;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.regions.Region;

/**
 * What an SQS queue URL says about where to connect: the region of an AWS queue URL, and, for a URL whose host is
 * not SQS's public endpoint (a VPC endpoint, an emulator), that host as the endpoint. The SDK sends every call to
 * its own endpoint with the queue URL only as a parameter, so without this a queue in eu-west-1 would be asked for
 * in whatever region the client is configured for, and a non-AWS host would be silently replaced by a public one.
 */
record QueueUrl(URI url, Optional<Region> region, boolean publicSqsHost) {

    private static final String REGION = "([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})";
    /** sqs.eu-west-1.amazonaws.com, sqs-fips.us-east-1.amazonaws.com, sqs.cn-north-1.amazonaws.com.cn */
    private static final Pattern PUBLIC = Pattern.compile("sqs(?:-fips)?\\." + REGION + "\\.amazonaws\\.com(?:\\.cn)?");
    /** The legacy form: eu-west-1.queue.amazonaws.com, and queue.amazonaws.com for us-east-1. */
    private static final Pattern LEGACY = Pattern.compile("(?:" + REGION + "\\.)?queue\\.amazonaws\\.com(?:\\.cn)?");
    /** An interface VPC endpoint: vpce-0123-abcd.sqs.eu-west-1.vpce.amazonaws.com */
    private static final Pattern VPC_ENDPOINT = Pattern.compile("[a-z0-9-]+\\.sqs\\." + REGION + "\\.vpce\\.amazonaws\\.com(?:\\.cn)?");

    static QueueUrl of(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(java.util.Locale.ROOT);
        Matcher m = PUBLIC.matcher(host);
        if (m.matches()) {
            return new QueueUrl(url, Optional.of(Region.of(m.group(1))), true);
        }
        m = LEGACY.matcher(host);
        if (m.matches()) {
            return new QueueUrl(url, Optional.of(m.group(1) == null ? Region.US_EAST_1 : Region.of(m.group(1))), true);
        }
        m = VPC_ENDPOINT.matcher(host);
        if (m.matches()) {
            return new QueueUrl(url, Optional.of(Region.of(m.group(1))), false);
        }
        return new QueueUrl(url, Optional.empty(), false);
    }

    /** scheme://host[:port] of the URL: the endpoint to call when the host is not SQS's public one. */
    URI origin() {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority());
    }
}
