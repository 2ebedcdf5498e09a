package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.asger.peers.Moto;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * asger.route53.role-arn: the hosted zone lives in a DNS account of its own (in moto, which keeps each account's
 * resources apart by the signing key), the instance in asger's own; the record is written in the zone's account.
 */
class Route53RoleIT {

    static final String DNS_ACCOUNT = "999999999999";
    static final String DNS_ROLE = "arn:aws:iam::" + DNS_ACCOUNT + ":role/asger-dns";

    private final Moto moto = Moto.shared();
    private MotoAws aws;
    private Route53Client dnsAccount;
    private String savedSts;

    @BeforeEach
    void accounts() {
        moto.reset();
        MotoAws.pointSdkAtMoto(moto);
        savedSts = System.getProperty("aws.endpointUrlSts");
        System.setProperty("aws.endpointUrlSts", moto.endpoint());
        aws = new MotoAws(moto);
        try (StsClient sts = StsClient.builder().endpointOverride(moto.endpointUri()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            Credentials c = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + DNS_ACCOUNT + ":role/setup")
                    .roleSessionName("setup")).credentials();
            dnsAccount = Route53Client.builder().endpointOverride(moto.endpointUri()).region(Region.AWS_GLOBAL)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
                    .httpClientBuilder(ApacheHttpClient.builder()).build();
        }
    }

    @AfterEach
    void close() {
        aws.close();
        dnsAccount.close();
        if (savedSts == null) {
            System.clearProperty("aws.endpointUrlSts");
        } else {
            System.setProperty("aws.endpointUrlSts", savedSts);
        }
    }

    @Test
    void theRecordIsWrittenInTheZonesAccountWithItsRole() throws Exception {
        String zoneId = dnsAccount.createHostedZone(b -> b.name(MotoAws.ZONE_NAME)
                .callerReference(UUID.randomUUID().toString())).hostedZone().id().replaceFirst("^/hostedzone/", "");
        List<Instance> web = aws.createGroup("web", 1, null);
        try (Route53Routes routes = new Route53Routes(Map.of("asger.route53.zone-id", zoneId,
                "asger.route53.record-name", "{instanceId}.asg.example.com",
                "asger.route53.role-arn", DNS_ROLE))) {
            Exchange done = routes.send("up", web.get(0).instanceId(), "web").get();
            assertThat(done.getException()).isNull();
        }
        String name = web.get(0).instanceId() + ".asg.example.com.";
        assertThat(dnsAccount.listResourceRecordSets(b -> b.hostedZoneId(zoneId)).resourceRecordSets())
                .anySatisfy(r -> {
                    assertThat(r.name()).isEqualTo(name);
                    assertThat(r.typeAsString()).isEqualTo("A");
                    assertThat(r.resourceRecords().get(0).value()).isEqualTo(web.get(0).privateIpAddress());
                });
        // asger's own account has no such zone.
        assertThat(aws.route53.listHostedZones().hostedZones()).isEmpty();
    }
}
