package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;

import io.asger.config.InvalidSettingException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The queue URL decides where asger connects: its region, and its host when that is not SQS's public one. */
class QueueUrlTest {

    static final URI EU_QUEUE = URI.create("https://sqs.eu-west-1.amazonaws.com/123456789012/asg-events");
    static final URI EU_DLQ = URI.create("https://sqs.eu-west-1.amazonaws.com/123456789012/asg-events-dlq");

    @Test
    void awsQueueUrlsNameTheirRegion() {
        assertThat(QueueUrl.of(EU_QUEUE).region()).contains(Region.EU_WEST_1);
        assertThat(QueueUrl.of(URI.create("https://sqs.cn-north-1.amazonaws.com.cn/1/q")).region()).contains(Region.CN_NORTH_1);
        assertThat(QueueUrl.of(URI.create("https://ap-southeast-2.queue.amazonaws.com/1/q")).region()).contains(Region.AP_SOUTHEAST_2);
        assertThat(QueueUrl.of(URI.create("https://queue.amazonaws.com/1/q")).region()).contains(Region.US_EAST_1);
        assertThat(QueueUrl.of(URI.create("https://sqs-fips.us-gov-west-1.amazonaws.com/1/q")).region()).contains(Region.US_GOV_WEST_1);
        QueueUrl vpce = QueueUrl.of(URI.create("https://vpce-0a1b2c3d-4e5f.sqs.eu-central-1.vpce.amazonaws.com/1/q"));
        assertThat(vpce.region()).contains(Region.EU_CENTRAL_1);
        assertThat(vpce.publicSqsHost()).isFalse();
        assertThat(QueueUrl.of(URI.create("http://127.0.0.1:9324/000000000000/asger")).region()).isEmpty();
        assertThat(QueueUrl.of(URI.create("https://sqs.eu-west-1.amazonaws.com.evil.example/1/q")).region()).isEmpty();
    }

    @Test
    void withoutAConfiguredRegionTheQueuesRegionIsUsed() {
        try (SqsClient sqs = AwsClients.sqs(EU_QUEUE, EU_DLQ, Optional.empty())) {
            assertThat(sqs.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
            assertThat(sqs.serviceClientConfiguration().endpointOverride()).isEmpty();
        }
    }

    @Test
    void aConfiguredRegionThatDisagreesWithTheQueueUrlStopsStartUpNamingBoth() {
        assertThatThrownBy(() -> AwsClients.sqs(EU_QUEUE, EU_DLQ, Optional.of(Region.US_EAST_1)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("asger.queue-url: is a queue in eu-west-1, but the AWS region is us-east-1")
                .hasMessageContaining("set AWS_REGION=eu-west-1");
        try (SqsClient agreeing = AwsClients.sqs(EU_QUEUE, EU_DLQ, Optional.of(Region.EU_WEST_1))) {
            assertThat(agreeing.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void aDeadLetterQueueInAnotherRegionIsRefused() {
        assertThatThrownBy(() -> AwsClients.sqs(EU_QUEUE,
                URI.create("https://sqs.us-east-1.amazonaws.com/123456789012/asg-events-dlq"), Optional.empty()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("asger.dlq-url: is a queue in us-east-1, but asger.queue-url is in eu-west-1");
    }

    @Test
    void aHostThatIsNotSqsPublicEndpointIsTheEndpoint() {
        URI local = URI.create("http://127.0.0.1:9324/000000000000/asger");
        try (SqsClient sqs = AwsClients.sqs(local, URI.create("http://127.0.0.1:9324/000000000000/asger-dlq"),
                Optional.of(Region.US_EAST_1))) {
            assertThat(sqs.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:9324"));
        }
        URI vpce = URI.create("https://vpce-0a1b2c3d-4e5f.sqs.eu-central-1.vpce.amazonaws.com/123456789012/q");
        try (SqsClient sqs = AwsClients.sqs(vpce, null, Optional.empty())) {
            assertThat(sqs.serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(sqs.serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("https://vpce-0a1b2c3d-4e5f.sqs.eu-central-1.vpce.amazonaws.com"));
        }
    }

    @Test
    void noRegionAtAllNamesAwsRegion() {
        assertThatThrownBy(() -> AwsClients.sqs(URI.create("http://127.0.0.1:9324/000000000000/asger"), null, Optional.empty()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("AWS_REGION: is not set")
                .hasMessageContaining("asger.queue-url (http://127.0.0.1:9324/000000000000/asger) names no region");
    }
}
