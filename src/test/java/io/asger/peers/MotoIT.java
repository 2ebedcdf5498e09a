package io.asger.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

class MotoIT {

    @Test
    void servesRoute53AndForgetsEverythingOnReset() {
        Moto moto = Moto.shared();
        try (Route53Client route53 = Route53Client.builder()
                .endpointOverride(moto.endpointUri())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build()) {
            route53.createHostedZone(b -> b.name("moto-fixture.example.").callerReference("moto-it"));
            assertThat(route53.listHostedZones().hostedZones()).extracting(z -> z.name())
                    .containsExactly("moto-fixture.example.");

            moto.reset();

            assertThat(route53.listHostedZones().hostedZones()).isEmpty();
            assertThat(Moto.shared()).isSameAs(moto);
        }
    }
}
