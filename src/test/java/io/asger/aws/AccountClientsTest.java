package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.asger.config.AccountSettings;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The clients of every event's account and region: real SDK clients (built, never called here), one per (account,
 * region), the role's credentials for a role account and the default chain for the home account; an account asger
 * has no credentials for is refused before any client is made.
 */
class AccountClientsTest {

    static final String HOME = "123456789012";
    static final List<String> MEMBERS = List.of("111111111111", "222222222222", "333333333333", "444444444444");
    static final List<String> REGIONS = List.of("eu-west-1", "us-east-1", "ap-southeast-2");

    final AtomicInteger assumed = new AtomicInteger();
    final AtomicInteger identityCalls = new AtomicInteger();
    final List<AwsCredentialsProvider> given = new ArrayList<>();

    AccountClients clients(Map<String, String> roles, String home) {
        return new AccountClients(new AccountSettings(roles, Optional.empty()),
                (region, credentials) -> {
                    given.add(credentials);
                    return AwsClients.ec2(region, credentials);
                },
                AwsClients::autoScaling,
                role -> {
                    assumed.incrementAndGet();
                    return StaticCredentialsProvider.create(AwsBasicCredentials.create("key-of-" + role, "secret"));
                },
                () -> {
                    identityCalls.incrementAndGet();
                    if (home == null) {
                        throw SdkClientException.create("Unable to execute HTTP request: sts unreachable");
                    }
                    return home;
                });
    }

    static Map<String, String> roles() {
        Map<String, String> roles = new java.util.TreeMap<>();
        MEMBERS.forEach(a -> roles.put(a, "arn:aws:iam::" + a + ":role/asger-member"));
        return roles;
    }

    static AsgEvent event(int n, String account, String region) {
        return AsgEvent.builder(EventType.DOWN).messageId("m-" + n).instanceId("i-0123456789abcdef0")
                .groupName("web").account(account).region(region).build();
    }

