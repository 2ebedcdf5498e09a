package io.asger.event;

import static io.asger.event.AsgEventNormalizerTest.inSns;
import static io.asger.event.AsgEventNormalizerTest.read;
import static io.asger.event.AsgEventNormalizerTest.tree;
import static io.asger.event.AsgEventNormalizerTest.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Every format says where its event comes from, from the event itself: a member account's events reach one asger
 * through a central account's SNS topic (in another region), and each keeps its own account and, where the body
 * names it, its own region. The topic's account is never the event's.
 */
class EventOriginTest {

    static final String ID = "5b3c1d2e-0f4a-4b6c-8d7e-9f0a1b2c3d4e";
    static final String MEMBER = "111111111111";
    static final String CENTRAL_TOPIC = "arn:aws:sns:us-east-1:999999999999:asg-events";

    private final AsgEventNormalizer normalizer = new AsgEventNormalizer();

    /** The example body as a member account in eu-west-1 sends it. */
    static ObjectNode fromMember(String file) {
        ObjectNode n = tree(read(file).replace("123456789012", MEMBER).replace("us-east-1", "eu-west-1"));
        return n;
    }

    /** Through the central account's topic in us-east-1. */
    static String viaCentralTopic(ObjectNode message) {
        ObjectNode envelope = tree(inSns(message.toString()));
        envelope.put("TopicArn", CENTRAL_TOPIC);
        return envelope.toString();
    }

    private AsgEvent normalize(String body) {
        return normalizer.normalize(body, ID);
    }

    @Test
    void anAutoScalingNotificationThroughACentralTopicKeepsItsAccountAndTheGroupsRegion() {
        ObjectNode inner = tree(tree(read("terminate-sns.json")).get("Message").textValue()
                .replace("123456789012", MEMBER).replace("us-east-1", "eu-west-1"));
        AsgEvent e = normalize(viaCentralTopic(inner));
        assertThat(e.getAccount()).isEqualTo(MEMBER);
        assertThat(e.getRegion()).isEqualTo("eu-west-1");
    }

    @Test
    void aNotificationWithoutAccountIdTakesTheGroupArnsAccount() {
        ObjectNode inner = tree(tree(read("terminate-sns.json")).get("Message").textValue()
                .replace("123456789012", MEMBER).replace("us-east-1", "eu-west-1"));
        inner.remove("AccountId");
        AsgEvent e = normalize(viaCentralTopic(inner));
        assertThat(e.getAccount()).isEqualTo(MEMBER);
        assertThat(e.getRegion()).isEqualTo("eu-west-1");
    }

    @Test
    void aNotificationWhoseGroupArnContradictsItsAccountIdIsRefusedNamingTheField() {
        String body = with("terminate-raw.json", n -> n.put("AccountId", MEMBER));
        assertThatThrownBy(() -> normalize(body)).isInstanceOfSatisfying(InvalidMessageException.class, e -> {
            assertThat(e.getField()).isEqualTo("AutoScalingGroupARN");
            assertThat(e.getMessage()).contains("names account 123456789012, but AccountId is " + MEMBER);
        });
    }

    @Test
    void aLifecycleHookMessageThroughACentralTopicKeepsItsAccountIdAndTakesTheTopicsRegionItNamesNoneOfItsOwn() {
        AsgEvent e = normalize(viaCentralTopic(fromMember("lifecycle-terminating-sqs.json")));
        assertThat(e.getAccount()).isEqualTo(MEMBER);
        // A hook message names no region; its topic (Auto Scaling's notification target) is in the group's region.
        assertThat(e.getRegion()).isEqualTo("us-east-1");
    }

    @Test
    void aLifecycleHookMessageStraightToSqsNamesItsAccountAndNoRegion() {
        AsgEvent e = normalize(fromMember("lifecycle-terminating-sqs.json").toString());
        assertThat(e.getAccount()).isEqualTo(MEMBER);
        // asger's own region is used for its calls (io.asger.lifecycle.LifecycleActions).
        assertThat(e.getRegion()).isNull();
    }

    @Test
    void eventBridgeEventsCarryTheirAccountAndRegion() {
        for (String file : new String[] {"eventbridge-terminate.json", "eventbridge-lifecycle-terminate.json",
                "eventbridge-launch.json"}) {
            AsgEvent e = normalize(fromMember(file).toString());
            assertThat(e.getAccount()).as(file).isEqualTo(MEMBER);
            assertThat(e.getRegion()).as(file).isEqualTo("eu-west-1");
        }
    }

    @Test
    void eventBridgeEventsThroughACentralTopicKeepTheirOwnAccount() {
        AsgEvent e = normalize(viaCentralTopic(fromMember("eventbridge-lifecycle-terminate.json")));
        assertThat(e.getAccount()).isEqualTo(MEMBER);
        assertThat(e.getRegion()).isEqualTo("eu-west-1");
    }

    @Test
    void aReconcileEventCarriesItsAccountAndRegion() {
        AsgEvent e = normalize(fromMember("reconcile.json").toString());
        assertThat(e.getAccount()).isEqualTo(MEMBER);
        assertThat(e.getRegion()).isEqualTo("eu-west-1");
    }
}
