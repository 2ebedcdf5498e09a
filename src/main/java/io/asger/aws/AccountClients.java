package io.asger.aws;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import io.asger.config.AccountSettings;
import io.asger.errors.PermanentFailure;
import io.asger.errors.TransientFailure;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS clients asger uses for an event, one per (account, region) and service, made on first use and kept until
 * Camel stops: every AWS call made for an event goes to the event's region, with credentials for the event's
 * account. An account with {@code asger.accounts.<account-id>.role-arn} gets that role's credentials (STS AssumeRole
 * with session name asger and asger.aws.external-id; cached, and refreshed before they expire); asger's own account
 * (the home account, the one the default credentials belong to: STS GetCallerIdentity at start-up) and an event that
 * names no account get the default chain. Any other account is refused by {@link #check}, before any AWS call for
 * the event is made: a permanent failure naming the missing setting.
 *
 * <p>When GetCallerIdentity fails (no STS endpoint reachable, say), the home account is unknown: with no role given at
 * all, asger stays the single-account daemon it was, acting for every event with its default credentials (logged
 * at start-up); with roles given, an event from an account without one is a transient failure, and the home account
 * is asked for again, at most every {@value #IDENTITY_RETRY_SECONDS} s.
 */
public final class AccountClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("asger.accounts");
    static final int IDENTITY_RETRY_SECONDS = 10;

    /** Where an event's calls go. {@code account} null: the home account; {@code region} null: asger's own. */
    public record Where(String account, Region region) {
    }

    private final AccountSettings settings;
    private final BiFunction<Region, AwsCredentialsProvider, Ec2Client> ec2Factory;
    private final BiFunction<Region, AwsCredentialsProvider, AutoScalingClient> autoScalingFactory;
    private final Function<String, AwsCredentialsProvider> roleCredentials;
    private final Supplier<String> homeAccountLookup;
    private final Map<Where, Ec2Client> ec2 = new ConcurrentHashMap<>();
    private final Map<Where, AutoScalingClient> autoScaling = new ConcurrentHashMap<>();
    private final Map<String, AwsCredentialsProvider> credentials = new ConcurrentHashMap<>();
    private final AtomicInteger made = new AtomicInteger();
    /** A GetCallerIdentity call is under way beside the messages (one at a time). */
    private final AtomicBoolean identityAsked = new AtomicBoolean();
    private final Lazy<StsClient> sts;
    private volatile boolean enabled = true;
    private volatile String homeAccount;
    private volatile String homeAccountProblem;
    private volatile long nextIdentityAttempt = System.nanoTime();
    private long identityRetryNanos = IDENTITY_RETRY_SECONDS * 1_000_000_000L;

    /** The daemon's: clients from {@link AwsClients}, STS in {@code stsRegion} when no region is configured. */
    public AccountClients(AccountSettings settings, Region stsRegion) {
        this.settings = settings;
        this.sts = new Lazy<>(() -> AwsClients.sts(stsRegion));
        this.ec2Factory = AwsClients::ec2;
        this.autoScalingFactory = AwsClients::autoScaling;
        this.roleCredentials = role -> AwsClients.assumeRole(sts.get(), role, settings.externalId().orElse(null));
        this.homeAccountLookup = () -> sts.get().getCallerIdentity().account();
    }

    public AccountClients(AccountSettings settings, BiFunction<Region, AwsCredentialsProvider, Ec2Client> ec2Factory,
            BiFunction<Region, AwsCredentialsProvider, AutoScalingClient> autoScalingFactory,
            Function<String, AwsCredentialsProvider> roleCredentials, Supplier<String> homeAccountLookup) {
        this.settings = settings;
        this.sts = new Lazy<>(() -> {
            throw new IllegalStateException("no STS client: credentials come from roleCredentials");
        });
        this.ec2Factory = ec2Factory;
        this.autoScalingFactory = autoScalingFactory;
        this.roleCredentials = roleCredentials;
        this.homeAccountLookup = homeAccountLookup;
    }

    /** Off in local mode: no AWS call is made, and no account is checked. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Asks STS whose the default credentials are (GetCallerIdentity); at start-up, and again when an event needs it.
     *
     * @return the home account, empty when STS could not say (why is logged)
     */
    public synchronized Optional<String> learnHomeAccount() {
        if (homeAccount != null || !enabled) {
            return Optional.ofNullable(homeAccount);
        }
        nextIdentityAttempt = System.nanoTime() + identityRetryNanos;
        try {
            homeAccount = homeAccountLookup.get();
            homeAccountProblem = null;
            LOG.info("Home account {} (STS GetCallerIdentity of the default credentials); roles for {}", homeAccount,
                    settings.roleArns().isEmpty() ? "no other account" : String.join(",", settings.roleArns().keySet()));
        } catch (SdkException | IllegalStateException e) {
            homeAccountProblem = String.valueOf(e.getMessage());
            if (settings.roleArns().isEmpty()) {
                LOG.warn("Cannot tell which account asger's default credentials belong to (STS GetCallerIdentity: {}):"
                        + " no asger.accounts.<account-id>.role-arn is set, so every event is acted on with the default"
                        + " credentials, whatever account it names", homeAccountProblem);
            } else {
                LOG.warn("Cannot tell which account asger's default credentials belong to (STS GetCallerIdentity: {}):"
                        + " events from an account without asger.accounts.<account-id>.role-arn wait (retried) until"
                        + " STS answers", homeAccountProblem);
            }
        }
        return Optional.ofNullable(homeAccount);
    }

    private void learnHomeAccountInBackground() {
        if (identityAsked.compareAndSet(false, true)) {
            Thread asking = new Thread(() -> {
                try {
                    learnHomeAccount();
                } finally {
                    identityAsked.set(false);
                }
            }, "asger-sts-identity");
            asking.setDaemon(true);
            asking.start();
        }
    }

    /**
     * Refuses an event from an account asger has no credentials for, before any AWS call is made for it. Events that
     * make no AWS call (a test notification, an ignored event without a lifecycle action) pass.
     *
     * @throws PermanentFailure the account is neither asger's own nor given a role
     * @throws TransientFailure asger cannot tell yet whether it is its own (STS did not answer)
     */
    public void check(AsgEvent event) {
        if (!enabled || event.getType() == EventType.TEST
                || event.getType() == EventType.IGNORED && !event.isLifecycleAction()) {
            return;
        }
        credentialsFor(event.getAccount(), event.getMessageId());
    }

    /** EC2 for the event's account, in its region. */
    public Ec2Client ec2(AsgEvent event) {
        return ec2(event.getAccount(), event.getRegion(), event.getMessageId());
    }

    public Ec2Client ec2(String account, String region, String messageId) {
        return client(ec2, ec2Factory, account, region, messageId);
    }

    public AutoScalingClient autoScaling(AsgEvent event) {
        return autoScaling(event.getAccount(), event.getRegion(), event.getMessageId());
    }

    public AutoScalingClient autoScaling(String account, String region, String messageId) {
        return client(autoScaling, autoScalingFactory, account, region, messageId);
    }

    /** How long after a failed GetCallerIdentity it may be asked again (tests shorten it). */
    void identityRetry(java.time.Duration interval) {
        identityRetryNanos = interval.toNanos();
        nextIdentityAttempt = System.nanoTime();
    }

    /** Clients made so far, every service, account and region. */
    public int clientsMade() {
        return made.get();
    }

    /** The home account once known. */
    public Optional<String> homeAccount() {
        return Optional.ofNullable(homeAccount);
    }

    private <C> C client(Map<Where, C> clients, BiFunction<Region, AwsCredentialsProvider, C> factory, String account,
            String region, String messageId) {
        AwsCredentialsProvider provider = credentialsFor(account, messageId);
        // Keyed by the account whose credentials sign: an event naming no account shares the home account's clients.
        String signer = provider == null ? null : account;
        Where where = new Where(signer, region == null || region.isBlank() ? null : Region.of(region));
        return clients.computeIfAbsent(where, w -> {
            made.incrementAndGet();
            return factory.apply(w.region(), provider);
        });
    }

    /** null: the default chain. */
    private AwsCredentialsProvider credentialsFor(String account, String messageId) {
        if (account == null) {
            return null;
        }
        Optional<String> role = settings.roleArn(account);
        if (role.isPresent()) {
            return credentials.computeIfAbsent(account, a -> roleCredentials.apply(role.get()));
        }
        String home = homeAccount;
        if (home == null && System.nanoTime() - nextIdentityAttempt >= 0) {
            if (settings.roleArns().isEmpty()) {
                // Until STS answers, a single-account asger acts with its default credentials whatever the account
                // (as logged), so no message waits on it: asked again beside the message, not on its way (a failing
                // call takes about half a second). Once the answer is in, other accounts' events are refused.
                learnHomeAccountInBackground();
            } else {
                home = learnHomeAccount().orElse(null);
            }
        }
        if (home == null) {
            if (settings.roleArns().isEmpty()) {
                return null;
            }
            throw new TransientFailure("message " + messageId + " comes from account " + account + ", which has no "
                    + AccountSettings.roleArnKey(account) + ", and asger cannot tell whether it is its own account"
                    + " (STS GetCallerIdentity: " + homeAccountProblem + ")");
        }
        if (home.equals(account)) {
            return null;
        }
        throw new PermanentFailure("message " + messageId + " comes from account " + account + ", which is neither"
                + " asger's own (" + home + ") nor given a role: set " + AccountSettings.roleArnKey(account)
                + " to a role asger may assume there");
    }

    @Override
    public void close() {
        ec2.values().forEach(Ec2Client::close);
        autoScaling.values().forEach(AutoScalingClient::close);
        ec2.clear();
        autoScaling.clear();
        credentials.values().forEach(c -> {
            if (c instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // a credentials cache; nothing to do about it
                }
            }
        });
        credentials.clear();
        sts.close();
    }
}