    @Test
    void aThousandEventsFromFiveAccountsAndThreeRegionsMakeFifteenClients() {
        List<String> accounts = new ArrayList<>(MEMBERS);
        accounts.add(HOME);
        try (AccountClients clients = clients(roles(), HOME)) {
            Set<Ec2Client> distinct = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int n = 0; n < 1000; n++) {
                AsgEvent event = event(n, accounts.get(n % 5), REGIONS.get((n / 5) % 3));
                clients.check(event);
                Ec2Client ec2 = clients.ec2(event);
                assertThat(ec2.serviceClientConfiguration().region().id()).isEqualTo(event.getRegion());
                distinct.add(ec2);
            }
            assertThat(distinct).hasSize(15);
            assertThat(clients.clientsMade()).isEqualTo(15);
            // One role provider per member account (it caches and refreshes its credentials), the home account's
            // clients on the default chain (null: the SDK's), and STS asked once who the home account is.
            assertThat(assumed).hasValue(4);
            assertThat(given.stream().filter(c -> c == null)).hasSize(3);
            assertThat(identityCalls).hasValue(1);
        }
    }

    @Test
    void anAccountWithoutARoleThatIsNotHomeIsRefusedBeforeAnyClientIsMade() {
        try (AccountClients clients = clients(roles(), HOME)) {
            AsgEvent stranger = event(1, "555555555555", "eu-west-1");
            assertThatThrownBy(() -> clients.check(stranger)).isInstanceOf(PermanentFailure.class)
                    .hasMessage("message m-1 comes from account 555555555555, which is neither asger's own (" + HOME
                            + ") nor given a role: set asger.accounts.555555555555.role-arn to a role asger may assume there");
            assertThatThrownBy(() -> clients.ec2(stranger)).isInstanceOf(PermanentFailure.class);
            assertThatThrownBy(() -> clients.autoScaling(stranger)).isInstanceOf(PermanentFailure.class);
            assertThat(clients.clientsMade()).isZero();
            assertThat(assumed).hasValue(0);
        }
    }

    @Test
    void anEventWithoutAnAccountIsTheHomeAccountsAndSharesItsClients() {
        try (AccountClients clients = clients(roles(), HOME)) {
            Ec2Client none = clients.ec2(event(1, null, "eu-west-1"));
            Ec2Client home = clients.ec2(event(2, HOME, "eu-west-1"));
            assertThat(none).isSameAs(home);
            assertThat(given).containsExactly((AwsCredentialsProvider) null);
        }
    }

    @Test
    void testAndIgnoredEventsMakeNoAwsCallAndAreNotChecked() {
        try (AccountClients clients = clients(roles(), HOME)) {
            clients.check(AsgEvent.builder(EventType.TEST).messageId("t").account("555555555555").build());
            clients.check(AsgEvent.builder(EventType.IGNORED).messageId("i").account("555555555555").build());
            // An ignored move into a warm pool still completes its lifecycle action: checked.
            AsgEvent warm = AsgEvent.builder(EventType.IGNORED).messageId("w").account("555555555555")
                    .lifecycleActionToken("71514b9d-6a40-4b26-8523-05e7ee35fa40").intoWarmPool(true).build();
            assertThatThrownBy(() -> clients.check(warm)).isInstanceOf(PermanentFailure.class);
        }
    }

    @Test
    void localModeChecksNoAccount() {
        try (AccountClients clients = clients(roles(), HOME)) {
            clients.setEnabled(false);
            clients.check(event(1, "555555555555", "eu-west-1"));
            assertThat(identityCalls).hasValue(0);
        }
    }

    @Test
    void whenStsCannotSayWhoAsgerIsASingleAccountAsgerActsWithItsDefaultCredentials() {
        try (AccountClients clients = clients(Map.of(), null)) {
            assertThat(clients.learnHomeAccount()).isEmpty();
            clients.check(event(1, "555555555555", "eu-west-1"));
            assertThat(given).isEmpty();
            clients.ec2(event(1, "555555555555", "eu-west-1"));
            assertThat(given).containsExactly((AwsCredentialsProvider) null);
        }
    }

    @Test
    void aSingleAccountAsgerAsksStsAgainBesideTheMessagesNotOnTheirWay() throws Exception {
        CountDownLatch stsAnswers = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (AccountClients clients = new AccountClients(new AccountSettings(Map.of(), Optional.empty()),
                AwsClients::ec2, AwsClients::autoScaling, role -> null, () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw SdkClientException.create("Unable to execute HTTP request: sts unreachable");
                    }
                    try {
                        // STS slow to answer: a message that waited for it would wait here.
                        stsAnswers.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HOME;
                })) {
            clients.identityRetry(Duration.ZERO);
            assertThat(clients.learnHomeAccount()).isEmpty();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < 100; i++) {
                    clients.check(event(i, "555555555555", "eu-west-1"));
                    clients.ec2(event(i, "555555555555", "eu-west-1"));
                }
            });
            // One call at start-up, one beside the messages (still waiting for STS), never one per message.
            assertThat(calls).hasValue(2);
            stsAnswers.countDown();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> clients.homeAccount().isPresent());
            // Now asger knows its own account, and refuses another's event it has no role for.
            assertThatThrownBy(() -> clients.check(event(200, "555555555555", "eu-west-1")))
                    .isInstanceOf(PermanentFailure.class).hasMessageContaining("neither asger's own (" + HOME + ")");
            clients.check(event(201, HOME, "eu-west-1"));
        }
    }

    @Test
    void withRolesGivenStsIsAskedAgainWhileAnEventNeedsTheAnswer() {
        try (AccountClients clients = clients(roles(), null)) {
            clients.identityRetry(Duration.ZERO);
            assertThat(clients.learnHomeAccount()).isEmpty();
            for (int i = 0; i < 3; i++) {
                int n = i;
                assertThatThrownBy(() -> clients.check(event(n, HOME, "eu-west-1"))).isInstanceOf(TransientFailure.class);
            }
            assertThat(identityCalls).hasValue(4);
        }
    }

    @Test
    void whenStsCannotSayWhoAsgerIsAnAccountWithoutARoleWaitsButRoleAccountsGoOn() {
        try (AccountClients clients = clients(roles(), null)) {
            assertThat(clients.learnHomeAccount()).isEmpty();
            assertThatThrownBy(() -> clients.check(event(1, HOME, "eu-west-1"))).isInstanceOf(TransientFailure.class)
                    .hasMessageContaining("has no asger.accounts." + HOME + ".role-arn")
                    .hasMessageContaining("sts unreachable");
            clients.check(event(2, MEMBERS.get(0), "eu-west-1"));
            assertThat(clients.ec2(event(2, MEMBERS.get(0), "eu-west-1"))).isNotNull();
        }
    }
}
