package io.asger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.asger.TestEvents;
import io.asger.route53.OwnershipRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.sts.StsClient;

/** The AWS stand-in over a real socket, through the AWS SDK clients asger uses. */
class AwsStandInTest {

    private static final String A = "i-00000000000000001";
    private static final String B = "i-00000000000000002";
    private static final String C = "i-00000000000000003";

    private final AwsStandIn aws = new AwsStandIn();
    private final StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b"));
    private final Route53Client route53 = Route53Client.builder().endpointOverride(URI.create(aws.endpoint()))
            .region(Region.US_EAST_1).credentialsProvider(credentials).build();

    AwsStandInTest() throws Exception {
        aws.seed(List.of(A, B, C));
    }

    @AfterEach
    void stop() {
        route53.close();
        aws.close();
    }

    @Test
    void theZoneCountsItsLiveRecordSets() {
        var zone = route53.getHostedZone(r -> r.id(AwsStandIn.ZONE_ID)).hostedZone();

        assertThat(zone.name()).isEqualTo(AwsStandIn.ZONE_NAME);
        assertThat(zone.resourceRecordSetCount()).isEqualTo(6); // an A and a TXT record set each
    }

    @Test
    void listsFromANameAndPagesAsRoute53Does() {
        ListResourceRecordSetsResponse first = route53.listResourceRecordSets(r -> r.hostedZoneId(AwsStandIn.ZONE_ID)
                .startRecordName(B + ".asg.internal").maxItems("3"));

        assertThat(first.resourceRecordSets()).extracting(s -> s.name() + " " + s.typeAsString())
                .containsExactly(B + ".asg.internal. A", B + ".asg.internal. TXT", C + ".asg.internal. A");
        assertThat(first.resourceRecordSets().get(1).resourceRecords().get(0).value())
                .isEqualTo(OwnershipRecord.valueFor(B, Bench.REGION));
        assertThat(first.isTruncated()).isTrue();
        assertThat(first.nextRecordName()).isEqualTo(C + ".asg.internal.");
        assertThat(first.nextRecordTypeAsString()).isEqualTo("TXT");

        List<String> all = new ArrayList<>();
        route53.listResourceRecordSetsPaginator(r -> r.hostedZoneId(AwsStandIn.ZONE_ID).maxItems("4"))
                .resourceRecordSets().forEach(s -> all.add(s.name() + " " + s.typeAsString()));
        assertThat(all).hasSize(6).startsWith(A + ".asg.internal. A").endsWith(C + ".asg.internal. TXT");
    }

    @Test
    void aDeleteOfRecordsThatExistIsRecordedAndOneOfRecordsThatDoNotIsRefusedWhole() {
        assertThatThrownBy(() -> delete(A, "i-0000000000000000f")).isInstanceOf(InvalidChangeBatchException.class);
        assertThat(aws.recordDeletes.count()).isZero();
        assertThat(aws.liveRecordSets()).isEqualTo(6);

        delete(A);

        assertThat(aws.recordDeletes.at(A)).isNotNull();
        assertThat(aws.recordDeletes.count()).isEqualTo(1);
        assertThat(aws.liveRecordSets()).isEqualTo(4);
    }

    @Test
    void stsSaysTheCredentialsAreOfTheEventsAccount() {
        try (StsClient sts = StsClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build()) {
            assertThat(sts.getCallerIdentity().account()).isEqualTo(TestEvents.ACCOUNT);
        }
        assertThat(aws.stsRequests.get()).isEqualTo(1);
    }

    @Test
    void ec2KnowsNoInstance() {
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build()) {
            assertThat(ec2.describeInstances(r -> r.instanceIds(A)).reservations()).isEmpty();
        }
        assertThat(aws.ec2Requests.get()).isEqualTo(1);
    }

    private void delete(String... instanceIds) {
        List<Change> changes = new ArrayList<>();
        for (String id : instanceIds) {
            String name = id + ".asg.internal.";
            changes.add(change(name, RRType.A, AwsStandIn.address(id)));
            changes.add(change(name, RRType.TXT, OwnershipRecord.valueFor(id, Bench.REGION)));
        }
        route53.changeResourceRecordSets(r -> r.hostedZoneId(AwsStandIn.ZONE_ID).changeBatch(b -> b.changes(changes)));
    }

    private static Change change(String name, RRType type, String value) {
        return Change.builder().action(ChangeAction.DELETE).resourceRecordSet(ResourceRecordSet.builder().name(name)
                .type(type).ttl(60L).resourceRecords(ResourceRecord.builder().value(value).build()).build()).build();
    }
}
