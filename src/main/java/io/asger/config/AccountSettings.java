package io.asger.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where asger acts for each AWS account (asger.accounts.&lt;account-id&gt;.role-arn, asger.aws.external-id): every AWS
 * call made for an event goes to the event's region with credentials for the event's account, the role given for
 * that account (STS AssumeRole, session name {@value #SESSION_NAME}), or the default credentials for asger's own
 * account. The role keys are found by name in every source (properties files, -D, the environment as
 * {@code ASGER_ACCOUNTS_<ACCOUNT-ID>_ROLE_ARN}); see io.asger.aws.AccountClients for how they are used.
 */
public record AccountSettings(Map<String, String> roleArns, Optional<String> externalId) {

    /** The documented form of the per-account key; {@link #roleArnKey} gives one account's. */
    public static final String ROLE_ARN = "asger.accounts.<account-id>.role-arn";
    public static final String EXTERNAL_ID = "asger.aws.external-id";
    public static final String SESSION_NAME = "asger";

    static final Pattern PROPERTY = Pattern.compile("asger\\.accounts\\.([^.]*)\\.role-arn");
    static final Pattern VARIABLE = Pattern.compile("ASGER_ACCOUNTS_(.*)_ROLE_ARN");
    static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    /** arn:PARTITION:iam::ACCOUNT:role/PATH/NAME (IAM's own rules for the path and name characters). */
    public static final Pattern ROLE = Pattern.compile("arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/[\\w+=,.@/-]{1,512}");
    /** STS: 2 to 1,224 characters of letters, digits and {@code +=,.@:/-}. */
    static final Pattern EXTERNAL = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    public static String roleArnKey(String account) {
        return "asger.accounts." + account + ".role-arn";
    }

    /** Notes every bad setting in {@code s}; {@code allowed} is asger.accounts (empty: any account). */
    public static AccountSettings read(Settings s, Set<String> allowed) {
        Map<String, String> roles = new TreeMap<>();
        s.named().forEach((name, value) -> {
            Matcher property = PROPERTY.matcher(name);
            Matcher variable = VARIABLE.matcher(name);
            String account;
            if (property.matches()) {
                account = property.group(1);
            } else if (variable.matches()) {
                account = variable.group(1);
            } else {
                return;
            }
            String key = roleArnKey(account);
            // Resolved as every other setting is (an override beats the file); the listed value when it is only listed.
            String arn = s.get(key).orElse(value == null ? "" : value.trim());
            if (arn.isEmpty() || roles.containsKey(account)) {
                return;
            }
            if (!ACCOUNT.matcher(account).matches()) {
                s.problem(key, "names account '" + account + "'; an AWS account id is 12 digits");
                return;
            }
            Matcher role = ROLE.matcher(arn);
            if (!role.matches()) {
                s.problem(key, "must be an IAM role ARN (arn:aws:iam::" + account + ":role/NAME), was '" + arn + "'");
                return;
            }
            if (!role.group(1).equals(account)) {
                s.problem(key, "names a role in account " + role.group(1) + ", but the role asger assumes for account "
                        + account + "'s events must be in " + account + " (its EC2 and Auto Scaling are there)");
                return;
            }
            if (!allowed.isEmpty() && !allowed.contains(account)) {
                s.problem(key, "gives a role for account " + account + ", which " + TrustSettings.ACCOUNTS
                        + " does not allow (" + String.join(",", new java.util.TreeSet<>(allowed))
                        + "): add it there, or drop the role");
                return;
            }
            roles.put(account, arn);
        });
        Optional<String> externalId = s.get(EXTERNAL_ID);
        if (externalId.isPresent() && !EXTERNAL.matcher(externalId.get()).matches()) {
            s.problem(EXTERNAL_ID, "must be 2 to 1224 letters, digits or +=,.@:/- (STS's rule), was "
                    + externalId.get().length() + " characters");
            externalId = Optional.empty();
        }
        return new AccountSettings(Map.copyOf(roles), externalId);
    }

    /** The role for an account, if one is given. */
    public Optional<String> roleArn(String account) {
        return Optional.ofNullable(account == null ? null : roleArns.get(account));
    }
}
